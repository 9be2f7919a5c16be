"""Daily training: ingest -> validate -> features -> train -> evaluate -> register.

The register stage moves the model alias only when evaluate blessed the model; evaluate fails the run with exit 4
otherwise, so an unblessed model never reaches register. Features and the promoted model are published as assets,
which schedule the scoring DAG.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG
from lakeforge_tasks import DEFAULT_ARGS, LakeforgeStageOperator, assets, params, pipeline_identity

pipeline, feature_set = pipeline_identity()
published = assets()

with DAG(
    dag_id="lakeforge_training",
    description=f"Lakeforge training of pipeline {pipeline}",
    doc_md=__doc__,
    schedule="@daily",
    start_date=datetime(2000, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=params(),
    tags=["lakeforge", pipeline],
):
    ingest = LakeforgeStageOperator(task_id="ingest", stage="ingest")
    validate = LakeforgeStageOperator(task_id="validate", stage="validate")
    features = LakeforgeStageOperator(task_id="features", stage="features", outlets=[published["features"]])
    train = LakeforgeStageOperator(task_id="train", stage="train")
    evaluate = LakeforgeStageOperator(task_id="evaluate", stage="evaluate")
    register = LakeforgeStageOperator(task_id="register", stage="register", outlets=[published["model"]])

    ingest >> validate >> features >> train >> evaluate >> register
