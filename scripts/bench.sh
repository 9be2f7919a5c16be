#!/usr/bin/env bash
# Benchmarks, each a side-by-side ratio measured in one run (ours ÷ a peer), median of several rounds.
#   scripts/bench.sh validation [ROUNDS]   20-rule suite (conf/bench/validation-20-rules.yaml) on flights-3m:
#                                          Lakeforge ÷ bare scan of the same columns, Lakeforge ÷ Deequ 2.0.7
#   scripts/bench.sh point-in-time [ROUNDS] [TTL_DAYS]
#                                          route features onto every flight of flights-3m: Lakeforge's as-of join ÷
#                                          a plain equi-join, naive join + row_number ÷ Lakeforge
# Results: docs/benchmarks/<name>.json (machine-readable) and the table in docs/benchmarks.md (by hand).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
name=${1:?usage: scripts/bench.sh validation|point-in-time [ROUNDS]}
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
  *) echo "unknown benchmark: $name" >&2; exit 2 ;;
esac
