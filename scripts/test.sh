#!/usr/bin/env bash
# All tests: unit tests of every module, then the end-to-end tests against the real flights data, a real MLflow
# server on a free loopback port, the real spark-submit of pyspark (same Spark version as the build) and a Spark
# standalone cluster of pyspark's master and two workers (StandaloneClusterIT, the Airflow end-to-end test).
# Then the Spark 4 line's tests (-Pspark4; see below); LAKEFORGE_SPARK4=0 leaves them out.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# The default line's Spark (the first <spark.version>; the spark4 profile declares its own further down).
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml | head -n1)

scripts/fetch-data.sh
spark_venv=$(scripts/venv.sh spark "pyspark==$spark_version")
export LAKEFORGE_SPARK_SUBMIT="$spark_venv/bin/spark-submit"
# pyspark's spark-submit finds its Spark home with whatever python3 is on PATH; name it outright.
SPARK_HOME=$("$spark_venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
# Everything stays on loopback.
export SPARK_LOCAL_IP=127.0.0.1

# Python's MLflow with XGBoost, for the test that loads a registered model through mlflow.pyfunc.
pyfunc_venv=$(scripts/mlflow-venv.sh --pyfunc)
export LAKEFORGE_PYFUNC_PYTHON="$pyfunc_venv/bin/python"

# A real browser for what a person looks at (the MLflow UI pages of a registered model).
LAKEFORGE_CHROMIUM=$(scripts/chromium.sh)
export LAKEFORGE_CHROMIUM

# A private MLflow server for the tests, on a free port, stopped on exit.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export MLFLOW_HOME="$root/target/test-mlflow"
rm -rf "$MLFLOW_HOME"
# Every server started below is stopped on exit, in reverse order, however the run ends.
stops=()
stop_all() { local i; for (( i=${#stops[@]}-1; i>=0; i-- )); do eval "${stops[i]}" >/dev/null 2>&1 || true; done; }
trap stop_all EXIT
MLFLOW_PORT=$port scripts/mlflow-server.sh
stops+=("MLFLOW_PORT=$port scripts/mlflow-server.sh stop")
export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"

# A private PostgreSQL (Debian's package) and an S3-compatible server (S3Proxy, its own JVM), both on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export PG_PORT=$(free_port) PG_HOME=/tmp/lakeforge-test-pg
export S3_PORT=$(free_port) S3_HOME=/tmp/lakeforge-test-s3
scripts/postgres-server.sh
stops+=("scripts/postgres-server.sh stop")
scripts/s3-server.sh
stops+=("scripts/s3-server.sh stop")
# A second MLflow server, of the 2.x line teams still run (the registry tests run against both), reached only through
# scripts/prefix-proxy.py under /mlflow, as behind a site's reverse proxy (issue 26 case 5); also the "other server"
# of the registry-cache tests (issue 27).
export MLFLOW2_PORT=$(free_port) MLFLOW2_PROXY_PORT=$(free_port)
rm -rf "$root/target/test-mlflow-2"
MLFLOW_VERSION=2.22.1 MLFLOW_PORT=$MLFLOW2_PORT MLFLOW_HOME="$root/target/test-mlflow-2" \
  MLFLOW_PROXY_PORT=$MLFLOW2_PROXY_PORT MLFLOW_PROXY_PREFIX=/mlflow scripts/mlflow-server.sh
stops+=("MLFLOW_HOME=$(printf %q "$root/target/test-mlflow-2") scripts/mlflow-server.sh stop")
export MLFLOW_PREFIXED_TRACKING_URI="http://127.0.0.1:$MLFLOW2_PROXY_PORT/mlflow"
export MLFLOW_COMPAT_TRACKING_URI=$MLFLOW_PREFIXED_TRACKING_URI
# shellcheck disable=SC1091
source "$PG_HOME/env"
# shellcheck disable=SC1091
source "$S3_HOME/env"
# A Spark standalone cluster (pyspark's master and two workers) for StandaloneClusterIT, started after the S3
# credentials are in the environment: its drivers and executors take them from the workers', as from an instance
# profile.
export SPARK_CLUSTER_HOME=/tmp/lakeforge-test-spark-cluster SPARK_MASTER_PORT=$(free_port) SPARK_MASTER_WEBUI_PORT=$(free_port)
rm -rf "$SPARK_CLUSTER_HOME"
scripts/spark-cluster.sh
stops+=("scripts/spark-cluster.sh stop")
# shellcheck disable=SC1091
source "$SPARK_CLUSTER_HOME/env"

mkdir -p "$root/target"
# Reports of an earlier run must not count in this run's summary.
rm -rf "$root"/*/target/surefire-reports "$root"/*/target/failsafe-reports "$root/target/pytest-reports" \
  "$root/target/faults"
set +e
mvn -B verify -DskipITs=false "$@" 2>&1 | tee "$root/target/test-output.log" | grep --line-buffered -E \
  "Tests run:|FAIL|ERROR\]|BUILD|Reactor Summary|SUCCESS \[|lakeforge: "
status=${PIPESTATUS[0]}
set -e

# The fault harness's quick cases (bad configs and flags, a dead MLflow): exit codes, one error line, no traces.
set +e
scripts/faults.sh --short 2>&1 | tee -a "$root/target/test-output.log" | grep --line-buffered -E "^(ok|FAIL|faults)"
faults_status=${PIPESTATUS[0]}
set -e
if [[ $status == 0 ]]; then status=$faults_status; fi

# The Kubernetes manifests (deploy/): the Spark operator's API models and Kubernetes' schemas; no cluster.
deploy_venv=$(scripts/venv.sh deploy -r deploy/requirements.txt)
set +e
"$deploy_venv/bin/python" -m pytest -p no:cacheprovider -q deploy/tests \
  --junitxml="$root/target/pytest-reports/TEST-deploy.xml" 2>&1 | tee -a "$root/target/test-output.log" \
  | grep --line-buffered -E "passed|failed|error|Error|FAILED"
deploy_status=${PIPESTATUS[0]}
set -e
if [[ $status == 0 ]]; then status=$deploy_status; fi

# The Airflow DAGs: import and graph tests, then both DAGs end to end with `airflow dags test`.
airflow_venv=$(scripts/venv.sh airflow -r airflow-dags/requirements.txt -c airflow-dags/constraints.txt)
set +e
AIRFLOW_HOME="$root/target/airflow-home" LAKEFORGE_E2E=1 PATH="$airflow_venv/bin:$spark_venv/bin:$PATH" \
  "$airflow_venv/bin/python" -m pytest -p no:cacheprovider -q airflow-dags/tests \
  --junitxml="$root/target/pytest-reports/TEST-airflow-dags.xml" 2>&1 | tee -a "$root/target/test-output.log" \
  | grep --line-buffered -E "passed|failed|error|Error|FAILED"
pytest_status=${PIPESTATUS[0]}
set -e
if [[ $status == 0 ]]; then status=$pytest_status; fi

# The Spark 4 line (LAKEFORGE_SPARK4=0 skips it). Built with -Pspark4 into */target-spark4 (the Spark 3.5 jars above
# stay as they are): the unit tests of the modules whose code or behaviour differs between the lines (core: config
# SQL through the SqlExpressions shim, Delta writes and commits; etl: casts, rules and quarantine, where Spark 4's ANSI
# mode changes what a bad value does; training: XGBoost's Spark models through XGBoostSparkShim and SparkModels;
# spark-free-scorer: Spark 4's saved models read without Spark), less two long classes whose version-specific parts
# others cover (etl's RuleSuiteTest: anomaly checks over metric history, rule expressions being AwkwardInputTest's;
# the scorer's CsvScorerTest: CSV parsing, models being RawRowsScorerTest's), then WeatherPipelineIT, every stage in
# one JVM against the MLflow server above. The rest runs on the 3.5 line only, to keep CI inside its 90 minutes on
# two cores on a slow day (LAKEFORGE_SPARK4_TESTS=all runs every module's). Its own summary line; it counts in the
# exit status.
if [[ ${LAKEFORGE_SPARK4:-1} == 1 ]]; then
  spark4_start=$SECONDS
  rm -rf "$root"/*/target-spark4/surefire-reports "$root"/*/target-spark4/failsafe-reports
  spark4_tests=(-Dtest='dev/lakeforge/core/**/*Test,dev/lakeforge/etl/**/*Test,dev/lakeforge/training/**/*Test,dev/lakeforge/scorer/**/*Test,!dev/lakeforge/etl/RuleSuiteTest,!dev/lakeforge/scorer/CsvScorerTest'
    -Dsurefire.failIfNoSpecifiedTests=false)
  if [[ ${LAKEFORGE_SPARK4_TESTS:-} == all ]]; then spark4_tests=(); fi
  set +e
  mvn -B -Pspark4 verify -DskipITs=false -Dit.test=WeatherPipelineIT -Dfailsafe.failIfNoSpecifiedTests=false \
    "${spark4_tests[@]}" "$@" 2>&1 \
    | tee "$root/target/test-output-spark4.log" | grep --line-buffered -E \
    "Tests run:|FAIL|ERROR\]|BUILD|Reactor Summary|SUCCESS \[|lakeforge: "
  spark4_status=${PIPESTATUS[0]}
  set -e
  python3 - "$root" "$(( SECONDS - spark4_start ))" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
root, seconds = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
for f in glob.glob(root + "/*/target-spark4/surefire-reports/TEST-*.xml") + glob.glob(root + "/*/target-spark4/failsafe-reports/TEST-*.xml"):
    s = ET.parse(f).getroot()
    t, fl, er, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    passed += t - fl - er - sk; failed += fl + er; skipped += sk
print(f"spark4: {passed} passed, {failed} failed, {skipped} skipped in {seconds // 60} min {seconds % 60} s")
PY
  if [[ $status == 0 ]]; then status=$spark4_status; fi
fi

# One closing line over every module: surefire (unit) and failsafe (end-to-end) reports.
python3 - "$root" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
passed = failed = skipped = 0
files = (glob.glob(root + "/*/target/surefire-reports/TEST-*.xml") + glob.glob(root + "/*/target/failsafe-reports/TEST-*.xml")
         + glob.glob(root + "/target/pytest-reports/TEST-*.xml") + glob.glob(root + "/target/faults/TEST-*.xml"))
for f in files:
    top = ET.parse(f).getroot()
    for s in (list(top) if top.tag == "testsuites" else [top]):
        t, fl, er, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
        passed += t - fl - er - sk; failed += fl + er; skipped += sk
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
