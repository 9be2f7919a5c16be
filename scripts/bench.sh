#!/usr/bin/env bash
# Benchmarks, each a side-by-side ratio measured in one run (ours ÷ a peer), median of several rounds.
#   scripts/bench.sh validation [ROUNDS] [FLIGHTS.parquet]
#                                          20-rule suite (conf/bench/validation-20-rules.yaml) on flights-3m (or FLIGHTS):
#                                          Lakeforge ÷ bare scan of the same columns, Lakeforge ÷ Deequ 2.0.7
#   scripts/bench.sh point-in-time [ROUNDS] [TTL_DAYS] [FLIGHTS.parquet]
#                                          route features onto every flight of flights-3m (or FLIGHTS, then without
#                                          the naive join): Lakeforge's as-of join ÷ a plain equi-join, naive join +
#                                          row_number ÷ Lakeforge
#   scripts/bench.sh feature-value         the demo's feature sets vs the foundation's seven row features: the same
#                                          XGBoost params, trained Jan-May 2001, validation AUC on June (flights-3m)
#   [BENCH_HEAP=10g] scripts/bench.sh training [ROUNDS] [BOOST_ROUNDS] [GBT_RUNS]
#                                          the flights_delay training set: xgboost4j-spark fit ÷ native xgboost4j
#                                          (DMatrix in the same JVM), MLlib GBT ÷ xgboost4j-spark, equal rounds/depth
#   scripts/bench.sh scorer [ROUNDS] [MODEL_DIR]
#                                          the Spark-free scorer (CSV in → CSV out, Parquet in → Parquet out) ÷ native
#                                          xgboost4j predict on the same June rows and the latest trained model
#                                          (scorer.json); Spark transform ÷ native predict beside (scorer_spark.json)
#   scripts/bench.sh scorer-synthetic [ROUNDS] [ROWS]
#                                          the scorer's shaded jar (what bin/lakeforge-score runs), CSV in → CSV out
#                                          and Parquet in → Parquet out, vs native predict, without a lake or Spark:
#                                          ROWS (500,000) rows of the demo model's shape (25 features, 100 trees of
#                                          depth 6); prints where the scorer's time goes (read+parse, write)
#   BENCH_WORKSPACE=DIR scripts/bench.sh training|scorer ...
#                                          the same on DIR/lake and DIR/models (a size kept by `SCALE_WORK=... scale`
#                                          or built by `workspace`), results in <name>_<DIR's name>.json
#   scripts/bench.sh pandas [FLIGHTS] [LIMIT_GB]
#                                          the pandas peer alone on FLIGHTS (default the 30M file) with its RSS
#                                          sampled each second and killed past LIMIT_GB (default 20)
#   scripts/bench.sh workspace FACTOR DIR  builds that lake untimed: ingest to train of the FACTOR x flights file
#                                          (8 GB driver unless LAKEFORGE_DRIVER_MEMORY says otherwise)
#   scripts/bench.sh sweep                 successive halving vs grid over training.sweep's 27-point space: best
#                                          validation AUC, boosting rounds and wall time of each
#   scripts/bench.sh pipeline [ROUNDS]     the whole demo pipeline (`lakeforge run`) on flights-3m in a fresh lake,
#                                          per stage, ÷ the single-machine pandas + xgboost script with the same 25
#                                          features and rounds (benchmarks/python/pandas_pipeline.py, its features
#                                          then checked value by value against the training set); peak memory
#   scripts/bench.sh pipeline --quick|--small
#                                          the same, one round, on a random sample of flights-3m: 300,000 rows (a
#                                          few minutes, to see a regression) or 3,000 (Spark's fixed cost), with
#                                          Spark jobs, tasks and table scans per stage from the event log
#   scripts/bench.sh scale [FACTOR] [STAGES]
#                                          STAGES (default "ingest validate"; "all" for the whole pipeline, register
#                                          and score included) at 3M rows and at FACTOR (default 10)
#                                          times as many (benchmarks/python/synth_flights.py), driver fixed at 2 GB:
#                                          time ratio and peak driver memory
# Results: docs/benchmarks/<name>.json (machine-readable) and the table in docs/benchmarks.md (by hand).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
name=${1:?usage: scripts/bench.sh validation|point-in-time|feature-value|training|scorer|scorer-synthetic|sweep|pipeline|scale|pandas|workspace [ROUNDS]}
rounds=${2:-5}
scripts/fetch-data.sh >/dev/null
mvn -q -B install -DskipTests -pl benchmarks -am
cp="benchmarks/target/lakeforge-benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)"
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
mkdir -p docs/benchmarks
# The pandas/xgboost venv of the Python peers and the data generator.
pyfunc_python() { echo "$(scripts/mlflow-venv.sh --pyfunc)/bin/python"; }
# FACTOR x flights-3m (benchmarks/python/synth_flights.py), generated once; prints its path.
synthetic_flights() {
  local out="data/raw/flights-x$1.parquet"
  [[ -f $out ]] || "$(pyfunc_python)" benchmarks/python/synth_flights.py data/raw/flights-3m.parquet "$out" "$1" >&2
  echo "$out"
}
suffix=""
if [[ -n ${BENCH_WORKSPACE:-} ]]; then
  export LAKEFORGE_LAKE=$BENCH_WORKSPACE/lake LAKEFORGE_STATE=$BENCH_WORKSPACE/state
  export LAKEFORGE_MODELS=$BENCH_WORKSPACE/models
  suffix=_$(basename "$BENCH_WORKSPACE")
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
case "$name" in
  validation)
    input=${3:-data/raw/flights-3m.parquet}
    out=docs/benchmarks/validation.json
    [[ $input == data/raw/flights-3m.parquet ]] || out=docs/benchmarks/validation_$(basename "$input" .parquet).json
    # shellcheck disable=SC2086
    SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx8g -cp "$cp" dev.lakeforge.etl.ValidationBenchmark \
      conf/bench/validation-20-rules.yaml "$input" "$rounds" "$out" ;;
  point-in-time)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    input=${4:-data/raw/flights-3m.parquet}
    out=docs/benchmarks/point_in_time.json
    naive=()
    if [[ $input != data/raw/flights-3m.parquet ]]; then
      out=docs/benchmarks/point_in_time_$(basename "$input" .parquet).json
      naive=(--without-naive)  # beyond 3M rows the naive range join does not finish here (see the class doc)
    fi
    # shellcheck disable=SC2086
    SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx8g -cp "$cp" dev.lakeforge.features.PointInTimeBenchmark \
      "$input" "$work" "$rounds" "${3:-14}" "$out" "${naive[@]}" ;;
  feature-value)
    mvn -q -B package -DskipTests -pl app -am
    args=(--config conf/pipelines/flights.yaml --run-date 2001-06-15)
    bin/lakeforge ingest "${args[@]}" >/dev/null
    bin/lakeforge validate "${args[@]}" >/dev/null
    bin/lakeforge features "${args[@]}" | grep -E "^  features"
    json="{\n  \"benchmark\": \"feature_value\",\n  \"validation\": \"2001-06\",\n  \"auc_roc\": {"
    for set in flights_delay flights_delay_thin; do
      bin/lakeforge training-set --name "$set" "${args[@]}" | grep -E "^  training-set|features ="
      bin/lakeforge train --set training.training_set="$set" "${args[@]}" >/dev/null
      auc=$(bin/lakeforge evaluate --set training.training_set="$set" "${args[@]}" | awk '/auc_roc =/{print $3}')
      echo "$set: validation auc_roc $auc"
      json="$json\"$set\": $auc, "
    done
    printf '%b' "${json%, }}\n}\n" > docs/benchmarks/feature_value.json
    cat docs/benchmarks/feature_value.json ;;
  scorer)
    model=${3:-$(ls -td "${LAKEFORGE_MODELS:-data/models}"/flights/*/ | while read -r d; do [[ -f $d/model.ubj ]] && echo "$d" && break; done)}
    [[ -n $model ]] || { echo "scorer: train a model first (bin/lakeforge train)" >&2; exit 2; }
    # shellcheck disable=SC2086
    work="${TMPDIR:-/tmp}/lakeforge-scorer-bench"
    SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx8g -cp "$cp" dev.lakeforge.scorer.ScorerBenchmark \
      conf/pipelines/flights.yaml "$model" "$rounds" "docs/benchmarks/scorer_spark$suffix.json" "$work"
    # The scorer's half on its shaded jar (what bin/lakeforge-score runs), on the rows the Spark half exported.
    java -Xmx4g -cp "benchmarks/target/classes:spark-free-scorer/target/lakeforge-spark-free-scorer-0.1.0-SNAPSHOT.jar" \
      dev.lakeforge.scorer.ScorerSpeedBenchmark --files "$model" "$work" "$rounds" "docs/benchmarks/scorer$suffix.json" ;;
  scorer-synthetic)
    # The shaded jar, not the benchmarks classpath: that one carries Spark's Parquet 1.13.
    java -Xmx4g -cp "benchmarks/target/classes:spark-free-scorer/target/lakeforge-spark-free-scorer-0.1.0-SNAPSHOT.jar" \
      dev.lakeforge.scorer.ScorerSpeedBenchmark "${3:-500000}" "$rounds" \
      "${TMPDIR:-/tmp}/lakeforge-scorer-speed" docs/benchmarks/scorer_synthetic.json ;;
  training|sweep)
    mvn -q -B package -DskipTests -pl app -am
    args=(--config conf/pipelines/flights.yaml --run-date 2001-06-15)
    if [[ ! -d ${LAKEFORGE_LAKE:-data/lake}/training_sets/flights_delay ]]; then
      for stage in ingest validate features training-set; do bin/lakeforge "$stage" "${args[@]}" >/dev/null; done
    fi
    if [[ $name == training ]]; then
      # shellcheck disable=SC2086
      SPARK_LOCAL_IP=127.0.0.1 java $opens "-Xmx${BENCH_HEAP:-10g}" -cp "$cp" dev.lakeforge.training.TrainingBenchmark \
        conf/pipelines/flights.yaml "${2:-3}" "${3:-50}" "${4:-1}" "docs/benchmarks/training$suffix.json"
      exit 0
    fi
    json="{\n  \"benchmark\": \"sweep\",\n  \"cores\": $(nproc)"
    for strategy in halving grid; do
      date=2001-06-15; [[ $strategy == grid ]] && date=2001-06-16  # training.trials keeps one sweep per run date
      start=$(date +%s)
      out=$(bin/lakeforge sweep --config conf/pipelines/flights.yaml --run-date "$date" \
        --set training.sweep.strategy="$strategy")
      seconds=$(( $(date +%s) - start ))
      echo "$out" | grep -E "trials|rounds_spent|best_" | sed "s/^/$strategy: /"
      auc=$(echo "$out" | awk '/best_auc_roc =/{print $3}')
      spent=$(echo "$out" | awk '/rounds_spent =/{print $3}')
      trials=$(echo "$out" | awk '/ trials =/{print $3}')
      json="$json,\n  \"$strategy\": {\"best_validation_auc\": $auc, \"boosting_rounds\": $spent, \"trials\": $trials, \"wall_seconds\": $seconds}"
    done
    printf '%b' "$json\n}\n" > docs/benchmarks/sweep.json
    cat docs/benchmarks/sweep.json ;;
  pipeline)
    rounds=${2:-1} sample="" flights=data/raw/flights-3m.parquet result=pipeline
    case ${2:-} in
      --quick) rounds=1 sample=300000 result=pipeline_quick ;;
      --small) rounds=1 sample=3000 result=pipeline_small ;;
    esac
    mvn -q -B package -DskipTests -pl app -am
    work=$(mktemp -d /tmp/lakeforge-bench-pipeline.XXXXXX)
    if [[ -n $sample ]]; then
      flights=$work/flights-sample.parquet
      "$(pyfunc_python)" -c 'import sys, pandas as pd
pd.read_parquet(sys.argv[1]).sample(n=int(sys.argv[3]), random_state=7).sort_index().to_parquet(sys.argv[2], index=False)' \
        data/raw/flights-3m.parquet "$flights" "$sample"
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    trap 'MLFLOW_PORT=$port MLFLOW_HOME=$work/mlflow scripts/mlflow-server.sh stop >/dev/null; rm -rf "$work"' EXIT
    MLFLOW_PORT=$port MLFLOW_HOME=$work/mlflow scripts/mlflow-server.sh >/dev/null
    python=$(pyfunc_python)
    # Each round: a fresh lake, state and model store, and its own registered model, so no round evaluates
    # against an earlier round's champion. Peak RSS is the driver JVM's (bin/lakeforge execs java).
    run_lakeforge() {
      local dir=$1 round=$2
      mkdir -p "$dir/events"
      # A gate that fails on a small sample ends the run early; the stages before it are still timed.
      LAKEFORGE_LAKE=$dir/lake LAKEFORGE_STATE=$dir/state LAKEFORGE_MODELS=$dir/models \
        MLFLOW_TRACKING_URI=http://127.0.0.1:$port /usr/bin/time -f '%e %M' -o "$dir/lakeforge.time" \
        env LAKEFORGE_JAVA_OPTS="${LAKEFORGE_JAVA_OPTS:-} -Dspark.eventLog.enabled=true -Dspark.eventLog.dir=file:$dir/events" \
        bin/lakeforge run --config conf/pipelines/flights.yaml --run-date 2001-06-15 \
        --set "sources.flights.path=$(realpath "$flights")" \
        --set "registry.model_name=flights_delay_round_$round" > "$dir/run.log" || echo "lakeforge run: exit $?"
      grep -E "^  [a-z-]+ +[0-9.]+ s|auc_roc =" "$dir/run.log" || true
    }
    run_pandas() {
      local dir=$1
      /usr/bin/time -f '%e %M' -o "$dir/pandas.time" \
        "$python" benchmarks/python/pandas_pipeline.py "$flights" data/raw/airports.csv \
        conf/calendars/us-federal-holidays.csv "$dir" 2 100 > "$dir/pandas.json"
      cat "$dir/pandas.json"
    }
    # ROUNDS rounds, the order alternating so neither side always runs on a cold page cache.
    for ((round = 1; round <= rounds; round++)); do
      mkdir -p "$work/round-$round"
      echo "round $round"
      if (( round % 2 == 1 )); then run_lakeforge "$work/round-$round" "$round"; run_pandas "$work/round-$round"
      else run_pandas "$work/round-$round"; run_lakeforge "$work/round-$round" "$round"; fi
    done
    # After the timing: the peer's 25 features against Lakeforge's training set, value by value.
    features_agree=true
    "$python" benchmarks/python/compare_pandas_features.py "$flights" \
      "$work/round-1/lake/training_sets/flights_delay" | tail -n 26 || features_agree=false
    # Where round 1's time went, per stage (Spark jobs, tasks, table scans): Markdown for docs/benchmarks.md.
    python3 scripts/stage-profile.py "$(ls "$work"/round-1/events/* | head -1)" "$work/round-1/run.log" \
      | tee "docs/benchmarks/${result}_profile.md"
    "$python" - "$work" "$rounds" "$(nproc)" "$features_agree" "$(basename "$flights")" "${sample:-3000000}" \
      > "docs/benchmarks/$result.json" <<'PY'
import glob, json, statistics, sys
work, rounds, cores, features_agree = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "true"
data, rows = sys.argv[5], int(sys.argv[6])
order = ["ingest", "validate", "features", "training-set", "train", "evaluate", "register", "score"]
ours, peers = [], []
for r in range(1, rounds + 1):
    d = f"{work}/round-{r}"
    stages = {}
    for f in glob.glob(d + "/state/flights/2001-06-15/*.json"):
        m = json.load(open(f))
        stages[m["stage"]] = round(m["millis"] / 1000, 1)
    wall, kb = open(d + "/lakeforge.time").read().split()[-2:]  # after "Command exited with ..." on a failure
    reports = glob.glob(d + "/models/flights/*/evaluation.json")
    evaluation = json.load(open(reports[0])) if reports else {"metrics": {"auc_roc": float("nan")}}
    ours.append({"stage_seconds": {s: stages.get(s) for s in order}, "wall_seconds": float(wall),
                 "peak_rss_mb": round(int(kb) / 1024), "auc_roc": round(evaluation["metrics"]["auc_roc"], 4)})
    wall, kb = open(d + "/pandas.time").read().split()
    peer = json.load(open(d + "/pandas.json"))
    peers.append({"step_seconds": peer["seconds"], "wall_seconds": float(wall), "peak_rss_mb": round(int(kb) / 1024),
                  "auc_roc": peer["auc_roc"], "features": peer["features"]})
median = lambda runs, key: statistics.median(r[key] for r in runs)
# A stage missing from any round's state (it failed or was skipped) has no median rather than a zero.
stage_median = lambda s: None if any(r["stage_seconds"][s] is None for r in ours) else median(
    [r["stage_seconds"] for r in ours], s)
print(json.dumps({
    "benchmark": "pipeline", "data": data, "rows": rows, "cores": cores, "run_date": "2001-06-15", "rounds": rounds,
    "lakeforge": {"stage_seconds_median": {s: stage_median(s) for s in order},
                  "wall_seconds_median": median(ours, "wall_seconds"), "peak_rss_mb_max": max(r["peak_rss_mb"] for r in ours),
                  "auc_roc": ours[0]["auc_roc"], "rounds": ours},
    "pandas_xgboost": {"wall_seconds_median": median(peers, "wall_seconds"),
                       "peak_rss_mb_max": max(r["peak_rss_mb"] for r in peers), "auc_roc": peers[0]["auc_roc"],
                       "features": peers[0]["features"], "features_equal_to_lakeforge": features_agree,
                       "rounds": peers},
    "lakeforge_over_pandas_wall": round(median(ours, "wall_seconds") / median(peers, "wall_seconds"), 2),
}, indent=2))
PY
    cat "docs/benchmarks/$result.json" ;;
  scale)
    factor=${2:-10}
    stages=${3:-ingest validate}
    [[ $stages != all ]] || stages="ingest validate features training-set train evaluate register score"
    mvn -q -B package -DskipTests -pl app -am
    synth=$(synthetic_flights "$factor")
    # SCALE_WORK=DIR keeps each size's lake, models and logs in DIR (the training and scorer benchmarks can then
    # read the large training set: LAKEFORGE_LAKE=DIR/flights-x10/lake).
    keep=${SCALE_WORK:-}
    work=${keep:-$(mktemp -d /tmp/lakeforge-bench-scale.XXXXXX)}
    mkdir -p "$work"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    trap 'MLFLOW_PORT=$port MLFLOW_HOME=$work/mlflow scripts/mlflow-server.sh stop >/dev/null; [[ -n $keep ]] || rm -rf "$work"' EXIT
    [[ $stages != *register* ]] || MLFLOW_PORT=$port MLFLOW_HOME=$work/mlflow scripts/mlflow-server.sh >/dev/null
    : > "$work/results.tsv"
    for input in data/raw/flights-3m.parquet "$synth"; do
      size=$(basename "$input" .parquet)
      for stage in $stages; do
        # GNU time's peak RSS is the largest of bin/lakeforge's descendants, the driver JVM (local mode: executors
        # too). The timeout sends TERM, which bin/lakeforge passes on to the JVM (a KILL would leave the JVM running).
        # Each size has its own lake and registered model, so the larger run is not compared with the smaller.
        # A stage that runs past SCALE_STAGE_TIMEOUT seconds is recorded as not finished, and the size stops there.
        rc=0
        LAKEFORGE_DRIVER_MEMORY=2g LAKEFORGE_LAKE=$work/$size/lake LAKEFORGE_STATE=$work/$size/state \
          LAKEFORGE_MODELS=$work/$size/models LAKEFORGE_EXPORTS=$work/$size/exports \
          MLFLOW_TRACKING_URI=http://127.0.0.1:$port /usr/bin/time -f '%e %M' -o "$work/time" \
          timeout -s TERM -k 120 "${SCALE_STAGE_TIMEOUT:-7200}" \
          bin/lakeforge "$stage" --config conf/pipelines/flights.yaml --run-date 2001-06-15 \
          --set "sources.flights.path=$input" --set "registry.model_name=scale_${size//-/_}" \
          > "$work/$size-$stage.log" 2>&1 || rc=$?
        grep -E "^  $stage |^lakeforge: " "$work/$size-$stage.log" | cut -c1-160 || true
        read -r wall kb < <(tail -n 1 "$work/time")
        rows=$(awk '/flights.rows_in =/{print $3; exit}' "$work/$size-$stage.log")
        echo "$size $stage: exit $rc, ${wall} s, peak RSS $(( kb / 1024 )) MB, rows_in ${rows:-?}"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$stage" "$wall" "$kb" "$rows" "$rc" >> "$work/results.tsv"
        cp "$work/results.tsv" docs/benchmarks/scale.partial.tsv  # survives an interrupted run
        [[ $rc == 0 || $rc == 4 ]] || break  # exit 4: evaluated but not blessed; the later stages still run
      done
    done
    python3 - "$work/results.tsv" "$(nproc)" "$factor" > docs/benchmarks/scale.json <<'PY'
import json, sys
results, cores, factor = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = {"benchmark": "scale", "cores": cores, "driver_memory": "2g", "factor": factor}
for line in open(results):
    size, stage, wall, kb, rows, rc = line.rstrip("\n").split("\t")
    out.setdefault(size, {})[stage] = {"seconds": float(wall), "peak_rss_mb": int(kb) // 1024,
                                       "rows_in": int(rows) if rows else None, "exit": int(rc)}
small, large = out["flights-3m"], out.get(f"flights-x{factor}", {})
out["time_ratio"] = {stage: round(large[stage]["seconds"] / small[stage]["seconds"], 2)
                     for stage in small if large.get(stage, {}).get("exit") in (0, 4)}
print(json.dumps(out, indent=2))
PY
    rm -f docs/benchmarks/scale.partial.tsv
    cat docs/benchmarks/scale.json ;;
  pandas)
    # The pandas peer alone on a larger file, under an RSS guard (it holds everything in memory): seconds, peak RSS,
    # and whether it finished. Killing it at the guard keeps the kernel's OOM killer away from the rest.
    input=${2:-data/raw/flights-x10.parquet}
    limit_mb=$(( ${3:-20} * 1024 ))
    python=$(pyfunc_python)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    start=$(date +%s.%N)
    "$python" benchmarks/python/pandas_pipeline.py "$input" data/raw/airports.csv \
      conf/calendars/us-federal-holidays.csv "$work" 2 100 > "$work/out.json" 2> "$work/err" &
    pid=$!
    peak_kb=0 guard=false
    while kill -0 "$pid" 2>/dev/null; do
      rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      (( rss > peak_kb )) && peak_kb=$rss
      if (( rss > limit_mb * 1024 )); then guard=true; kill -9 "$pid"; fi
      sleep 1
    done
    rc=0; wait "$pid" || rc=$?
    seconds=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
    finished=$([[ $rc == 0 ]] && echo true || echo false)
    peer=$([[ $rc == 0 ]] && cat "$work/out.json" || echo null)
    [[ $rc == 0 || $guard == true ]] || tail -n 3 "$work/err" >&2
    printf '{\n  "benchmark": "pandas_peer",\n  "input": "%s",\n  "cores": %d,\n  "rss_limit_mb": %d,\n  "finished": %s,\n  "killed_at_limit": %s,\n  "seconds": %.1f,\n  "peak_rss_mb_sampled": %d,\n  "peer": %s\n}\n' \
      "$input" "$(nproc)" "$limit_mb" "$finished" "$guard" "$seconds" $(( peak_kb / 1024 )) "$peer" \
      | tee "docs/benchmarks/pandas_$(basename "$input" .parquet).json" ;;
  workspace)
    # The lake the training and scorer benchmarks read at FACTOR x rows, without timing anything: ingest through
    # training-set (and train, for the scorer's model) into DIR/lake, DIR/state and DIR/models.
    factor=${2:-10}
    dir=${3:?usage: scripts/bench.sh workspace FACTOR DIR}
    mvn -q -B package -DskipTests -pl app -am
    synth=$(synthetic_flights "$factor")
    mkdir -p "$dir"
    for stage in ingest validate features training-set train; do
      LAKEFORGE_DRIVER_MEMORY=${LAKEFORGE_DRIVER_MEMORY:-8g} LAKEFORGE_LAKE=$dir/lake LAKEFORGE_STATE=$dir/state \
        LAKEFORGE_MODELS=$dir/models bin/lakeforge "$stage" --config conf/pipelines/flights.yaml \
        --run-date 2001-06-15 --set "sources.flights.path=$synth" > "$dir/$stage.log" 2>&1 \
        || { echo "workspace: $stage failed, see $dir/$stage.log" >&2; exit 1; }
      grep -E "^  $stage " "$dir/$stage.log" | cut -c1-120
    done ;;
  *) echo "unknown benchmark: $name" >&2; exit 2 ;;
esac
