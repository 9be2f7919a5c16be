#!/usr/bin/env bash
# Fetches the demo data from the npm package vega-datasets into data/raw/ and checks it.
# flights-3m.parquet: 3,000,000 flights (Jan-Jun 2001); airports.csv: 3,376 airports plus a header;
# seattle-weather.csv: 1,461 days of Seattle weather (2012-2015) plus a header (conf/pipelines/seattle-weather.yaml).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=3.2.1
raw="$root/data/raw"
declare -A sha256=(
  [flights-3m.parquet]=dbeb920c90f59b6ccaff823dcc3d08f25a97fa1ce128d93f40be4e931f5900b0
  [airports.csv]=903c7169e6d558eefb95295fe2947ec8503135fbb855ea5c737cf4a90ea603ad
  [seattle-weather.csv]=0845078a290b48e3149ab8639966824110a251db4e06fc144c06ebb534af23be
)
declare -A size=([flights-3m.parquet]=13493022 [airports.csv]=210365 [seattle-weather.csv]=48219)

check() {
  local f="$raw/$1"
  [[ -f "$f" ]] || return 1
  [[ $(stat -c %s "$f") == "${size[$1]}" ]] || return 1
  [[ $(sha256sum "$f" | cut -d' ' -f1) == "${sha256[$1]}" ]] || return 1
}

files=(flights-3m.parquet airports.csv seattle-weather.csv)
all_present() { for f in "${files[@]}"; do check "$f" || return 1; done; }
if all_present; then
  echo "data: $raw already has ${files[*]} (checked)"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-data: npm is needed to fetch vega-datasets" >&2; exit 2; }
mkdir -p "$raw"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "vega-datasets@$version" >/dev/null)
tar -xzf "$tmp/vega-datasets-$version.tgz" -C "$tmp" "${files[@]/#/package/data/}"
for f in "${files[@]}"; do
  mv "$tmp/package/data/$f" "$raw/$f"
  if ! check "$f"; then
    echo "fetch-data: $raw/$f does not have the expected size ${size[$f]} and sha256 ${sha256[$f]}" >&2
    exit 1
  fi
done
lines=$(wc -l < "$raw/airports.csv")
[[ "$lines" == 3377 ]] || { echo "fetch-data: airports.csv has $lines lines, expected 3377" >&2; exit 1; }
echo "data: fetched vega-datasets@$version into $raw (sizes and sha256 checked; 3,000,000 flights, 3,376 airports, 1,461 Seattle days)"
