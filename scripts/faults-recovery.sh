# Recovery cases of the fault harness, sourced by scripts/faults.sh (which owns $work, results, failed, cleanups).
# A pipeline of its own ("rides": a CSV and a PostgreSQL table -> bronze -> silver -> training set -> XGBoost ->
# MLflow -> predictions) is interrupted the hard ways: kill -9 of the driver mid-write, MLflow and S3Proxy killed
# mid-stage, two writers at once; then rerun. Every service is real and its own process on loopback.

r="$work/rides"
mkdir -p "$r/console"
RIDES_ROWS=${RIDES_ROWS:-1000000}
RUN_DATE=2026-11-01

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mlflow_port=$(free_port)
s3_port=$(free_port)
pg_port=$(free_port)
pg_home=$(mktemp -d /tmp/lakeforge-faults-pg.XXXXXX)  # outside $work: PostgreSQL runs as its own user
cleanups+=("MLFLOW_PORT=$mlflow_port MLFLOW_HOME=$r/mlflow scripts/mlflow-server.sh stop"
  "S3_PORT=$s3_port S3_HOME=$r/s3 scripts/s3-server.sh stop"
  "PG_PORT=$pg_port PG_HOME=$pg_home scripts/postgres-server.sh stop; rm -rf $pg_home")

# The secrets every command runs with; none may appear in any file the run leaves behind.
MLFLOW_TRACKING_TOKEN="lf-faults-token-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
export MLFLOW_TRACKING_TOKEN
mlflow_start() { MLFLOW_PORT=$mlflow_port MLFLOW_HOME=$r/mlflow scripts/mlflow-server.sh >/dev/null; }
mlflow_kill() { kill -9 -- "-$(cat "$r/mlflow/server.pid")" 2>/dev/null || true; rm -f "$r/mlflow/server.pid"; }
s3_start() { S3_PORT=$s3_port S3_HOME=$r/s3 scripts/s3-server.sh "$@" >/dev/null; }
s3_kill() { kill -9 "$(cat "$r/s3/server.pid")" 2>/dev/null || true; rm -f "$r/s3/server.pid"; }
mlflow_start
s3_start
# shellcheck disable=SC1091
source "$r/s3/env"
PG_PORT=$pg_port PG_HOME=$pg_home scripts/postgres-server.sh >/dev/null
# shellcheck disable=SC1091
source "$pg_home/env"
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
PGPASSWORD=$LAKEFORGE_PG_PASSWORD "$psql_bin" -q -h 127.0.0.1 -p "$pg_port" -U lakeforge -d lakeforge -c \
  "CREATE TABLE stations (id INT PRIMARY KEY, name TEXT); INSERT INTO stations SELECT i, 'station ' || i FROM generate_series(1, 50) i;"

# Rides over October 2026 (seed 7).
python3 scripts/rides-csv.py "$r/rides.csv" "$RIDES_ROWS" 7

# rides_config FILE LAKE_ROOT [S3]: the pipeline; ${env:...} stays for Lakeforge to resolve.
rides_config() {
  local s3=""
  [[ ${3:-} == s3 ]] && s3=', s3: {endpoint: "${env:LAKEFORGE_S3_ENDPOINT}", max_attempts: 2}'
  cat > "$1" <<EOF
pipeline: rides
lake: {root: "$2", state: "$r/state", models: "$r/models"$s3}
sources:
  rides:
    format: csv
    path: "$r/rides.csv"
    options: {header: "true"}
    schema: "id BIGINT, ts TIMESTAMP, km DOUBLE, minutes DOUBLE, late DOUBLE"
  stations:
    format: jdbc
    jdbc: {url: "\${env:LAKEFORGE_PG_URL}", table: public.stations, user: "\${env:LAKEFORGE_PG_USER}",
           password: "\${env:LAKEFORGE_PG_PASSWORD}"}
$(rides_rules_and_training)
evaluation: {gates: {auc_roc: {min: 0.5}}}
registry: {tracking_uri: "http://127.0.0.1:$mlflow_port", experiment: faults, model_name: rides_late,
           max_attempts: 3, initial_backoff_ms: 500}
scoring: {output: "$r/exports", where: "true", export_format: none}
EOF
}
rides_config "$r/pipeline.yaml" "$r/lake"
rides_config "$r/s3.yaml" "s3a://$LAKEFORGE_S3_BUCKET/lake" s3

step=0
# rl [--s3] COMMAND ARGS...: one bin/lakeforge command on the rides pipeline, its console kept for the secrets scan.
rl() {
  local config="$r/pipeline.yaml"
  if [[ $1 == --s3 ]]; then config="$r/s3.yaml"; shift; fi
  step=$((step + 1))
  last_log="$r/console/$step-$1.log"
  bin/lakeforge "$@" --config "$config" --run-date "$RUN_DATE" > "$last_log" 2>&1
}
last_console() { echo "$last_log"; }
# checksum VAR [--s3] TABLE: sets VAR to "rows=N checksum=H" and VAR_version to the table version it read.
checksum() {
  local var=$1 s3=()
  shift
  if [[ $1 == --s3 ]]; then s3=(--s3); shift; fi
  local line=""
  if rl "${s3[@]}" tables checksum "$1"; then line=$(grep -m1 ' rows=' "$(last_console)" || true); fi
  printf -v "$var" '%s' "$(cut -d' ' -f2,3 <<<"${line:-? checksum-failed}")"
  printf -v "${var}_version" '%s' "${line%% *}"
}
record() {  # record NAME EXPECTED OBSERVED ok|FAIL
  results+=("$1|$2|${3//|/\\|}|$4")
  recovered+=("$1|$2|${3//|/\\|}|$4")
  if [[ $4 == ok ]]; then echo "ok    $1"; else failed=$((failed + 1)); echo "FAIL  $1: $3"; fi
}
new_marker() { marker="$work/marker.$step"; touch "$marker"; sleep 1; }  # 1 s: file times may be whole seconds
driver_kill() { pkill -9 -f -- "--config $r/pipeline.yaml" || true; }  # spark-submit and its JVM
# kill_mid_write DIR COMMAND...: start a command, kill -9 its driver as soon as a new data file appears under DIR.
# Prints "killed after N new data files" or "finished before any data file".
kill_mid_write() {
  local dir=$1 n
  shift
  new_marker
  bin/lakeforge "$@" --config "$r/pipeline.yaml" --run-date "$RUN_DATE" > "$r/console/killed-$1.log" 2>&1 &
  local pid=$!
  n=$(interrupt_when_written "$pid" "$dir" '*.parquet' driver_kill)
  wait "$pid" 2>/dev/null || true
  if [[ $n == none ]]; then echo "finished before any data file"; else echo "killed after $n new data files"; fi
}
# killed_write_case NAME TABLE STAGE: kill -9 STAGE while it writes TABLE; the table must keep its version and rows,
# and the rerun must leave the same rows once.
killed_write_case() {
  local name=$1 table=$2 stage=$3 rc=0 killed
  checksum kw_before "$table"
  killed=$(kill_mid_write "$r/lake/${table/.//}" "$stage")
  checksum kw_after "$table"
  rl "$stage" || rc=$?
  checksum kw_rerun "$table"
  local observed="$killed; after the kill $kw_after_version $kw_after (before: $kw_before_version $kw_before); rerun exit $rc -> $kw_rerun_version $kw_rerun"
  [[ $killed == killed* && $kw_after_version == "$kw_before_version" && $kw_after == "$kw_before" && $rc == 0 \
    && $kw_rerun == "$kw_before" ]] && v=ok || v=FAIL
  record "$name" "$table stays at its version with the same rows; the rerun writes them once" "$observed" $v
}

# ---- the baseline run ----
rl ingest && rl validate && rl training-set && rl train && rl evaluate \
  || { echo "FAIL  rides baseline: $(tail -3 "$(last_console)")"; failed=$((failed + 1)); return 0; }

# ---- kill -9 mid-write of an ingest ----
killed_write_case "kill -9 during ingest's write" bronze.rides ingest

# ---- idempotent reruns: each stage twice for one run date ----
checksum silver_first silver.rides; checksum quarantine_first quarantine.rides
rc=0; rl validate || rc=$?
checksum silver_again silver.rides; checksum quarantine_again quarantine.rides
[[ $rc == 0 && $silver_first == "$silver_again" && $quarantine_first == "$quarantine_again" ]] && v=ok || v=FAIL
record "rerun validate" "silver and quarantine rows identical" \
  "exit $rc; silver.rides $silver_first -> $silver_again; quarantine.rides $quarantine_first -> $quarantine_again" $v
checksum ts_first training_sets.rides
rc=0; rl training-set || rc=$?
checksum ts_again training_sets.rides
[[ $rc == 0 && $ts_first == "$ts_again" ]] && v=ok || v=FAIL
record "rerun training-set" "training set rows identical" "exit $rc; training_sets.rides $ts_first -> $ts_again" $v
rc=0; rl train || rc=$?
boosters=$(ls -t "$r"/models/rides/*/model.ubj | head -n 2 | xargs sha256sum | awk '{print substr($1, 1, 16)}' | sort -u || true)
[[ $rc == 0 && $(wc -l <<<"$boosters") == 1 ]] && v=ok || v=FAIL
record "rerun train" "the same booster bytes" "exit $rc; sha256 of the two newest model.ubj: $(tr '\n' ' ' <<<"$boosters")" $v
rl evaluate  # the rerun's model is the newest: register takes it, and only an evaluated model is promoted

# ---- MLflow down during register, then resumed ----
mlflow_kill
rc=0; rl register || rc=$?
down_line=$(grep -m1 '^lakeforge: ' "$(last_console)" | cut -c1-160 || true)
mlflow_start
step=$((step + 1))
new_marker
bin/lakeforge register --config "$r/pipeline.yaml" --run-date "$RUN_DATE" > "$r/console/$step-register-cut.log" 2>&1 &
pid=$!
n=$(interrupt_when_written "$pid" "$r/mlflow/artifacts" '*' mlflow_kill)
cut="MLflow killed after $n artifact files"
if [[ $n == none ]]; then cut="register finished before any artifact reached MLflow"; fi
cut_rc=0; wait "$pid" || cut_rc=$?
cut_line=$(grep -m1 '^lakeforge: ' "$r/console/$step-register-cut.log" | cut -c1-120 || true)
mlflow_start
rc=0; rl register || rc=$?
runs=$(curl -fsS -H 'Content-Type: application/json' -X POST "http://127.0.0.1:$mlflow_port/api/2.0/mlflow/runs/search" \
  -d "{\"experiment_ids\": [\"$(curl -fsS "http://127.0.0.1:$mlflow_port/api/2.0/mlflow/experiments/get-by-name?experiment_name=faults" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment"]["experiment_id"])')\"], \"run_view_type\": \"ALL\"}" \
  | python3 -c 'import json,sys
runs = json.load(sys.stdin).get("runs", [])
active = [r["info"] for r in runs if r["info"]["lifecycle_stage"] == "active"]
print(len(active), ",".join(r["status"] for r in active), len(runs) - len(active))' || true)
read -r active statuses trashed <<<"$runs"
registered=$(curl -fsS "http://127.0.0.1:$mlflow_port/api/2.0/mlflow/registered-models/get?name=rides_late" \
  | python3 -c 'import json,sys; m = json.load(sys.stdin)["registered_model"]; print(len(m.get("latest_versions", [])), ",".join(a["alias"] + "=v" + a["version"] for a in m.get("aliases", [])))' || true)
observed="MLflow down before: exit 5 ($down_line); $cut: exit $cut_rc ($cut_line); after restart exit $rc: $active active run ($statuses), $trashed interrupted run trashed, registered versions and aliases: $registered"
[[ $(grep -c '^lakeforge: ' <<<"$down_line") == 1 && $down_line == *"Cannot reach MLflow"* && $cut == "MLflow killed"* \
  && $cut_rc == 5 && $rc == 0 && $active == 1 && $statuses == FINISHED && $registered == "1 champion=v1" ]] && v=ok || v=FAIL
record "MLflow down during register" "exit 5 after retries; the rerun after the restart leaves one finished run and one version" "$observed" $v

# ---- kill -9 mid-write of a scoring run ----
rl score || true  # the first predictions; a failure shows in the case below
killed_write_case "kill -9 during score's write" predictions.rides_late score

# ---- a model alias the registry does not have ----
rc=0; rl score --model "models:/rides_late@nope" || rc=$?
line=$(grep -m1 '^lakeforge: ' "$last_log" | cut -c1-200 || true)
[[ $rc == 2 && $line == *"with alias 'nope'"* && $(grep -c '^lakeforge: ' "$last_log") == 1 \
  && $(grep -cE '^\s+at [a-zA-Z_$.]+\(' "$last_log") == 0 ]] && v=ok || v=FAIL
record "unknown model alias" "exit 2 naming the alias, one error line, no stack trace" "exit $rc: $line" $v

# ---- a registry cache whose files were changed (issue 27): verified on use, downloaded again ----
cache="$r/scorer-cache"
python3 - "$r/models" "$r/score-in.csv" <<'PY'
import glob, json, os, random, sys
info = json.load(open(sorted(glob.glob(os.path.join(sys.argv[1], "rides", "*", "model-info.json")))[-1]))
rng = random.Random(3)
with open(sys.argv[2], "w") as f:
    f.write(",".join(info["features"]) + "\n")
    for _ in range(20):
        f.write(",".join(str(round(rng.uniform(0, 30), 2)) for _ in info["features"]) + "\n")
PY
score_cached() { MLFLOW_TRACKING_URI=http://127.0.0.1:$mlflow_port bin/lakeforge-score --model models:/rides_late/1 \
  --input "$r/score-in.csv" --output "$1" --cache "$cache" > "$r/console/scorer-$(basename "$1").log" 2>&1; }
rc1=0; score_cached "$r/scored-1.csv" || rc1=$?
# The booster the scorer loads: model.ubj when the registered artifacts have it, else model.json.
booster=$(find "$cache" -name model.ubj | head -n 1)
[[ -n $booster ]] || booster=$(find "$cache" -name model.json | head -n 1)
[[ -n $booster ]] && printf 'not a booster' > "$booster"
rc2=0; score_cached "$r/scored-2.csv" || rc2=$?
same=$(cmp -s "$r/scored-1.csv" "$r/scored-2.csv" && echo identical || echo different)
[[ $rc1 == 0 && -n $booster && $rc2 == 0 && $same == identical ]] && v=ok || v=FAIL
record "registry cache with a changed file" "the copy fails its digests and is downloaded again: the same predictions" \
  "exit $rc1, then ${booster:+$(basename "$booster") overwritten in the cache}${booster:-no booster file found in the cache}, exit $rc2: predictions $same" $v

# ---- two writers at once ----
step=$((step + 1)); a=$step; step=$((step + 1)); b=$step
bin/lakeforge validate --config "$r/pipeline.yaml" --run-date "$RUN_DATE" > "$r/console/$a-validate-a.log" 2>&1 &
pid_a=$!
bin/lakeforge validate --config "$r/pipeline.yaml" --run-date "$RUN_DATE" > "$r/console/$b-validate-b.log" 2>&1 &
pid_b=$!
rc_a=0; wait "$pid_a" || rc_a=$?
rc_b=0; wait "$pid_b" || rc_b=$?
retries=$(cat "$LAKEFORGE_LOG_DIR"/* "$r/console/$a-validate-a.log" "$r/console/$b-validate-b.log" 2>/dev/null \
  | grep -c 'lost a race with a concurrent writer' || true)
checksum silver_both silver.rides
observed="exit $rc_a and $rc_b; $retries commit retries logged; silver.rides $silver_both (one writer: $silver_first)"
ok_exits=$([[ ($rc_a == 0 && $rc_b == 0) || ($rc_a == 0 && $rc_b == 5) || ($rc_a == 5 && $rc_b == 0) ]] && echo y)
[[ $ok_exits == y && $silver_both == "$silver_first" ]] && v=ok || v=FAIL
record "two validate runs at once" "one commits, the other retries (or exit 5 naming the conflict); the rows are one writer's" "$observed" $v

# ---- S3 endpoint down during a write, then resumed ----
rc=0; rl --s3 ingest || rc=$?
checksum s3_before --s3 bronze.rides; s3_version=$s3_before_version
step=$((step + 1))
new_marker
bin/lakeforge ingest --config "$r/s3.yaml" --run-date "$RUN_DATE" > "$r/console/$step-ingest-s3-cut.log" 2>&1 &
pid=$!
n=$(interrupt_when_written "$pid" "$r/s3/blobs/$LAKEFORGE_S3_BUCKET/lake/bronze/rides" '*.parquet' s3_kill)
cut="S3Proxy killed after $n data objects"
if [[ $n == none ]]; then cut="ingest finished before any object was written"; fi
start_cut=$(date +%s)
cut_rc=0; wait "$pid" || cut_rc=$?
cut_seconds=$(( $(date +%s) - start_cut ))
cut_line=$(grep -m1 '^lakeforge: ' "$r/console/$step-ingest-s3-cut.log" | cut -c1-150 || true)
traces=$(grep -cE '^\s+at [a-zA-Z_$.]+\(' "$r/console/$step-ingest-s3-cut.log" || true)
s3_start restart
checksum s3_after --s3 bronze.rides; after_version=$s3_after_version
rc2=0; rl --s3 ingest || rc2=$?
checksum s3_rerun --s3 bronze.rides; rerun_version=$s3_rerun_version
observed="first ingest exit $rc: $s3_version $s3_before; $cut: exit $cut_rc after ${cut_seconds} s ($cut_line), $traces stack-trace lines; after the restart $after_version $s3_after; rerun exit $rc2 -> $rerun_version $s3_rerun"
[[ $rc == 0 && $cut == "S3Proxy killed"* && $cut_rc == 5 && $traces == 0 && $after_version == "$s3_version" \
  && $s3_after == "$s3_before" && $rc2 == 0 && $s3_rerun == "$s3_before" ]] && v=ok || v=FAIL
record "S3 endpoint down during ingest's write" "exit 5 after retries; the table keeps its version; the rerun after the restart writes the rows once" "$observed" $v

# ---- secrets: nothing the run left behind holds one ----
secrets=("$MLFLOW_TRACKING_TOKEN" "$AWS_SECRET_ACCESS_KEY" "$AWS_ACCESS_KEY_ID" "$LAKEFORGE_PG_PASSWORD")
scanned=$(find "$work" -type f ! -path "$r/s3/s3proxy.conf" ! -path "$r/s3/env" | wc -l)
hits=$(find "$work" -type f ! -path "$r/s3/s3proxy.conf" ! -path "$r/s3/env" -print0 \
  | xargs -0 grep -laF -e "${secrets[0]}" -e "${secrets[1]}" -e "${secrets[2]}" -e "${secrets[3]}" 2>/dev/null || true)
delta_logs=$(find "$work" -path '*_delta_log/*.json' | wc -l)
logs=$(find "$LAKEFORGE_LOG_DIR" -type f | wc -l)
reports=$(find "$r/state" "$r/models" -name '*.json' -o -name '*.html' | wc -l)
mlflow_files=$(find "$r/mlflow" -type f | wc -l)
# The control: the services' own credential files do hold them, so the scan would see a leak.
control=$(cat "$r/s3/s3proxy.conf" "$pg_home/env" <(env | grep '^MLFLOW_TRACKING_TOKEN=') \
  | grep -cF -e "${secrets[0]}" -e "${secrets[1]}" -e "${secrets[2]}" -e "${secrets[3]}" || true)
observed="$(wc -w <<<"$hits") files with a secret among $scanned scanned (console output of $step commands, $logs log files, $delta_logs Delta commit files in both lakes, $reports reports and manifests, $mlflow_files MLflow files incl. its database of params and tags)${hits:+: $(tr '\n' ' ' <<<"$hits")}"
observed="$observed; control: $control lines of the credential files match"
[[ -z $hits && $delta_logs -gt 0 && $logs -gt 0 && $control -ge 4 ]] && v=ok || v=FAIL
record "secrets in anything written" "the MLflow token, S3 keys and JDBC password appear nowhere" "$observed" $v
