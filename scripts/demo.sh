#!/usr/bin/env bash
# The demo: fetch the flights data, build, start MLflow, run every stage, and say where the results are.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run_date=${RUN_DATE:-2001-06-15}
scripts/fetch-data.sh
echo "build: mvn package (tests skipped; run scripts/test.sh for them)"
mvn -B -q package -DskipTests
scripts/mlflow-server.sh
export MLFLOW_TRACKING_URI=${MLFLOW_TRACKING_URI:-http://127.0.0.1:${MLFLOW_PORT:-5000}}
bin/lakeforge run --config conf/pipelines/flights.yaml --run-date "$run_date" "$@"
echo "The MLflow server keeps running for the UI; stop it with: scripts/mlflow-server.sh stop"
