#!/usr/bin/env bash
# All tests: unit tests of every module, then the end-to-end tests against the real flights data, a real MLflow
# server on a free loopback port, and the real spark-submit of pyspark (same Spark version as the build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml)

scripts/fetch-data.sh
spark_venv=$(scripts/venv.sh spark "pyspark==$spark_version")
export LAKEFORGE_SPARK_SUBMIT="$spark_venv/bin/spark-submit"
# pyspark's spark-submit finds its Spark home with whatever python3 is on PATH; name it outright.
SPARK_HOME=$("$spark_venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
# Everything stays on loopback.
export SPARK_LOCAL_IP=127.0.0.1

# A private MLflow server for the tests, on a free port, stopped on exit.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export MLFLOW_HOME="$root/target/test-mlflow"
rm -rf "$MLFLOW_HOME"
MLFLOW_PORT=$port scripts/mlflow-server.sh
trap 'MLFLOW_PORT=$port scripts/mlflow-server.sh stop >/dev/null' EXIT
export MLFLOW_TRACKING_URI="http://127.0.0.1:$port"

# A private PostgreSQL (Debian's package) and an S3-compatible server (S3Proxy, its own JVM), both on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export PG_PORT=$(free_port) PG_HOME=/tmp/lakeforge-test-pg
export S3_PORT=$(free_port) S3_HOME=/tmp/lakeforge-test-s3
scripts/postgres-server.sh
scripts/s3-server.sh
trap 'MLFLOW_PORT=$port scripts/mlflow-server.sh stop >/dev/null; scripts/postgres-server.sh stop >/dev/null;
  scripts/s3-server.sh stop >/dev/null' EXIT
# shellcheck disable=SC1091
source "$PG_HOME/env"
# shellcheck disable=SC1091
source "$S3_HOME/env"

mkdir -p "$root/target"
# Reports of an earlier run must not count in this run's summary.
rm -rf "$root"/*/target/surefire-reports "$root"/*/target/failsafe-reports
set +e
mvn -B verify -DskipITs=false "$@" 2>&1 | tee "$root/target/test-output.log" | grep --line-buffered -E \
  "Tests run:|FAIL|ERROR\]|BUILD|Reactor Summary|SUCCESS \[|lakeforge: "
status=${PIPESTATUS[0]}
set -e

# One closing line over every module: surefire (unit) and failsafe (end-to-end) reports.
python3 - "$root" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
root = sys.argv[1]
passed = failed = skipped = 0
for f in glob.glob(root + "/*/target/surefire-reports/TEST-*.xml") + glob.glob(root + "/*/target/failsafe-reports/TEST-*.xml"):
    s = ET.parse(f).getroot()
    t, fl, er, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    passed += t - fl - er - sk; failed += fl + er; skipped += sk
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
