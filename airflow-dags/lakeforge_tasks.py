"""Building blocks of the Lakeforge DAGs: where the jar and the pipeline config are, and one task per stage.

Nothing here names a dataset. The pipeline config's path comes from the environment (LAKEFORGE_CONFIG) or the
Airflow Variable ``lakeforge_config``; the pipeline name and feature set for asset URIs are read from that config.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import yaml
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import Asset

LAKEFORGE_HOME = Path(os.environ.get("LAKEFORGE_HOME", Path(__file__).resolve().parent.parent))
DEFAULT_CONFIG = os.environ.get("LAKEFORGE_CONFIG", str(LAKEFORGE_HOME / "conf/pipelines/flights.yaml"))
DEFAULT_JAR = os.environ.get("LAKEFORGE_JAR", str(LAKEFORGE_HOME / "app/target/lakeforge-0.1.0-SNAPSHOT.jar"))
MAIN_CLASS = "dev.lakeforge.app.LakeforgeMain"
# Replaced at execute time: asset-triggered runs of Airflow 3 have no logical date to template {{ ds }} from.
RUN_DATE = "__lakeforge_run_date__"

# Exit codes of the jar that no retry can fix: 2 usage/config/input, 3 data-quality gate, 4 model gate.
NO_RETRY_EXIT_CODES = {2: "usage, config or input error", 3: "data-quality gate failed", 4: "model gate failed"}

DEFAULT_ARGS = {
    "owner": "lakeforge",
    # LAKEFORGE_TASK_RETRIES=0 makes a failing test run fail at once instead of waiting out the backoff.
    "retries": int(os.environ.get("LAKEFORGE_TASK_RETRIES", "2")),
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=2),
}


def pipeline_identity(config_path: str = DEFAULT_CONFIG) -> tuple[str, str]:
    """The pipeline name and training set name of a config, for DAG docs and asset URIs (parse time only)."""
    try:
        with open(config_path, encoding="utf-8") as f:
            config = yaml.safe_load(f) or {}
    except OSError:
        # A DAG file must still import where the config is not deployed (e.g. a scheduler without the repo).
        return "pipeline", "training_set"
    training_sets = list(config.get("training_sets") or {})
    name = (config.get("training") or {}).get("training_set") or (training_sets[0] if len(training_sets) == 1 else None)
    return str(config.get("pipeline", "pipeline")), str(name or "training_set")


def assets(config_path: str = DEFAULT_CONFIG) -> dict[str, Asset]:
    pipeline, training_set = pipeline_identity(config_path)
    return {
        "training_set": Asset(f"lakeforge://{pipeline}/training_sets/{training_set}", group="lakeforge"),
        "model": Asset(f"lakeforge://{pipeline}/models/champion", group="lakeforge"),
        "export": Asset(f"lakeforge://{pipeline}/exports/{training_set}", group="lakeforge"),
    }


class LakeforgeStageOperator(SparkSubmitOperator):
    """Runs one Lakeforge stage with spark-submit; a gate or config failure fails the task without retries."""

    def __init__(self, *, stage: str, extra_args: list[str] | None = None,
                 optional_args: dict[str, str] | None = None, **kwargs):
        """optional_args: option -> param name; the option is passed only when the run's param has a value."""
        args = [
            stage,
            "--config", "{{ params.config }}",
            "--run-date", RUN_DATE,
            "--run-id", "{{ run_id }}",
            "--profile", "{{ params.profile }}",
        ]
        super().__init__(
            application="{{ params.jar }}",
            java_class=MAIN_CLASS,
            application_args=args + (extra_args or []),
            name=f"lakeforge-{stage}",
            conn_id="spark_default",
            conf={
                "spark.driver.extraJavaOptions": "-Dlog4j2.configurationFile={{ params.log4j }}",
                "spark.ui.showConsoleProgress": "false",
            },
            # The OpenLineage provider adds spark.openlineage.parentJobNamespace/parentJobName/parentRunId and the
            # root (DAG run) keys to the Spark conf; the job's OpenLineage events (lineage.openlineage) carry them
            # as their parent run facet, so a catalog links this task to the stage's run.
            openlineage_inject_parent_job_info=kwargs.pop("openlineage_inject_parent_job_info", True),
            **kwargs,
        )
        self.stage = stage
        self.optional_args = optional_args or {}

    def execute(self, context):
        self.application_args = [run_date(context) if a == RUN_DATE else a for a in self.application_args]
        params = context.get("params") or {}
        for option, param in self.optional_args.items():
            if params.get(param) and option not in self.application_args:
                self.application_args += [option, str(params[param])]
        try:
            return super().execute(context)
        except AirflowException as e:
            code = re.search(r"Error code is: (\d+)", str(e))
            if code and int(code.group(1)) in NO_RETRY_EXIT_CODES:
                reason = NO_RETRY_EXIT_CODES[int(code.group(1))]
                raise AirflowFailException(
                    f"lakeforge {self.stage} exited {code.group(1)} ({reason}); not retrying. See the task log "
                    f"for the one-line reason."
                ) from e
            raise


def choose_trainer(**context) -> str:
    """The training branch: the ``trainer`` param, ``train`` (one fit) or ``sweep`` (hyperparameter search)."""
    chosen = (context.get("params") or {}).get("trainer") or "train"
    if chosen not in ("train", "sweep"):
        raise AirflowFailException(f"param trainer is {chosen!r}; use 'train' or 'sweep'")
    return chosen


def dag_arguments(purpose: str, doc: str) -> dict:
    """What both DAGs share: naming, start, no catchup, one active run, retries, params and tags."""
    from datetime import datetime

    pipeline, _ = pipeline_identity()
    return {
        "description": f"Lakeforge {purpose} of pipeline {pipeline}",
        "doc_md": doc,
        "start_date": datetime(2000, 1, 1),
        "catchup": False,
        "max_active_runs": 1,
        "default_args": DEFAULT_ARGS,
        "params": params(),
        "tags": ["lakeforge", pipeline],
    }


def run_date(context) -> str:
    """The run date of a task: the run_date param, else the logical date, else the logical date of the run that
    published the triggering asset, else the day the run was queued for."""
    explicit = (context.get("params") or {}).get("run_date")
    if explicit:
        return str(explicit)
    logical = context.get("logical_date")
    if logical is not None:
        return logical.strftime("%Y-%m-%d")
    for events in (context.get("triggering_asset_events") or {}).values():
        for event in events:
            source = getattr(event, "source_dag_run", None)
            if source is not None and getattr(source, "logical_date", None) is not None:
                return source.logical_date.strftime("%Y-%m-%d")
    return context["dag_run"].run_after.strftime("%Y-%m-%d")


def params(config_path: str = DEFAULT_CONFIG) -> dict:
    from airflow.sdk import Param

    return {
        "config": Param(config_path, type="string", description="Pipeline config (YAML) as the driver sees it"),
        "jar": Param(DEFAULT_JAR, type="string", description="The Lakeforge shaded jar"),
        "run_date": Param(None, type=["null", "string"], description="YYYY-MM-DD; default: the run's logical date"),
        "profile": Param("local", type="string", description="Spark profile: local, cluster, gpu or a YAML path"),
        "trainer": Param("train", type="string", enum=["train", "sweep"],
                         description="training DAG: train once with training.params, or sweep training.sweep"),
        "scoring_input": Param(None, type=["null", "string"],
                               description="scoring DAG: rows to score instead of the training set's day (score "
                                           "--input): a sources entry, a lake table or a Parquet/CSV/JSON file"),
        "log4j": Param(str(LAKEFORGE_HOME / "conf/log4j2.properties"), type="string",
                       description="log4j2 config for the driver"),
    }
