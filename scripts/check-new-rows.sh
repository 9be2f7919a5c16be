#!/usr/bin/env bash
# Train/serve parity on the demo data, as a user checks it: one day's flights scored from the training set, and the
# same flights as a file without their `delay` scored as new rows (`score --input`), get the same probabilities.
#   scripts/check-new-rows.sh [DAY]   DAY defaults to 2001-06-16; run after scripts/demo.sh (its lake, model and
#   MLflow server). Both runs write predictions.flights_delay's partition of DAY (the second replaces the first);
#   their exports go to data/exports/check/{training-set,new-rows}/day=DAY and are compared row by row.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
day=${1:-2001-06-16}
config=conf/pipelines/flights.yaml
export MLFLOW_TRACKING_URI=${MLFLOW_TRACKING_URI:-http://127.0.0.1:${MLFLOW_PORT:-5000}}
python=$(scripts/mlflow-venv.sh)/bin/python
checks=${LAKEFORGE_EXPORTS:-data/exports}/check
"$python" scripts/rows-to-score.py "${LAKEFORGE_RAW:-data/raw}/flights-3m.parquet" data/rows-to-score.parquet \
  --time-column date --day "$day" --drop delay
bin/lakeforge score --config "$config" --run-date "$day" --set scoring.output="$checks/training-set"
bin/lakeforge score --config "$config" --run-date "$day" --input data/rows-to-score.parquet \
  --set scoring.output="$checks/new-rows"
"$python" scripts/compare-exports.py "$checks/training-set/day=$day" "$checks/new-rows/day=$day"
