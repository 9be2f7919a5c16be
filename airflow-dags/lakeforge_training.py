"""Daily training: ingest -> validate -> features -> training_set -> train or sweep -> evaluate -> register.

The ``trainer`` param picks the branch: ``train`` fits training.params once; ``sweep`` searches training.sweep
(trials in training.trials) and retrains the best config. Evaluate takes whichever model the run produced.

The register stage moves the model alias only when evaluate blessed the model; evaluate fails the run with exit 4
otherwise, so an unblessed model never reaches register. The point-in-time training set (the feature rows scoring
reads) and the promoted model are published as assets, which schedule the scoring DAG.
"""

from __future__ import annotations

from airflow.sdk import DAG, task
from lakeforge_tasks import LakeforgeStageOperator, assets, choose_trainer, dag_arguments

published = assets()

with DAG(dag_id="lakeforge_training", schedule="@daily", **dag_arguments("training", __doc__)):
    ingest = LakeforgeStageOperator(task_id="ingest", stage="ingest")
    validate = LakeforgeStageOperator(task_id="validate", stage="validate")
    features = LakeforgeStageOperator(task_id="features", stage="features")
    training_set = LakeforgeStageOperator(task_id="training_set", stage="training-set",
                                          outlets=[published["training_set"]])
    trainer = task.branch(task_id="trainer")(choose_trainer)()
    train = LakeforgeStageOperator(task_id="train", stage="train")
    sweep = LakeforgeStageOperator(task_id="sweep", stage="sweep")
    # The branch not taken is skipped; evaluate runs when the other one succeeded.
    evaluate = LakeforgeStageOperator(task_id="evaluate", stage="evaluate",
                                      trigger_rule="none_failed_min_one_success")
    register = LakeforgeStageOperator(task_id="register", stage="register", outlets=[published["model"]])

    ingest >> validate >> features >> training_set >> trainer >> [train, sweep] >> evaluate >> register
