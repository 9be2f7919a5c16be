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

# The next day's scheduled flights, as a file without `delay` (not known before departure), scored as new rows:
# their features come from the code and the stored encodings of the model's training set.
next_day=$(date -u -d "$run_date + 1 day" +%F)
python=$(scripts/mlflow-venv.sh)/bin/python
"$python" scripts/rows-to-score.py data/raw/flights-3m.parquet data/next-day.parquet \
  --time-column date --day "$next_day" --drop delay
bin/lakeforge score --config conf/pipelines/flights.yaml --run-date "$next_day" --input data/next-day.parquet
exports=${LAKEFORGE_EXPORTS:-data/exports}/flights_delay
echo "New rows of $next_day scored: predictions in the lake table predictions.flights_delay (run_date = $next_day),"
echo "  export in $exports/day=$next_day; the run day's export is in $exports/day=$run_date."
echo "Train/serve parity on a day's flights: scripts/check-new-rows.sh $next_day"
echo "The MLflow server keeps running for the UI; stop it with: scripts/mlflow-server.sh stop"
