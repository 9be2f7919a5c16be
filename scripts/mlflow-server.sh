#!/usr/bin/env bash
# Starts a real MLflow tracking server on loopback (SQLite backend, proxied artifacts) and waits until it answers.
#   scripts/mlflow-server.sh [start|stop]   env: MLFLOW_PORT (default 5000), MLFLOW_HOME (default data/mlflow),
#   MLFLOW_VERSION (default 3.17.2; 2.22.1 for the compatibility tests), MLFLOW_ALLOWED_HOSTS (more host:port names
#   clients use to reach an MLflow 3 server, comma-separated; loopback is always allowed)
# With MLFLOW_PROXY_PORT and MLFLOW_PROXY_PREFIX (e.g. /mlflow) it also starts scripts/prefix-proxy.py, which serves
# the server at http://127.0.0.1:$MLFLOW_PROXY_PORT$MLFLOW_PROXY_PREFIX, as a site's reverse proxy would.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MLFLOW_VERSION=${MLFLOW_VERSION:-3.17.2}
port=${MLFLOW_PORT:-5000}
home=${MLFLOW_HOME:-$root/data/mlflow}
pidfile="$home/server.pid"
url="http://127.0.0.1:$port"

if [[ "${1:-start}" == stop ]]; then
  if [[ -f "$home/proxy.pid" ]]; then
    kill "$(cat "$home/proxy.pid")" 2>/dev/null || true
    rm -f "$home/proxy.pid"
  fi
  if [[ -f "$pidfile" ]]; then
    # The whole process group (setsid below): killing only the CLI would leave its gunicorn workers serving.
    kill -- "-$(cat "$pidfile")" 2>/dev/null || kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    echo "mlflow: stopped"
  fi
  exit 0
fi

# shellcheck source=scripts/wait-for-server.sh
source "$root/scripts/wait-for-server.sh"

# The prefix proxy in front of the server, when asked for (MLFLOW_PROXY_PORT).
start_proxy() {
  [[ -n "${MLFLOW_PROXY_PORT:-}" ]] || return 0
  local proxied="http://127.0.0.1:$MLFLOW_PROXY_PORT${MLFLOW_PROXY_PREFIX:-/mlflow}"
  if ! curl -fsS "$proxied/api/2.0/mlflow/experiments/search?max_results=1" >/dev/null 2>&1; then
    setsid nohup python3 "$root/scripts/prefix-proxy.py" "$MLFLOW_PROXY_PORT" "${MLFLOW_PROXY_PREFIX:-/mlflow}" "$url" \
      > "$home/proxy.log" 2>&1 < /dev/null &
    echo $! > "$home/proxy.pid"
    wait_for_server prefix-proxy "$home/proxy.pid" "$home/proxy.log" 30 \
      curl -fsS "$proxied/api/2.0/mlflow/experiments/search?max_results=1"
  fi
  echo "mlflow: also at $proxied (prefix proxy, log: $home/proxy.log)"
}

if curl -fsS "$url/health" >/dev/null 2>&1; then
  echo "mlflow: already running at $url"
  start_proxy
  exit 0
fi
venv=$("$root/scripts/mlflow-venv.sh" "$MLFLOW_VERSION")
extra=()
if [[ $MLFLOW_VERSION != 2.* ]]; then
  # MLflow 3 answers 403 "Invalid Host header" to a Host it was not told about (DNS-rebinding protection).
  extra=(--allowed-hosts "127.0.0.1:$port,localhost:$port${MLFLOW_ALLOWED_HOSTS:+,$MLFLOW_ALLOWED_HOSTS}")
fi
mkdir -p "$home/artifacts"
# setsid: the server outlives this script (the demo leaves it running for the UI).
setsid nohup "$venv/bin/mlflow" server --host 127.0.0.1 --port "$port" --workers 1 \
  --backend-store-uri "sqlite:///$home/mlflow.db" \
  --serve-artifacts --artifacts-destination "$home/artifacts" "${extra[@]}" \
  > "$home/server.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
wait_for_server mlflow "$pidfile" "$home/server.log" 120 curl -fsS "$url/health"
echo "mlflow: $MLFLOW_VERSION running at $url (UI: $url, log: $home/server.log)"
start_proxy
