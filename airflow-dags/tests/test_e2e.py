"""End to end: `airflow dags test` of both DAGs with Airflow's SQLite DB, pyspark's real spark-submit (local[2], or
the Spark standalone cluster with LAKEFORGE_AIRFLOW_MASTER), the shaded jar, a sample of the flights data and the real MLflow server that
scripts/test.sh starts (LAKEFORGE_E2E=1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_DATE = "2001-06-15"

pytestmark = pytest.mark.skipif(os.environ.get("LAKEFORGE_E2E") != "1",
                                reason="needs the services and the jar scripts/test.sh provides (LAKEFORGE_E2E=1)")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    work = tmp_path_factory.mktemp("airflow-e2e")
    raw = work / "raw"
    raw.mkdir()
    spark_submit = shutil.which("spark-submit")
    assert spark_submit, "pyspark's spark-submit must be on PATH"
    subprocess.run([spark_submit, str(Path(__file__).parent / "make_sample.py"),
                    str(REPO / "data/raw/flights-3m.parquet"), str(raw / "flights-3m.parquet"), "30"],
                   check=True, capture_output=True, timeout=600)
    shutil.copy(REPO / "data/raw/airports.csv", raw / "airports.csv")
    # The run day's flights without their delay: new rows for the scoring DAG (pyarrow comes with Airflow).
    subprocess.run([sys.executable, str(REPO / "scripts/rows-to-score.py"),
                    str(raw / "flights-3m.parquet"), str(work / "new-rows.parquet"), "--time-column", "date",
                    "--day", RUN_DATE, "--drop", "delay"], check=True, capture_output=True, timeout=300)
    e = dict(os.environ)
    e.update({
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "airflow-dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # local[2] in CI. LAKEFORGE_AIRFLOW_MASTER=$LAKEFORGE_SPARK_MASTER runs the DAGs against the standalone
        # cluster (scripts/spark-cluster.sh): each task's driver here (client mode, so exit codes reach Airflow), its
        # executors on the workers; 12.5 minutes instead of 7 on 2 cores, so not in CI's budget.
        "AIRFLOW_CONN_SPARK_DEFAULT": json.dumps({"conn_type": "spark",
                                                  "host": os.environ.get("LAKEFORGE_AIRFLOW_MASTER", "local[2]"),
                                                  "extra": {"deploy-mode": "client"}}),
        "LAKEFORGE_HOME": str(REPO),
        "LAKEFORGE_TASK_RETRIES": "0",
        "LAKEFORGE_RAW": str(raw),
        "LAKEFORGE_LAKE": str(work / "lake"),
        "LAKEFORGE_STATE": str(work / "state"),
        "LAKEFORGE_MODELS": str(work / "models"),
        "LAKEFORGE_EXPORTS": str(work / "exports"),
    })
    subprocess.run(["airflow", "db", "migrate"], env=e, check=True, capture_output=True, timeout=300)
    return e, work


def model_versions() -> int:
    uri = os.environ["MLFLOW_TRACKING_URI"]
    query = urllib.parse.urlencode({"filter": "name='flights_delay'", "max_results": 1000})
    with urllib.request.urlopen(f"{uri}/api/2.0/mlflow/model-versions/search?{query}", timeout=30) as r:
        return len(json.load(r).get("model_versions", []))


def dags_test(env, dag_id, conf=None):
    result = subprocess.run(["airflow", "dags", "test", dag_id, RUN_DATE] + (["--conf", json.dumps(conf)] if conf else []),
                            env=env, capture_output=True,
                            text=True, timeout=1800)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    return log


def cluster_apps() -> int:
    """Applications the standalone master has seen finish (0 without a cluster)."""
    ui = os.environ.get("LAKEFORGE_SPARK_MASTER_UI")
    if not ui:
        return 0
    with urllib.request.urlopen(f"{ui}/json/", timeout=30) as r:
        return len(json.load(r).get("completedapps", []))


def test_training_then_scoring_dag_runs(env):
    e, work = env
    before = model_versions()
    apps = cluster_apps()
    log = dags_test(e, "lakeforge_training")
    if os.environ.get("LAKEFORGE_AIRFLOW_MASTER", "").startswith("spark://"):
        assert cluster_apps() - apps == 7, "each of the seven Spark tasks ran as an application on the cluster"
    for table in ["bronze/flights", "silver/flights", "quarantine/flights", "features/origin_traffic",
                  "training_sets/flights_delay"]:
        assert (work / "lake" / table / "_delta_log").is_dir(), f"{table} missing after the DAG run\n{log[-2000:]}"
    assert model_versions() == before + 1, "the training DAG registers exactly one new model version"
    state = work / "state" / "flights" / RUN_DATE
    assert sorted(p.stem for p in state.glob("*.json")) == sorted(
        ["ingest", "validate", "features", "training-set", "train", "evaluate", "register"])

    # The evaluation report and its plots went to the registered run as artifacts.
    run_id = json.loads((state / "register.json").read_text())["outputs"]["mlflow_run_id"]
    query = urllib.parse.urlencode({"run_id": run_id, "path": "evaluation"})
    with urllib.request.urlopen(f"{os.environ['MLFLOW_TRACKING_URI']}/api/2.0/mlflow/artifacts/list?{query}",
                                timeout=30) as r:
        names = {Path(f["path"]).name for f in json.load(r).get("files", [])}
    assert {"report.html", "roc.png", "pr.png", "calibration.png", "confusion.png"} <= names, names
    # Training curves are step metrics: one point per boosting round.
    query = urllib.parse.urlencode({"run_id": run_id, "metric_key": "validation-logloss", "max_results": 10000})
    with urllib.request.urlopen(f"{os.environ['MLFLOW_TRACKING_URI']}/api/2.0/mlflow/metrics/get-history?{query}",
                                timeout=30) as r:
        steps = sorted(m["step"] for m in json.load(r).get("metrics", []))
    assert len(steps) > 1 and steps == list(range(len(steps))), steps[:5]

    # The scoring DAG scores new rows (no delay column) given as the scoring_input param.
    new_rows = work / "new-rows.parquet"
    dags_test(e, "lakeforge_scoring", {"scoring_input": str(new_rows)})
    assert (work / "lake" / "monitoring" / "drift" / "_delta_log").is_dir(), "the drift check ran before scoring"
    export = work / "exports" / "flights_delay" / f"day={RUN_DATE}"
    assert list(export.glob("*.parquet")), f"no export in {export}"
    score = json.loads((state / "score.json").read_text())
    assert score["metrics"]["rows_in"] == score["metrics"]["rows_scored"] + score["metrics"].get("rows_quarantined", 0) \
        + score["metrics"].get("duplicates_removed", 0), score["metrics"]
    assert score["metrics"]["rows_scored"] > 0, score
    import pyarrow.dataset as ds  # comes with Airflow

    inputs = set(ds.dataset(str(export), format="parquet").to_table(columns=["input_table"])["input_table"].to_pylist())
    assert len(inputs) == 1 and inputs.pop().endswith("new-rows.parquet"), "the export names the file it scored"
