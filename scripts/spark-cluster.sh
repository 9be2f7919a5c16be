#!/usr/bin/env bash
# A Spark standalone cluster on loopback from the pip pyspark the tests already use (scripts/venv.sh): one master and
# SPARK_WORKERS workers (default 2), each with its own work directory, cores and a memory limit. Stages submitted
# with --deploy-mode cluster run their driver inside a worker, as on YARN or Kubernetes, so lake, state and models
# must be on shared storage (S3Proxy from scripts/s3-server.sh): the workers share nothing else. Each worker offers
# 2 cores and 3g: a cluster-mode driver takes a core and its memory from a worker, and XGBoost with two workers
# needs two executor cores at once (a barrier stage), so 1-core workers would leave one slot and hang training.
# Drivers and executors inherit the workers' environment: start it with the AWS_* credentials in the environment
# (as an instance profile gives them on a real cluster), never as --conf values.
#   scripts/spark-cluster.sh [start|stop|status]
#   env: SPARK_MASTER_PORT (default 7177), SPARK_MASTER_WEBUI_PORT (default 8180; worker i serves 8180+i),
#        SPARK_WORKERS (2), SPARK_WORKER_CORES (2), SPARK_WORKER_MEMORY (3g),
#        SPARK_CLUSTER_HOME (/tmp/lakeforge-spark-cluster), SPARK_MASTER_OPTS (the master's -D settings, e.g.
#        -Dspark.worker.timeout=15 to declare a lost worker dead sooner)
#   `start` leaves running daemons alone and starts any that is not running (a worker that was killed).
#   after start: source "$SPARK_CLUSTER_HOME/env" for LAKEFORGE_SPARK_MASTER, LAKEFORGE_SPARK_MASTER_UI, SPARK_HOME
# pip's pyspark has sbin/spark-daemon.sh but not start-master.sh/start-worker.sh; the daemon script is what those
# call, so it starts Master and Worker here.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${SPARK_MASTER_PORT:-7177}
ui=${SPARK_MASTER_WEBUI_PORT:-8180}
workers=${SPARK_WORKERS:-2}
memory=${SPARK_WORKER_MEMORY:-3g}
cores=${SPARK_WORKER_CORES:-2}
home=${SPARK_CLUSTER_HOME:-/tmp/lakeforge-spark-cluster}
mode=${1:-start}

spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/pom.xml" | head -n1)
spark_venv=$("$root/scripts/venv.sh" spark "pyspark==$spark_version")
SPARK_HOME=$("$spark_venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
# Everything on loopback; daemons' logs and pid files under the cluster's home, not $SPARK_HOME.
export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$home/logs" SPARK_PID_DIR="$home/pids" SPARK_IDENT_STRING=lakeforge
daemon="$SPARK_HOME/sbin/spark-daemon.sh"
master_class=org.apache.spark.deploy.master.Master
worker_class=org.apache.spark.deploy.worker.Worker

alive_workers() {
  curl -sfL "http://127.0.0.1:$ui/json/" | python3 -c \
    'import json, sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))' 2>/dev/null || echo 0
}

if [[ $mode == stop ]]; then
  for i in $(seq "$workers" -1 1); do "$daemon" stop "$worker_class" "$i" >/dev/null 2>&1 || true; done
  "$daemon" stop "$master_class" 1 >/dev/null 2>&1 || true
  echo "spark-cluster: stopped"
  exit 0
fi
if [[ $mode == status ]]; then
  echo "spark-cluster: $(alive_workers) of $workers workers alive at spark://127.0.0.1:$port (UI http://127.0.0.1:$ui)"
  exit 0
fi

# running CLASS N: the daemon's process is alive (a start leaves a running one alone and starts a dead one again, so
# `start` also brings back a worker that was killed).
running() {
  local pid_file="$home/pids/spark-$SPARK_IDENT_STRING-$1-$2.pid"
  [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}
all_running() {
  local i
  running "$master_class" 1 || return 1
  for i in $(seq 1 "$workers"); do running "$worker_class" "$i" || return 1; done
}
if [[ $(alive_workers) -ge $workers ]] && all_running; then
  echo "spark-cluster: already running at spark://127.0.0.1:$port"
  exit 0
fi
mkdir -p "$home/logs" "$home/pids"
running "$master_class" 1 || "$daemon" start "$master_class" 1 --host 127.0.0.1 --port "$port" --webui-port "$ui" >/dev/null
for i in $(seq 1 "$workers"); do
  running "$worker_class" "$i" && continue
  # Each worker its own work directory: drivers in cluster mode run there, so what one writes the others cannot see.
  mkdir -p "$home/work-$i"
  "$daemon" start "$worker_class" "$i" "spark://127.0.0.1:$port" --host 127.0.0.1 --cores "$cores" --memory "$memory" \
    --work-dir "$home/work-$i" --webui-port $((ui + i)) >/dev/null
done
for _ in $(seq 1 90); do
  if [[ $(alive_workers) -ge $workers ]]; then
    cat > "$home/env" <<ENV
export LAKEFORGE_SPARK_MASTER=spark://127.0.0.1:$port
export LAKEFORGE_SPARK_MASTER_UI=http://127.0.0.1:$ui
export SPARK_HOME=$SPARK_HOME
ENV
    echo "spark-cluster: master spark://127.0.0.1:$port with $workers workers ($cores cores, $memory each; UI" \
      "http://127.0.0.1:$ui; env in $home/env)"
    exit 0
  fi
  sleep 1
done
echo "spark-cluster: $(alive_workers) of $workers workers registered after 90 s; logs in $home/logs:" >&2
tail -n 20 "$home"/logs/*.out >&2 || true
exit 5
