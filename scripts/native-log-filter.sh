#!/usr/bin/env bash
# The console filter of bin/lakeforge's stderr. XGBoost's tracker runs as native code inside the driver JVM and
# prints every boosting round ("[14:29:00] [1]	train-auc:...	eval-auc:...", each followed by a blank line) and
# each worker's rank ("[14:28:43] Task 0 got rank 0") straight to the process's stderr, out of log4j's reach
# (xgboost4j offers no log callback). This moves those lines into the log file, in its layout, and passes
# everything else through unchanged, line by line as it comes.
#   java ... 2>&1 1>&3 | scripts/native-log-filter.sh logs/lakeforge.log    (as bin/lakeforge runs it)
set -uo pipefail
# Ctrl-C is for the JVM: the filter keeps passing its lines on until the JVM closes stderr.
trap '' INT
log=${1:?usage: native-log-filter.sh LOG_FILE}
after_round=0
while IFS= read -r line || [[ -n $line ]]; do
  if [[ $line =~ ^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]\ (\[[0-9]+\]	|Task\ [0-9]+\ got\ rank\ ) ]]; then
    printf '%s INFO [xgboost-tracker] ml.dmlc.xgboost4j: %s\n' "$(date +%Y-%m-%dT%H:%M:%S,%3N)" "${line#*] }" >> "$log"
    after_round=1
  elif [[ $after_round == 1 && -z $line ]]; then
    after_round=0
  else
    after_round=0
    printf '%s\n' "$line" >&2
  fi
done
