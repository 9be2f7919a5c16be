#!/usr/bin/env bash
# The fault harness: bad input of every kind, fed to the real command line, must end in quarantine rows or in one
# clear error line with its documented exit code (2 usage/config/input, 3 data gate, 5 service down), never in a
# stack trace on the console, and rows in = kept + quarantined + duplicates removed.
#   scripts/faults.sh             every case; writes docs/reliability.md
#   scripts/faults.sh --short     the quick cases (no Spark), as CI runs them; writes target/faults/TEST-faults.xml
#   scripts/faults.sh --recovery  only the recovery cases (kill -9 mid-write, MLflow and S3 down mid-stage,
#                                 concurrent writers, idempotent reruns, secrets) and the cluster cases; rewrites
#                                 their tables in the doc
#   scripts/faults.sh --cluster   only the cluster cases (a Spark standalone cluster: unreachable master, a worker
#                                 killed mid-stage, S3 down mid-stage); rewrites their table in the doc
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=${1:-full}
work=$(mktemp -d /tmp/lakeforge-faults.XXXXXX)
cleanups=()
cleanup() {
  for c in "${cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export LAKEFORGE_LOG_DIR="$work/logs"
[[ -f app/target/provided-classpath.txt ]] || mvn -B -q package -DskipTests -pl app -am >&2

# A small pipeline of its own: trips with a key, four rules and a quarantine ceiling.
write_config() {
  cat > "$work/pipeline.yaml" <<EOF
pipeline: trips
lake: {root: "$work/lake", state: "$work/state", models: "$work/models"}
sources:
  trips:
    format: ${FORMAT:-csv}
    path: "$work/${FILE:-trips.csv}"
    options: {header: "true"}
    schema: "id INT, city STRING, km DOUBLE"
validation:
  trips:
    source: trips
    deduplicate: [id]
    max_quarantine_fraction: ${MAX_FRACTION:-0.9}
    rules:
      - {name: id_present, kind: not_null, column: id}
      - {name: km_range, kind: range, column: km, min: 0, max: 100}
      - {name: city_code, kind: regex, column: city, pattern: "[A-Z]{3}"}
training: {split: {column: id, validate_from: "5"}}
registry: {tracking_uri: "http://127.0.0.1:${DEAD_PORT:-9}", experiment: e, model_name: m, max_attempts: 2,
           initial_backoff_ms: 100}
scoring: {output: "$work/out"}
EOF
}

results=()   # "name|expected|observed|ok"
failed=0
lf() { bin/lakeforge "$@" --config "$work/pipeline.yaml" --run-date 2026-11-01; }
ingest_validate() { lf ingest && lf validate; }

# check NAME EXPECTED_EXIT EXPECTED_TEXT -- command ...
check() {
  local name=$1 want=$2 text=$3 expected_text=$3
  shift 4
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  local problems=()
  [[ $rc == "$want" ]] || problems+=("exit $rc, expected $want")
  [[ -z $text || $out == *"$text"* ]] || problems+=("no '$text' in the output")
  if grep -qE '^\s+at [a-zA-Z_$.]+\(|Exception in thread|^[a-z.]+\.[A-Z][A-Za-z]*Exception' <<<"$out"; then
    problems+=("a stack trace on the console")
  fi
  if [[ $rc != 0 ]] && [[ $(grep -c '^lakeforge: ' <<<"$out") != 1 ]]; then
    problems+=("not exactly one 'lakeforge:' error line")
  fi
  if [[ $rc == 0 ]]; then
    # Nothing lost: ingest's lines in = bronze rows + malformed lines; validate's rows in = kept + quarantined +
    # duplicates removed. Each stage prints its own block of metrics.
    local ingest validate
    ingest=$(awk '/^  ingest /{on=1; next} /^  [a-z]/{on=0} on' <<<"$out")
    validate=$(awk '/^  validate /{on=1; next} /^  [a-z]/{on=0} on' <<<"$out")
    metric() { awk -v k="$1" '$1 ~ "\\." k "$" && $2 == "=" {print $3; exit}' <<<"$2"; }
    if [[ -n $ingest ]]; then
      local i_in i_bronze i_bad
      i_in=$(metric rows_in "$ingest"); i_bronze=$(metric rows_bronze "$ingest"); i_bad=$(metric rows_malformed "$ingest")
      [[ $i_in == $(( ${i_bronze:-0} + ${i_bad:-0} )) ]] || problems+=("ingest: $i_in in != $i_bronze bronze + $i_bad malformed")
      text="${text:+$text; }ingest: $i_in lines = $i_bronze bronze + ${i_bad:-0} malformed"
    fi
    if [[ -n $validate ]]; then
      local v_in v_kept v_q v_d
      v_in=$(metric rows_in "$validate"); v_kept=$(metric rows_kept "$validate")
      v_q=$(metric rows_quarantined "$validate"); v_d=$(metric duplicates_removed "$validate")
      [[ $v_in == $(( ${v_kept:-0} + ${v_q:-0} + ${v_d:-0} )) ]] \
        || problems+=("validate: $v_in in != $v_kept kept + $v_q quarantined + $v_d duplicates")
      text="${text:+$text; }validate: $v_in = $v_kept kept + ${v_q:-0} quarantined + ${v_d:-0} duplicates"
    fi
  fi
  local line
  line=$(grep -m1 '^lakeforge: ' <<<"$out" | cut -c1-220 || true)
  [[ -n $line ]] || line="${text:-no error}"
  if [[ ${#problems[@]} == 0 ]]; then
    results+=("$name|exit $want${expected_text:+, \"$expected_text\"}|exit $rc: ${line//|/\\|}|ok")
    echo "ok    $name"
  else
    results+=("$name|exit $want${expected_text:+, \"$expected_text\"}|exit $rc: ${line//|/\\|}; $(IFS=';'; echo "${problems[*]}")|FAIL")
    failed=$((failed + 1))
    echo "FAIL  $name: ${problems[*]}"
    echo "$out" | tail -5 | sed 's/^/      /'
  fi
}

trips() { printf '%b' "$1" > "$work/trips.csv"; }

if [[ $mode != --recovery && $mode != --cluster ]]; then
# ---- config and command line (no Spark: config check) ----
write_config
trips 'id,city,km\n1,NYC,10\n'
printf 'pipeline: trips\nsources: {trips: {format: csv, path: [unclosed\n' > "$work/broken.yaml"
check "bad YAML" 2 "broken.yaml:" -- bin/lakeforge config check --config "$work/broken.yaml"
check "config file missing" 2 "nope.yaml" -- bin/lakeforge config check --config "$work/nope.yaml"
sed 's/^    source: trips$/    source: trips\n    sauce: x/' "$work/pipeline.yaml" > "$work/unknown.yaml"
check "unknown key" 2 "unknown key 'validation.trips.sauce'" -- bin/lakeforge config check --config "$work/unknown.yaml"
check "wrong type" 2 "max_quarantine_fraction" -- bin/lakeforge config check --config "$work/pipeline.yaml" \
  --set validation.trips.max_quarantine_fraction=lots
check "unknown rule kind" 2 "kind" -- bin/lakeforge config check --config "$work/pipeline.yaml" \
  --set validation.trips.rules.0.kind=not_empty
sed 's#^scoring: .*#scoring: {output: "${env:LAKEFORGE_FAULTS_UNSET}"}#' "$work/pipeline.yaml" > "$work/env.yaml"
check "missing environment variable" 2 "LAKEFORGE_FAULTS_UNSET" -- bin/lakeforge config check --config "$work/env.yaml"
check "override without =" 2 "" -- bin/lakeforge config check --config "$work/pipeline.yaml" --set training.params
check "threshold out of range" 2 "threshold" -- bin/lakeforge config check --config "$work/pipeline.yaml" \
  --set evaluation.threshold=1.5
check "unknown training param" 2 "'max_dept' is not a parameter of xgboost" -- bin/lakeforge config check \
  --config "$work/pipeline.yaml" --set training.params.max_dept=8
check "MLflow unreachable" 5 "MLflow" -- bin/lakeforge alias show champion --config "$work/pipeline.yaml"
# MLflow behind a reverse proxy under /mlflow (issue 26 case 5): a URL without the prefix is exit 2 naming the URL;
# a proxy whose MLflow is down is exit 5. Neither may read as "alias not set".
proxy_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 scripts/prefix-proxy.py "$proxy_port" /mlflow "http://127.0.0.1:${DEAD_PORT:-9}" 2>/dev/null &
cleanups+=("kill $!")
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$proxy_port/" && break; sleep 0.1; done
check "MLflow URL without its path prefix" 2 "including its path prefix" -- bin/lakeforge alias show champion \
  --config "$work/pipeline.yaml" --set "registry.tracking_uri=http://127.0.0.1:$proxy_port"
check "MLflow proxy with its server down" 5 "HTTP 502" -- bin/lakeforge alias show champion \
  --config "$work/pipeline.yaml" --set "registry.tracking_uri=http://127.0.0.1:$proxy_port/mlflow"
check "alias delete on a wrong MLflow URL" 2 "path prefix" -- bin/lakeforge alias delete champion \
  --config "$work/pipeline.yaml" --set "registry.tracking_uri=http://127.0.0.1:$proxy_port"
# bin/lakeforge's stderr filter: XGBoost's native round and rank lines (and the blank line after each) go to the log;
# a native warning and Lakeforge's own lines stay on the console, in order.
printf '[14:28:43] Task 0 got rank 0\n[14:29:00] [1]\ttrain-auc:0.71\teval-auc:0.70\n\n[14:29:01] WARNING: native\nlakeforge: input error: x\n' \
  | scripts/native-log-filter.sh "$work/filter.log" 2> "$work/filter.err"
kept=$(paste -sd'|' "$work/filter.err"); moved=$(grep -c 'xgboost-tracker' "$work/filter.log" || true)
name="XGBoost round lines on the console"
if [[ $kept == "[14:29:01] WARNING: native|lakeforge: input error: x" && $moved == 2 ]]; then
  results+=("$name|moved to the log; other lines kept|$moved lines moved; console: ${kept//|/ / }|ok"); echo "ok    $name"
else
  results+=("$name|moved to the log; other lines kept|$moved lines moved; console: ${kept//|/ / }|FAIL"); failed=$((failed + 1))
  echo "FAIL  $name: console '$kept', $moved moved"
fi
fi

if [[ $mode == --short ]]; then
  mkdir -p target/faults
  {
    echo "<testsuite name=\"faults\" tests=\"${#results[@]}\" failures=\"$failed\" errors=\"0\" skipped=\"0\">"
    for r in "${results[@]}"; do
      IFS='|' read -r name _ observed verdict <<<"$r"
      echo "  <testcase classname=\"faults\" name=\"${name//\"/&quot;}\">"
      [[ $verdict == ok ]] || echo "    <failure message=\"${observed//[\"<>&]/_}\"/>"
      echo "  </testcase>"
    done
    echo "</testsuite>"
  } > target/faults/TEST-faults.xml
  echo "faults (short): $(( ${#results[@]} - failed )) passed, $failed failed"
  exit $(( failed > 0 ))
fi

if [[ $mode == full ]]; then
# ---- data (ingest and validate with Spark) ----
trips 'id,city,km\n1,NYC,10\n2,BOS,20\n'
check "clean input" 0 "" -- ingest_validate
trips 'id,city,km\n1,NYC,10\n2,BOS,20,extra\n3,SEA\n'
check "CSV with wrong column count" 0 "" -- ingest_validate
trips 'id,city,km\n1,NYC,10\n2,BOS,not-a-number\nthree,SEA,5\n'
check "wrong types" 0 "" -- ingest_validate
trips 'id,city,km\n1,NYC,10\n,BOS,20\n,SEA,5\n'
check "null keys" 0 "" -- ingest_validate
trips 'id,city,km\n1,NYC,10\n1,NYC,10\n2,BOS,20\n2,BOS,20\n'
check "duplicates" 0 "" -- ingest_validate
trips 'id,city,km\n1,NYC,10\n2,BOS,1e308\n3,SEA,-5\n'
check "out of range" 0 "" -- ingest_validate
trips 'id,city,km\n1,São,10\n2,東京,20\n3,"A,B",5\n4,"NY""C",1\n5,NYC,2\n'
check "unicode and quoting" 0 "" -- ingest_validate
trips 'id,city,km\n'
check "empty input (header only)" 0 "" -- ingest_validate
trips 'id,city,km\n1,nyc,10\n2,bos,20\n3,SEA,5\n'
MAX_FRACTION=0.5 write_config
check "quarantine ceiling exceeded" 3 "max_quarantine_fraction" -- ingest_validate
write_config
rm -f "$work/trips.csv"
check "input file missing" 2 "trips.csv" -- lf ingest
trips 'id,city,km\n1,NYC,10\n'
lf ingest >/dev/null 2>&1
check "schema drift: added column" 3 "schema changed" -- lf ingest \
  --set 'sources.trips.schema=id INT, city STRING, km DOUBLE, extra STRING'
check "schema drift: dropped column" 3 "schema changed" -- lf ingest \
  --set 'sources.trips.schema=id INT, city STRING'
check "schema drift: retyped column" 3 "schema changed" -- lf ingest \
  --set 'sources.trips.schema=id INT, city STRING, km STRING'
check "injection in a rule's column" 2 "" -- lf validate \
  --set 'validation.trips.rules.0.column=id; DROP TABLE silver.trips'
check "injection in a model URI" 2 "not a model URI" -- lf score --model "models:/m'; DROP TABLE x"
check "injection in a table name" 2 "" -- bin/lakeforge tables history "silver.trips; DROP TABLE x" \
  --config "$work/pipeline.yaml"
# A Parquet file cut in half.
mkdir -p "$work/pq"
python=$(scripts/mlflow-venv.sh)/bin/python  # the MLflow venv has pyarrow
"$python" - "$work/pq/trips.parquet" <<'PY'

import sys, pyarrow as pa, pyarrow.parquet as pq
pq.write_table(pa.table({"id": list(range(1000)), "city": ["NYC"] * 1000, "km": [1.0] * 1000}), sys.argv[1])
PY
truncate -s $(( $(stat -c %s "$work/pq/trips.parquet") / 2 )) "$work/pq/trips.parquet"
FORMAT=parquet FILE=pq write_config
check "truncated Parquet" 2 "Cannot read source 'trips'" -- lf ingest
# Inputs from other users' bug reports (issues 26 and 27), each in a lake of its own.
write_config
fresh() { local lake=$1; shift; lf ingest --set "lake.root=$work/$lake" "$@" && lf validate --set "lake.root=$work/$lake" "$@"; }
trips 'id,city,km.total\n1,NYC,10\n2,BOS,500\n'
check "dotted column name" 0 "trips.rows_quarantined = 1" -- fresh dotted \
  --set 'sources.trips.schema=id INT, city STRING, `km.total` DOUBLE' --set validation.trips.rules.1.column=km.total
trips 'id,city,km\n1,NYC,10\n1,NYC,20\n,BOS,5\n,SEA,6\n'
sed 's/^    deduplicate: \[id\]$/    deduplicate: {keys: [id], order_by: [km desc]}/' "$work/pipeline.yaml" > "$work/ordered.yaml"
ordered() {
  local args=(--config "$work/ordered.yaml" --run-date 2026-11-01 --set "lake.root=$work/ordered"
    --set validation.trips.max_quarantine_fraction=1)
  bin/lakeforge ingest "${args[@]}" && bin/lakeforge validate "${args[@]}"
}
check "deduplicate with order_by; null keys are not duplicates" 0 "trips.duplicates_removed = 1" -- ordered
trips 'id,city,km\n1,NYC,10\n'
lf ingest >/dev/null 2>&1
check "unparsable rule expression" 2 "PARSE_SYNTAX_ERROR" -- lf validate \
  --set validation.trips.rules.2.kind=expression --set 'validation.trips.rules.2.expression=Cost Total $ = Cost Other'
# ---- labels and tiny batches (issue 26 cases 4 and 9): 120 rows, 2 a day from 2026-01-01, cls 1,2,3 cycling ----
{ echo id,ts,x,cls; for i in $(seq 0 119); do c=$(( i % 3 + 1 )); d=$(date -u -d "2026-01-01 + $(( i / 2 )) days" +%F)
  echo "$i,$d $(( 10 + i % 2 )):00:00,0.$(( c * 4 - 3 ))$(( i % 10 )),$c"; done; } > "$work/rows.csv"
cat > "$work/labels.yaml" <<EOF
pipeline: labels
lake: {root: "$work/llake", state: "$work/lstate", models: "$work/lmodels"}
sources: {rows: {format: csv, path: "$work/rows.csv", options: {header: "true"}, schema: "id INT, ts TIMESTAMP, x DOUBLE, cls INT"}}
validation: {rows: {source: rows, deduplicate: [id], rules: [{name: id_present, kind: not_null, column: id}]}}
training_sets: {labels: {spine: {source: silver.rows, keys: [id], event_time: ts, label: "cls"}, features: [{name: x, expr: "x"}]}}
training: {task: multiclass, split: {column: ts, validate_from: "2026-02-10"}, params: {num_round: 5, max_depth: 2}}
drift: {reference: silver.rows, reference_filter: "ts < '2026-02-10'", current_filter: "to_date(ts) = '\${run_date}'", numeric: [x]}
registry: {tracking_uri: "http://127.0.0.1:9", experiment: e, model_name: m, max_attempts: 2, initial_backoff_ms: 100}
scoring: {output: "$work/lout"}
EOF
lfl() { bin/lakeforge "$@" --config "$work/labels.yaml" --run-date 2026-03-01; }
lfl ingest >/dev/null 2>&1 && lfl validate >/dev/null 2>&1 && lfl training-set >/dev/null 2>&1
check "binary task on labels 1..3" 3 "its label has values 2 (27 training rows, 13 validation rows), 3 (26 training rows, 14 validation rows)" -- lfl train --set training.task=binary
check "multiclass labels 1..3: three classes named by value" 0 "precision_class_3 =" -- bash -c "$(declare -f lfl); work=$work; lfl train && lfl evaluate"
# A string label: no CASE expression needed for multiclass; binary must be told which value is positive.
weather="training_sets.labels.spine.label=element_at(array('sun', 'fog', 'rain'), cls)"
check "string label: multiclass learns the classes by name" 0 "precision_class_sun =" -- bash -c "$(declare -f lfl); \
  work=$work; lfl training-set --set \"$weather\" && lfl train --set \"$weather\" && lfl evaluate --set \"$weather\""
check "string label on a binary task" 3 "its label is a string with values 'fog'" -- \
  lfl train --set "$weather" --set training.task=binary
lfl training-set >/dev/null 2>&1
check "drift on two rows is insufficient, not a fail" 0 "warning: insufficient data for drift of x" -- lfl drift
check "drift with min_rows 2 judges two rows" 3 "x psi = " -- lfl drift --set drift.min_rows=2
# ---- late corrections and ttl 0 (issue 27): a corrected row for the same driver and time arrives later ----
printf 'driver_id,ts,created,value\n3,2024-01-02 00:00:00,2024-01-02 00:00:00,30\n3,2024-01-02 00:00:00,2024-01-04 00:00:00,31\n4,2024-01-03 00:00:00,2024-01-02 00:00:00,41\n4,2024-01-02 00:00:00,2024-01-05 00:00:00,40\n' > "$work/stats.csv"
printf 'order_id,driver_id,ts,y\n1,3,2024-01-03 00:00:00,1\n2,4,2024-03-01 00:00:00,0\n' > "$work/orders.csv"
cat > "$work/recency.yaml" <<EOF
pipeline: recency
lake: {root: "$work/rlake", state: "$work/rstate", models: "$work/rmodels"}
sources:
  stats: {format: csv, path: "$work/stats.csv", options: {header: "true"}, schema: "driver_id INT, ts TIMESTAMP, created TIMESTAMP, value INT"}
  orders: {format: csv, path: "$work/orders.csv", options: {header: "true"}, schema: "order_id INT, driver_id INT, ts TIMESTAMP, y INT"}
validation:
  stats: {source: stats, rules: [{name: v, kind: not_null, column: value}]}
  orders: {source: orders, rules: [{name: d, kind: not_null, column: driver_id}]}
feature_sets:
  driver_rows: {source: silver.stats, entity: [driver_id], event_time: ts, created_timestamp: created, ttl: 0s, features: [{name: rate, expr: "value"}]}
training_sets:
  orders: {spine: {source: silver.orders, keys: [order_id], event_time: ts, label: "y"}, feature_sets: [driver_rows]}
training: {split: {column: ts, validate_from: "2024-02-01"}}
registry: {tracking_uri: "http://127.0.0.1:9", experiment: e, model_name: m, max_attempts: 2, initial_backoff_ms: 100}
scoring: {output: "$work/rout"}
EOF
sed 's/ created_timestamp: created,//' "$work/recency.yaml" > "$work/no-created.yaml"
lfr() { bin/lakeforge "$@" --config "$work/recency.yaml" --run-date 2024-03-01; }
lfr ingest >/dev/null 2>&1 && lfr validate >/dev/null 2>&1
check "late correction: the row created last wins" 0 "driver_rows.superseded_rows = 1" -- lfr features
check "repeated events without created_timestamp" 3 "as the set's created_timestamp" -- bin/lakeforge features \
  --config "$work/no-created.yaml" --run-date 2024-03-01
# How many training-set rows got no driver feature (the profile's null count of 'rate').
ttl_nulls() {
  lfr training-set "$@" >/dev/null && lfr profile --table training_sets.orders --out "$work/rprof" >/dev/null &&
  python3 -c 'import json, glob, sys
p = json.load(open(max(glob.glob(sys.argv[1] + "/training_sets.orders@v*.json"), key=lambda f: int(f.split("@v")[1][:-5]))))
print("rate nulls:", [c["nulls"] for c in p["columns"] if c["name"] == "rate"][0])' "$work/rprof"
}
check "ttl 0s is no limit: a row two months old still matches" 0 "rate nulls: 0" -- ttl_nulls
check "ttl 1d: the same row is too old" 0 "rate nulls: 1" -- ttl_nulls --set feature_sets.driver_rows.ttl=1d
fi

# The rides pipeline's rules, training set and training, shared by the recovery and cluster cases' configs.
rides_rules_and_training() {
  cat <<'EOF'
validation:
  rides:
    source: rides
    deduplicate: [id]
    rules:
      - {name: km_range, kind: range, column: km, min: 1, max: 1000}
training_sets:
  rides:
    spine: {source: silver.rides, keys: [id], event_time: ts, label: late}
    features: [{name: km, expr: km}, {name: minutes, expr: minutes}]
training:
  split: {column: ts, validate_from: "2026-10-25"}
  params: {num_round: 10, max_depth: 3, eta: 0.3, seed: 7}
EOF
}
# interrupt_when_written PID DIR NAME KILL...: as soon as PID has written a file matching NAME under DIR (newer than
# $marker), run KILL...; prints how many such files there were then, or "none" when PID ended before writing one.
interrupt_when_written() {
  local pid=$1 dir=$2 name=$3
  shift 3
  for _ in $(seq 1 12000); do
    if [[ -d $dir ]] && find "$dir" -type f -name "$name" -newer "$marker" -print -quit | grep -q .; then
      "$@"
      find "$dir" -type f -name "$name" -newer "$marker" | wc -l
      return
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo none
}
# ---- recovery (kill -9 mid-write, services down mid-stage, concurrent writers, reruns, secrets) ----
recovered=()   # "name|expected|observed|ok" of the recovery cases
if [[ $mode == full || $mode == --recovery ]]; then
  # shellcheck source=scripts/faults-recovery.sh
  source scripts/faults-recovery.sh
fi
clustered=()   # the same, of the cluster cases
if [[ $mode == full || $mode == --recovery || $mode == --cluster ]]; then
  # shellcheck source=scripts/faults-cluster.sh
  source scripts/faults-cluster.sh
fi

table() {
  echo "| case | expected | observed | verdict |"
  echo "| --- | --- | --- | --- |"
  for r in "$@"; do
    IFS='|' read -r name expected observed verdict <<<"$r"
    echo "| $name | $expected | ${observed} | $verdict |"
  done
}
doc=docs/reliability.md
if [[ $mode == full ]]; then
  matrix=$({
    echo "## Bad input: $(( ${#results[@]} - ${#recovered[@]} - ${#clustered[@]} )) cases"
    echo
    echo "\`scripts/faults.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores; every case runs the real \`bin/lakeforge\`."
    echo "A case passes when the exit code is the documented one, the output holds the expected text, exactly one"
    echo "\`lakeforge:\` error line is printed for a failure, no stack trace reaches the console, and for data cases"
    echo "rows in = kept + quarantined + duplicates removed. \`scripts/faults.sh --short\` (the cases without Spark)"
    echo "runs in CI."
    echo
    table "${results[@]:0:$(( ${#results[@]} - ${#recovered[@]} - ${#clustered[@]} ))}"
  })
else
  matrix=$(awk '/^<!-- matrix -->$/{on=1; next} /^<!-- recovery -->$/{on=0} on' "$doc")
fi
if [[ $mode == --cluster ]]; then
  recovery_section=$(awk '/^<!-- recovery -->$/{on=1; next} /^<!-- cluster -->$/{on=0} on' "$doc")
else
recovery_section=$({
  echo "## Recovery: $(( ${#recovered[@]} )) cases"
  echo
  echo "\`scripts/faults.sh --recovery\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(free -g | awk '/^Mem/{print $2}') GiB: a pipeline of its own"
  echo "(${RIDES_ROWS:-?} ride rows in CSV plus a PostgreSQL table) run through the real \`bin/lakeforge\` against a real"
  echo "MLflow server, S3Proxy and PostgreSQL, each its own process on loopback, with an MLflow token, S3 keys and a"
  echo "JDBC password set. Checksums are \`bin/lakeforge tables checksum\` (row count and an order-independent"
  echo "hash of every row, the run's own id and time columns left out)."
  echo
  table "${recovered[@]}"
})
fi
cluster_section=$({
  echo "## Cluster: $(( ${#clustered[@]} )) cases"
  echo
  echo "\`scripts/faults.sh --cluster\` (and \`--recovery\`) on $(date -u +%Y-%m-%d), $(nproc) cores: a Spark standalone cluster"
  echo "of its own (\`scripts/spark-cluster.sh\`: a master and two workers on loopback) with S3Proxy as the only shared"
  echo "storage; ${CLUSTER_ROWS:-?} ride rows as a CSV object; every stage its own \`spark-submit --deploy-mode cluster\`"
  echo "(the unreachable master: client mode, where the driver is Lakeforge's). Checksums are read back from S3 by"
  echo "\`bin/lakeforge tables checksum --exclude _source\`."
  echo
  table "${clustered[@]}"
})
{
  echo "# Reliability: the fault harness"
  echo
  echo "<!-- matrix -->"
  echo "$matrix"
  echo
  echo "<!-- recovery -->"
  echo "$recovery_section"
  echo
  echo "<!-- cluster -->"
  echo "$cluster_section"
} > "$doc"
echo "faults: $(( ${#results[@]} - failed )) passed, $failed failed ($doc)"
exit $(( failed > 0 ))
