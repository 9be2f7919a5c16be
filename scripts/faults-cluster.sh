# Cluster cases of the fault harness (issue 22), sourced by scripts/faults.sh (which owns $work, results, failed,
# cleanups). A Spark standalone cluster of its own (scripts/spark-cluster.sh: a master and two workers on loopback)
# with S3Proxy as the only storage the processes share; each stage is its own `spark-submit --deploy-mode cluster`,
# as StandaloneClusterIT runs them. Cases: an unreachable master, a worker killed mid-stage, S3 down mid-stage.

record_cluster() {  # record_cluster NAME EXPECTED OBSERVED ok|FAIL
  results+=("$1|$2|${3//|/\\|}|$4")
  clustered+=("$1|$2|${3//|/\\|}|$4")
  if [[ $4 == ok ]]; then echo "ok    $1"; else failed=$((failed + 1)); echo "FAIL  $1: $3"; fi
}
c="$work/cluster"
mkdir -p "$c/console"
CLUSTER_ROWS=${CLUSTER_ROWS:-300000}
CLUSTER_DATE=2026-11-01
cfree_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
c_s3_port=$(cfree_port)
c_master_port=$(cfree_port)
c_ui_port=$(cfree_port)
export_cluster_env() {
  export SPARK_CLUSTER_HOME="$c/spark" SPARK_MASTER_PORT=$c_master_port SPARK_MASTER_WEBUI_PORT=$c_ui_port
}
cleanups+=("S3_PORT=$c_s3_port S3_HOME=$c/s3 scripts/s3-server.sh stop"
  "SPARK_CLUSTER_HOME=$c/spark SPARK_MASTER_PORT=$c_master_port SPARK_MASTER_WEBUI_PORT=$c_ui_port scripts/spark-cluster.sh stop")
c_s3() { S3_PORT=$c_s3_port S3_HOME=$c/s3 scripts/s3-server.sh "$@" >/dev/null; }
c_s3_kill() { kill -9 "$(cat "$c/s3/server.pid")" 2>/dev/null || true; rm -f "$c/s3/server.pid"; }
c_s3
# The workers (and so every driver and executor) get the S3 keys from their environment, as from an instance profile.
# shellcheck disable=SC1091
source "$c/s3/env"
# A lost worker is declared dead after 15 s instead of 60, so the killed one is out of the master's offers soon.
(export_cluster_env; SPARK_MASTER_OPTS="-Dspark.worker.timeout=15" scripts/spark-cluster.sh >/dev/null)
# shellcheck disable=SC1091
source "$c/spark/env"
alive_workers() {
  curl -sf "$LAKEFORGE_SPARK_MASTER_UI/json/" | python3 -c \
    'import json, sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))' 2>/dev/null || echo 0
}
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml | head -n1)
spark_submit=$(scripts/venv.sh spark "pyspark==$spark_version")/bin/spark-submit
jar=$(ls app/target/lakeforge-[0-9]*.jar | head -n 1)
s3a_jars=$(tr ':' '\n' < app/target/provided-classpath.txt | grep -E '/(hadoop-aws|aws-java-sdk-bundle)-' | paste -sd, -)
opens=$(tr '\n' ' ' < conf/java-module-opens.txt)

# Rides over October 2026, uploaded as a CSV object to S3 (an S3 PUT signed with the keys, by curl's SigV4; a file
# dropped into S3Proxy's store would lack the ETag S3A checks).
blobs="$c/s3/blobs/$LAKEFORGE_S3_BUCKET"
python3 scripts/rides-csv.py "$c/rides.csv" "$CLUSTER_ROWS" 11
# The keys reach curl on stdin (-K -), not on its command line.
printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" | curl -sSf -K - --aws-sigv4 "aws:amz:us-east-1:s3" \
  ${AWS_CA_BUNDLE:+--cacert "$AWS_CA_BUNDLE"} -H "x-amz-content-sha256: $(sha256sum "$c/rides.csv" | cut -d' ' -f1)" \
  -T "$c/rides.csv" "$LAKEFORGE_S3_ENDPOINT/$LAKEFORGE_S3_BUCKET/raw/rides.csv" >/dev/null
cat > "$c/pipeline.yaml" <<EOF
pipeline: rides
lake:
  root: "s3a://$LAKEFORGE_S3_BUCKET/lake"
  state: "s3a://$LAKEFORGE_S3_BUCKET/state"
  models: "s3a://$LAKEFORGE_S3_BUCKET/models"
  s3: {endpoint: "\${env:LAKEFORGE_S3_ENDPOINT}", max_attempts: 2}
sources:
  rides:
    format: csv
    path: "s3a://$LAKEFORGE_S3_BUCKET/raw/rides.csv"
    options: {header: "true"}
    schema: "id BIGINT, ts TIMESTAMP, km DOUBLE, minutes DOUBLE, late DOUBLE"
$(rides_rules_and_training)
registry: {tracking_uri: "http://127.0.0.1:9", experiment: faults, model_name: rides_late}
scoring: {output: "s3a://$LAKEFORGE_S3_BUCKET/exports", where: "true", export_format: none}
EOF

# submit_cluster NAME STAGE [ARGS...]: one stage as its own driver on the cluster, in the background ($submit_pid);
# small input splits so that a stage's work is spread over many tasks on both executors.
submit_cluster() {
  local name=$1
  shift
  "$spark_submit" --master "$LAKEFORGE_SPARK_MASTER" --deploy-mode cluster \
    --conf spark.standalone.submit.waitAppCompletion=true --driver-memory 1g --executor-memory 1g \
    --conf spark.executor.cores=1 --conf spark.cores.max=2 --conf spark.sql.shuffle.partitions=8 \
    --conf spark.sql.files.maxPartitionBytes=1m --conf spark.ui.enabled=false \
    --conf "spark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" --jars "$s3a_jars" \
    --driver-java-options "$opens -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile=$root/conf/log4j2.properties" \
    --class dev.lakeforge.app.LakeforgeMain "$root/$jar" \
    "$@" --config "$c/pipeline.yaml" --run-date "$CLUSTER_DATE" --profile "$root/conf/spark/cluster.yaml" > "$c/console/$name.log" 2>&1 &
  submit_pid=$!
}
# driver_of NAME: the driver id spark-submit printed; driver_state NAME: its last reported state.
driver_of() { grep -oE 'driver-[0-9]{14}-[0-9]{4}' "$c/console/$1.log" | head -n 1 || true; }
driver_state() {
  grep -oE 'State of driver driver-[^ ]+ is [A-Z]+' "$c/console/$1.log" | tail -n 1 | awk '{print $NF}' || true
}
# driver_dir DRIVER: the work directory of the worker that ran it (stdout: the stage summary; stderr: its errors).
driver_dir() { [[ -n $1 ]] && find "$c/spark" -maxdepth 2 -type d -name "$1" | head -n 1 || true; }
# cluster_stage NAME STAGE...: submit and wait; prints the driver's final state.
cluster_stage() { submit_cluster "$@"; wait "$submit_pid" || true; driver_state "$1"; }
# Checksums are read by a local driver (bin/lakeforge on local[*]) from the same S3: "vN rows=R checksum=H".
c_checksum() {
  bin/lakeforge tables checksum "$1" --exclude _source --config "$c/pipeline.yaml" --run-date "$CLUSTER_DATE" \
    2>/dev/null | grep -m1 ' rows=' | cut -d' ' -f1-3 || echo "? checksum-failed"
}
c_versions() {
  bin/lakeforge tables history "$1" --config "$c/pipeline.yaml" --run-date "$CLUSTER_DATE" 2>/dev/null \
    | grep -cE '^\s*v?[0-9]+\s' || true
}
# executor_on N LOG: the id of the application's executor on worker N, from the driver's log ("Granted executor ID
# app-.../ID on hostPort 127.0.0.1:PORT", PORT the worker's, which the master lists by its UI port: ui + N).
executor_on() {
  local port
  port=$(curl -sf "$LAKEFORGE_SPARK_MASTER_UI/json/" | python3 -c 'import json, sys
for w in json.load(sys.stdin)["workers"]:
    if w["state"] == "ALIVE" and w["webuiaddress"].endswith(":" + sys.argv[1]):
        print(w["port"])' "$(( c_ui_port + $1 ))" 2>/dev/null | head -n 1)
  [[ -n $port ]] && grep -oE "Granted executor ID app-[0-9-]+/[0-9]+ on hostPort 127\.0\.0\.1:$port( |$)" "$2" \
    | head -n 1 | sed -E 's#.*/([0-9]+) on hostPort.*#\1#' || true
}
# running_tasks ID LOG: tasks the driver started on executor ID and has not seen finish.
running_tasks() {
  awk -v e="$1" '
    /Starting task / && index($0, "(127.0.0.1, executor " e ",") { match($0, /\(TID [0-9]+\)/); run[substr($0, RSTART, RLENGTH)] = 1 }
    /Finished task / && index($0, "(executor " e ")") { match($0, /\(TID [0-9]+\)/); delete run[substr($0, RSTART, RLENGTH)] }
    END { n = 0; for (t in run) n++; print n }' "$2" 2>/dev/null || echo 0
}
# worker_pid N: the pid of worker N's daemon; the worker whose work directory holds DRIVER hosts it.
worker_pid() { cat "$c/spark/pids/spark-lakeforge-org.apache.spark.deploy.worker.Worker-$1.pid"; }
worker_hosting() { find "$c/spark/work-1" -maxdepth 1 -name "$1" | grep -q . && echo 1 || echo 2; }

# ---- an unreachable master ----
# Client mode: the driver is Lakeforge's own JVM, so the exit code and the one error line are ours. (With
# --deploy-mode cluster it is spark-submit's own client that cannot reach the master: Spark's exit and message.)
closed_port=$(cfree_port)
start_s=$(date +%s)
rc=0
"$spark_submit" --master "spark://127.0.0.1:$closed_port" --deploy-mode client --jars "$s3a_jars" \
  --driver-java-options "-Dlog4j2.configurationFile=$root/conf/log4j2.properties" \
  --class dev.lakeforge.app.LakeforgeMain "$root/$jar" ingest --config "$c/pipeline.yaml" --run-date "$CLUSTER_DATE" \
  --profile "$root/conf/spark/cluster.yaml" > "$c/console/unreachable.log" 2>&1 || rc=$?
seconds=$(( $(date +%s) - start_s ))
line=$(grep -m1 '^lakeforge: ' "$c/console/unreachable.log" | cut -c1-200 || true)
traces=$(grep -cE '^\s+at [a-zA-Z_$.]+\(|Exception in thread' "$c/console/unreachable.log" || true)
[[ $rc == 5 && $line == *"spark://127.0.0.1:$closed_port"* && $(grep -c '^lakeforge: ' "$c/console/unreachable.log") == 1 \
  && $traces == 0 ]] && v=ok || v=FAIL
record_cluster "cluster: unreachable master" "exit 5 naming the master, one error line, no stack trace" \
  "exit $rc after $seconds s: $line; $traces stack-trace lines" $v

# ---- the baseline: ingest on the cluster ----
state=$(cluster_stage ingest-1 ingest)
bronze_before=$(c_checksum bronze.rides)
if [[ $state != FINISHED ]]; then
  echo "cluster baseline ingest: driver ${state:-not submitted}:" >&2
  tail -n 20 "$c/console/ingest-1.log" >&2
  d=$(driver_dir "$(driver_of ingest-1)"); [[ -n $d ]] && tail -n 20 "$d/stderr" >&2
fi

# ---- a worker killed mid-stage ----
# validate runs as its own driver; once an executor on the worker that does not host the driver has registered, it
# is frozen (SIGSTOP) until the driver has sent it a task, then the worker and its executor are killed with kill -9:
# a machine that hangs under load and dies. (Timed from the driver's log alone, the kill found no task running in
# two tries: tasks here take well under a second.) Spark must run the lost task again on the other executor and the
# stage must commit silver.rides once; a rerun without the fault must give the same rows.
submit_cluster validate-killed validate
pid=$submit_pid
killed=none
victim_executor=""
frozen=""
for _ in $(seq 1 2400); do
  driver=$(driver_of validate-killed)
  dir=${driver:+$(driver_dir "$driver")}
  log="$dir/logs/lakeforge.log"
  if [[ -n $dir && -f $log ]]; then
    victim=$(( 3 - $(worker_hosting "$driver") ))
    [[ -n $victim_executor ]] || victim_executor=$(executor_on "$victim" "$log")
    # Frozen once registered with the driver (frozen earlier, it never registers and gets no task) and once a stage
    # of ten or more tasks, the scan of bronze.rides, is submitted (the first jobs read Delta's log).
    if [[ -n $victim_executor && -z $frozen ]] && grep -qE "Registered executor .* with ID $victim_executor," "$log" \
      && grep -qE 'Submitting [0-9]{2,} missing tasks' "$log"; then
      wpid=$(worker_pid "$victim")
      frozen=$(pgrep -P "$wpid" | head -n 1 || true)
      if [[ -n $frozen ]] && kill -STOP "$frozen" 2>/dev/null; then frozen_at=$SECONDS; else frozen=""; fi
    fi
    # Killed once a task sent to the frozen executor is in flight (or after 60 s without one: then none is lost).
    if [[ -n $frozen ]] && { [[ $(running_tasks "$victim_executor" "$log") -gt 0 ]] || (( SECONDS - frozen_at > 60 )); }; then
      running=$(running_tasks "$victim_executor" "$log")
      kill -9 "$frozen" 2>/dev/null; kill -9 "$wpid" 2>/dev/null \
        && killed="worker $victim and its executor $victim_executor killed with $running task(s) on it ($driver on the other)"
      break
    fi
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
wait "$pid" || true
state=$(driver_state validate-killed)
dir=$(driver_dir "$(driver_of validate-killed)")
# Spark logs a task lost with its executor for a cause outside the task at INFO ("task 3.0 in stage 4.0 (TID 20)
# failed because while it was being computed, its executor exited..."), and its second attempt as "Starting task 3.1".
lost_tasks=$(grep -oE 'task [0-9]+\.[0-9]+ in stage [0-9.]+ \(TID [0-9]+\) failed because while it was being computed, its executor exited' \
  "$dir/logs/lakeforge.log" 2>/dev/null | cut -d' ' -f1-7 | paste -sd, - || true)
lost=$(grep -cE "Lost executor $victim_executor " "$dir/logs/lakeforge.log" 2>/dev/null || true)
retried=$(grep -cE 'Starting task [0-9]+\.[1-9]' "$dir/logs/lakeforge.log" 2>/dev/null || true)
summary=$(grep -E 'rides\.(rows_in|rows_kept|rows_quarantined|duplicates_removed) =' "$dir/stdout" 2>/dev/null \
  | awk '{printf "%s %s ", $1, $3}')
silver_killed=$(c_checksum silver.rides)
versions_killed=$(c_versions silver.rides)
# Bring the killed worker back for what follows, once the master has declared it dead (else it may offer it).
for _ in $(seq 1 90); do [[ $(alive_workers) -le 1 ]] && break; sleep 1; done
(export_cluster_env; SPARK_MASTER_OPTS="-Dspark.worker.timeout=15" scripts/spark-cluster.sh >/dev/null)
state2=$(cluster_stage validate-2 validate)
silver_rerun=$(c_checksum silver.rides)
read -r s_in s_kept s_q s_d <<<"$(awk '{for (i = 1; i <= NF; i += 2) v[$i] = $(i + 1)}
  END {print v["rides.rows_in"], v["rides.rows_kept"], v["rides.rows_quarantined"], v["rides.duplicates_removed"]}' <<<"$summary")"
observed="$killed; driver $state, executor lost ($lost lines), tasks lost with it: ${lost_tasks:-none}, $retried task retries; $summary; silver.rides after: $silver_killed, $versions_killed version(s); rerun without the fault: $state2, $silver_rerun"
[[ $killed == worker* && $state == FINISHED && $lost -gt 0 && -n $lost_tasks && $retried -gt 0 && $versions_killed == 1 && -n $s_in \
  && $s_in == $(( ${s_kept:-0} + ${s_q:-0} + ${s_d:-0} )) && $state2 == FINISHED \
  && ${silver_killed#* } == "${silver_rerun#* }" && $silver_killed == *"rows=$s_kept "* ]] && v=ok || v=FAIL
if [[ $v == FAIL && -n $dir ]]; then  # the driver's log outlives the harness's work directory
  mkdir -p target/faults && cp "$dir/logs/lakeforge.log" target/faults/cluster-validate-killed.log 2>/dev/null || true
fi
record_cluster "cluster: worker killed mid-validate" "Spark reruns the lost tasks; FINISHED, silver committed once; rows in = kept + quarantined; a rerun gives the same rows" "$observed" $v

# ---- S3 down mid-stage ----
# An ingest of the same run date (it replaces the day's rows); S3Proxy is killed as soon as the first new data object
# of bronze.rides is written. The driver must fail with exit 5 and one error line, bronze.rides keep its version and
# rows, and the rerun after S3 is back complete with the same rows.
marker="$c/marker"; touch "$marker"; sleep 1  # 1 s: file times may be whole seconds
submit_cluster ingest-cut ingest
pid=$submit_pid
n=$(interrupt_when_written "$pid" "$blobs/lake/bronze/rides" '*.parquet' c_s3_kill)
cut="S3Proxy killed after $n data objects"
if [[ $n == none ]]; then cut="ingest finished before any object was written"; fi
wait "$pid" || true
state=$(driver_state ingest-cut)
dir=$(driver_dir "$(driver_of ingest-cut)")
cut_line=$(grep -m1 '^lakeforge: ' "$dir/stderr" 2>/dev/null | cut -c1-180 || true)
cut_lines=$(grep -c '^lakeforge: ' "$dir/stderr" 2>/dev/null || true)
# What the user sees is spark-submit's console; the driver's stderr on the worker is a log (Spark's and Hadoop's
# threads print there too), so its traces are reported, and only the console must have none.
cut_traces=$(grep -cE '^\s+at [a-zA-Z_$.]+\(|Exception in thread' "$c/console/ingest-cut.log" 2>/dev/null || true)
driver_traces=$(grep -cE '^\s+at [a-zA-Z_$.]+\(' "$dir/stderr" 2>/dev/null || true)
first_trace=$(grep -m1 -oE '^[a-zA-Z_$.]+\.[A-Za-z]*(Exception|Error)[^ ]*' "$dir/stderr" 2>/dev/null || true)
# The driver's exit code, which standalone's spark-submit does not pass on, is in the driver's own log.
exit_line=$(grep -ohE 'lakeforge exit code [0-9]+' "$dir/logs/lakeforge.log" 2>/dev/null | tail -n 1 || true)
c_s3 restart
bronze_after=$(c_checksum bronze.rides)
state2=$(cluster_stage ingest-2 ingest)
bronze_rerun=$(c_checksum bronze.rides)
observed="$cut: driver $state, $exit_line, $cut_lines error line(s), $cut_traces stack-trace lines on the console ($driver_traces in the driver's stderr${first_trace:+, first $first_trace}), \"$cut_line\"; bronze.rides after the restart: $bronze_after (before: $bronze_before); rerun $state2 -> $bronze_rerun"
[[ $cut == "S3Proxy killed"* && $state == FAILED && $exit_line == "lakeforge exit code 5" \
  && $cut_line == "lakeforge: external service unavailable: "* && $cut_lines == 1 && $cut_traces == 0 \
  && $bronze_before == *" rows="* && $bronze_after == "$bronze_before" \
  && $state2 == FINISHED && ${bronze_rerun#* } == "${bronze_before#* }" ]] && v=ok || v=FAIL
record_cluster "cluster: S3 down mid-ingest" "driver FAILED with exit 5 and one error line; bronze keeps its version and rows; the rerun writes them once" "$observed" $v

# ---- secrets: nothing the cluster cases left behind holds the S3 keys ----
# Driver and executor work directories, worker and master logs, console output, the lake's Delta logs on S3Proxy.
scanned=$(find "$c" -type f ! -path "$c/s3/s3proxy.conf" ! -path "$c/s3/env" | wc -l)
hits=$(find "$c" -type f ! -path "$c/s3/s3proxy.conf" ! -path "$c/s3/env" -print0 \
  | xargs -0 grep -laF -e "$AWS_SECRET_ACCESS_KEY" -e "$AWS_ACCESS_KEY_ID" 2>/dev/null || true)
control=$(grep -cF -e "$AWS_SECRET_ACCESS_KEY" -e "$AWS_ACCESS_KEY_ID" "$c/s3/s3proxy.conf" || true)
[[ -z $hits && $scanned -gt 0 && $control -ge 2 ]] && v=ok || v=FAIL
record_cluster "cluster: secrets in anything written" "the S3 keys appear in no log, work directory or table" \
  "$(wc -w <<<"$hits") files with a key among $scanned scanned${hits:+: $(tr '\n' ' ' <<<"$hits")}; control: $control lines of S3Proxy's own config match" $v
