"""Batch scoring: runs when the training DAG has published fresh features and a promoted model.

score reads the model behind the registry alias and the day's features and writes the Parquet export, published
as an asset for consumers.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG
from lakeforge_tasks import DEFAULT_ARGS, LakeforgeStageOperator, assets, params, pipeline_identity

pipeline, feature_set = pipeline_identity()
published = assets()

with DAG(
    dag_id="lakeforge_scoring",
    description=f"Lakeforge batch scoring of pipeline {pipeline}",
    doc_md=__doc__,
    schedule=(published["features"] & published["model"]),
    start_date=datetime(2000, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=params(),
    tags=["lakeforge", pipeline],
):
    LakeforgeStageOperator(task_id="score", stage="score", outlets=[published["export"]])
