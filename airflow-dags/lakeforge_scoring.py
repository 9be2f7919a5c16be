"""Batch scoring: runs when the training DAG has published fresh features and a promoted model.

drift compares the day's features with the training window (monitoring.drift) and stops the run with exit 3 when
a fail level is crossed, so a shifted day is never scored silently. score reads the model behind the registry alias and the day's features, or the new rows of the ``scoring_input``
param (or ``scoring.input``) given the model's features by its training set's code, and writes the Parquet export,
published as an asset for consumers.
"""

from __future__ import annotations

from airflow.sdk import DAG
from lakeforge_tasks import LakeforgeStageOperator, assets, dag_arguments

published = assets()

# Both assets must be updated since the last scoring run: a fresh training set (its point-in-time feature rows) and a newly promoted model.
with DAG(dag_id="lakeforge_scoring", schedule=(published["training_set"] & published["model"]),
         **dag_arguments("batch scoring", __doc__)):
    drift = LakeforgeStageOperator(task_id="drift", stage="drift")
    # New rows (tomorrow's flights, no label yet): the scoring_input param, or scoring.input in the config.
    score = LakeforgeStageOperator(task_id="score", stage="score", outlets=[published["export"]],
                                   optional_args={"--input": "scoring_input"})

    drift >> score
