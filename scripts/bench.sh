#!/usr/bin/env bash
# Benchmarks, each a side-by-side ratio measured in one run (ours ÷ a peer), median of several rounds.
#   scripts/bench.sh validation [ROUNDS]   20-rule suite (conf/bench/validation-20-rules.yaml) on flights-3m:
#                                          Lakeforge ÷ bare scan of the same columns, Lakeforge ÷ Deequ 2.0.7
#   scripts/bench.sh point-in-time [ROUNDS] [TTL_DAYS]
#                                          route features onto every flight of flights-3m: Lakeforge's as-of join ÷
#                                          a plain equi-join, naive join + row_number ÷ Lakeforge
#   scripts/bench.sh feature-value         the demo's feature sets vs the foundation's seven row features: the same
#                                          XGBoost params, trained Jan-May 2001, validation AUC on June (flights-3m)
#   scripts/bench.sh training [ROUNDS] [BOOST_ROUNDS] [GBT_RUNS]
#                                          the flights_delay training set: xgboost4j-spark fit ÷ native xgboost4j
#                                          (DMatrix in the same JVM), MLlib GBT ÷ xgboost4j-spark, equal rounds/depth
#   scripts/bench.sh scorer [ROUNDS] [MODEL_DIR]
#                                          the Spark-free scorer (CSV in, CSV out) ÷ native xgboost4j predict on the
#                                          same June rows and the latest trained model; Spark transform rows/s beside
#   scripts/bench.sh sweep                 successive halving vs grid over training.sweep's 27-point space: best
#                                          validation AUC, boosting rounds and wall time of each
# Results: docs/benchmarks/<name>.json (machine-readable) and the table in docs/benchmarks.md (by hand).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
name=${1:?usage: scripts/bench.sh validation|point-in-time|feature-value|training|scorer|sweep [ROUNDS]}
rounds=${2:-5}
scripts/fetch-data.sh >/dev/null
mvn -q -B install -DskipTests -pl benchmarks -am
cp="benchmarks/target/lakeforge-benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)"
opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' pom.xml)
mkdir -p docs/benchmarks
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
case "$name" in
  validation)
    # shellcheck disable=SC2086
    SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx8g -cp "$cp" dev.lakeforge.etl.ValidationBenchmark \
      conf/bench/validation-20-rules.yaml data/raw/flights-3m.parquet "$rounds" docs/benchmarks/validation.json ;;
  point-in-time)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    # shellcheck disable=SC2086
    SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx8g -cp "$cp" dev.lakeforge.features.PointInTimeBenchmark \
      data/raw/flights-3m.parquet "$work" "$rounds" "${3:-14}" docs/benchmarks/point_in_time.json ;;
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
    model=${3:-$(ls -td data/models/flights/*/ | while read -r d; do [[ -f $d/model.ubj ]] && echo "$d" && break; done)}
    [[ -n $model ]] || { echo "scorer: train a model first (bin/lakeforge train)" >&2; exit 2; }
    # shellcheck disable=SC2086
    SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx8g -cp "$cp" dev.lakeforge.scorer.ScorerBenchmark \
      conf/pipelines/flights.yaml "$model" "$rounds" docs/benchmarks/scorer.json ;;
  training|sweep)
    mvn -q -B package -DskipTests -pl app -am
    args=(--config conf/pipelines/flights.yaml --run-date 2001-06-15)
    if [[ ! -d data/lake/training_sets/flights_delay ]]; then
      for stage in ingest validate features training-set; do bin/lakeforge "$stage" "${args[@]}" >/dev/null; done
    fi
    if [[ $name == training ]]; then
      # shellcheck disable=SC2086
      SPARK_LOCAL_IP=127.0.0.1 java $opens -Xmx10g -cp "$cp" dev.lakeforge.training.TrainingBenchmark \
        conf/pipelines/flights.yaml "${2:-3}" "${3:-50}" "${4:-1}" docs/benchmarks/training.json
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
  *) echo "unknown benchmark: $name" >&2; exit 2 ;;
esac
