"""The DAGs as Airflow loads them: no import errors, the exact task graphs, retries, timeouts and asset wiring."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from airflow.models.dagbag import DagBag
from airflow.exceptions import AirflowException, AirflowFailException

DAGS = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dagbag():
    return DagBag(dag_folder=str(DAGS), include_examples=False)


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"lakeforge_training", "lakeforge_scoring"}


def edges(dag):
    return {(t.task_id, d) for t in dag.tasks for d in sorted(t.downstream_task_ids)}


def test_training_graph_is_the_stage_chain(dagbag):
    dag = dagbag.dags["lakeforge_training"]
    assert edges(dag) == {("ingest", "validate"), ("validate", "features"), ("features", "training_set"),
                          ("training_set", "trainer"), ("trainer", "sweep"), ("trainer", "train"),
                          ("sweep", "evaluate"), ("train", "evaluate"), ("evaluate", "register")}
    assert dag.get_task("evaluate").trigger_rule == "none_failed_min_one_success"
    assert dag.schedule == "@daily" or str(dag.timetable.summary) == "@daily"
    assert dag.catchup is False and dag.max_active_runs == 1


def test_scoring_graph_and_asset_schedule(dagbag):
    dag = dagbag.dags["lakeforge_scoring"]
    assert edges(dag) == {("drift", "score")}
    condition = dag.timetable.asset_condition
    assert type(condition).__name__ == "AssetAll", "both assets must be updated, not either"
    uris = {a.uri for _, a in condition.iter_assets()}
    assert uris == {"lakeforge://flights/training_sets/flights_delay", "lakeforge://flights/models/champion"}
    training = dagbag.dags["lakeforge_training"]
    outlets = {t.task_id: [a.uri for a in t.outlets] for t in training.tasks if t.outlets}
    assert outlets == {"training_set": ["lakeforge://flights/training_sets/flights_delay"],
                       "register": ["lakeforge://flights/models/champion"]}


@pytest.mark.parametrize("dag_id", ["lakeforge_training", "lakeforge_scoring"])
def test_every_task_submits_the_jar_with_retries_and_a_timeout(dagbag, dag_id):
    for task in dagbag.dags[dag_id].tasks:
        if task.task_id == "trainer":  # the branch, in-process
            continue
        assert task.retries == 2
        assert task.retry_delay == timedelta(minutes=2)
        assert task.execution_timeout == timedelta(hours=2)
        assert task._conn_id == "spark_default"
        assert task._java_class == "dev.lakeforge.app.LakeforgeMain"
        assert task.application == "{{ params.jar }}"
        args = task.application_args
        assert args[0] == task.task_id.replace("_", "-")  # training_set runs `lakeforge training-set`
        assert args[args.index("--config") + 1] == "{{ params.config }}"
        assert args[args.index("--run-id") + 1] == "{{ run_id }}"


def test_no_cycles(dagbag):
    for dag in dagbag.dags.values():
        order = dag.topological_sort()
        assert len(order) == len(dag.tasks)


def test_gate_exit_codes_fail_without_retry_and_others_retry(dagbag, monkeypatch):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    task = dagbag.dags["lakeforge_training"].get_task("evaluate")
    context = {"params": {"run_date": "2001-06-15"}}
    for code, expected in [(4, AirflowFailException), (3, AirflowFailException), (5, AirflowException)]:
        def fail(self, ctx, code=code):
            raise AirflowException(f"Cannot execute: spark-submit ... Error code is: {code}.")
        monkeypatch.setattr(SparkSubmitOperator, "execute", fail)
        with pytest.raises(expected) as raised:
            task.execute(context)
        assert (type(raised.value) is AirflowFailException) == (code in (3, 4))
    assert "2001-06-15" in task.application_args


def test_score_gets_new_rows_only_when_the_scoring_input_param_is_set(dagbag, monkeypatch):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    submitted = []
    monkeypatch.setattr(SparkSubmitOperator, "execute", lambda self, ctx: submitted.append(list(self.application_args)))
    task = dagbag.dags["lakeforge_scoring"].get_task("score")
    task.execute({"params": {"run_date": "2001-06-16", "scoring_input": None}})
    assert "--input" not in submitted[-1]
    task.execute({"params": {"run_date": "2001-06-16", "scoring_input": "/data/next-day.parquet"}})
    args = submitted[-1]
    assert args[args.index("--input") + 1] == "/data/next-day.parquet" and args.count("--input") == 1
    assert "--input" not in dagbag.dags["lakeforge_scoring"].get_task("drift").application_args


def test_run_date_falls_back_to_the_publishing_runs_logical_date():
    from datetime import datetime
    from types import SimpleNamespace

    from lakeforge_tasks import run_date

    event = SimpleNamespace(source_dag_run=SimpleNamespace(logical_date=datetime(2001, 6, 15)))
    assert run_date({"params": {}, "triggering_asset_events": {"a": [event]}}) == "2001-06-15"
    assert run_date({"params": {}, "logical_date": datetime(2001, 6, 16)}) == "2001-06-16"
    assert run_date({"params": {"run_date": "2001-06-17"}, "logical_date": datetime(2001, 6, 16)}) == "2001-06-17"


def test_trainer_branch_follows_the_param():
    from lakeforge_tasks import choose_trainer

    assert choose_trainer(params={}) == "train"
    assert choose_trainer(params={"trainer": "sweep"}) == "sweep"
    with pytest.raises(AirflowFailException, match="param trainer is 'grid'"):
        choose_trainer(params={"trainer": "grid"})


def test_tasks_pass_the_openlineage_parent_run_to_the_job(dagbag, monkeypatch):
    """The provider's SparkSubmitOperator injection puts this task's OpenLineage run into the Spark conf, under the
    keys the jar reads into its events' parent run facet."""
    import uuid
    from datetime import datetime, timezone
    from types import SimpleNamespace
    from unittest.mock import MagicMock

    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    for dag in dagbag.dags.values():
        for task in dag.tasks:
            if isinstance(task, SparkSubmitOperator):
                assert task._openlineage_inject_parent_job_info is True, task.task_id
    hook = MagicMock(_should_track_driver_status=False, _is_yarn_cluster_mode=False)
    hook._should_track_driver_via_k8s_api.return_value = False
    monkeypatch.setattr(SparkSubmitOperator, "_get_hook", lambda self: hook)
    task = dagbag.dags["lakeforge_training"].get_task("train")
    dag_run = SimpleNamespace(logical_date=datetime(2001, 6, 15, tzinfo=timezone.utc), run_after=None, conf={},
                              clear_number=0)
    ti = SimpleNamespace(dag_id="lakeforge_training", task_id="train", try_number=1, map_index=-1, dag_run=dag_run,
                         get_template_context=lambda: {"dag_run": dag_run})
    task.execute({"ti": ti, "params": {"run_date": "2001-06-15"}})
    conf = task.conf
    assert conf["spark.openlineage.parentJobName"] == "lakeforge_training.train"
    assert conf["spark.openlineage.rootParentJobName"] == "lakeforge_training"
    assert conf["spark.openlineage.parentJobNamespace"] == conf["spark.openlineage.rootParentJobNamespace"]
    uuid.UUID(conf["spark.openlineage.parentRunId"])
    uuid.UUID(conf["spark.openlineage.rootParentRunId"])
    assert conf["spark.ui.showConsoleProgress"] == "false", "the task's own conf stays"
    hook.submit.assert_called_once()
