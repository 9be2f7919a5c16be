#!/usr/bin/env bash
# Starts S3Proxy (an S3-compatible server, its own JVM process) on loopback with a filesystem backend, a bucket
# and random credentials; prints where its environment is.
#   scripts/s3-server.sh [start|stop|restart]   env: S3_PORT (default 19000), S3_HOME (default /tmp/lakeforge-s3),
#                                       S3_BUCKET (default lakeforge)
#   after start: source "$S3_HOME/env" for LAKEFORGE_S3_ENDPOINT, LAKEFORGE_S3_BUCKET and the AWS_* credentials
#   start begins empty with new credentials; restart keeps the stored objects and credentials (an outage ending)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
S3PROXY_VERSION=2.6.0
port=${S3_PORT:-19000}
home=${S3_HOME:-/tmp/lakeforge-s3}
bucket=${S3_BUCKET:-lakeforge}
pidfile="$home/server.pid"

mode=${1:-start}
if [[ $mode == stop ]]; then
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    echo "s3: stopped"
  fi
  exit 0
fi

jar="$root/target/tools/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
if [[ ! -f "$jar" ]]; then
  mvn -q -B dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
    -DoutputDirectory="$root/target/tools" -f "$root/pom.xml" -N
fi
if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "s3: already running at http://127.0.0.1:$port"
  exit 0
fi
if [[ $mode != restart || ! -f "$home/s3proxy.conf" ]]; then
  rm -rf "$home"
  mkdir -p "$home/blobs/$bucket"
  umask 077
  key=$(python3 -c 'import secrets; print("AK" + secrets.token_hex(9).upper())')
  secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')
  cat > "$home/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$key
s3proxy.credential=$secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$home/blobs
CONF
fi
setsid nohup java -Xmx512m -jar "$jar" --properties "$home/s3proxy.conf" > "$home/server.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
if [[ ! -f "$home/env" ]]; then
  cat > "$home/env" <<ENV
export LAKEFORGE_S3_ENDPOINT=http://127.0.0.1:$port
export LAKEFORGE_S3_BUCKET=$bucket
export AWS_ACCESS_KEY_ID=$key
export AWS_SECRET_ACCESS_KEY='$secret'
ENV
fi
# Any HTTP answer (S3Proxy says 403 to an anonymous request) means it is up.
answers() { [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true) =~ ^[2-4] ]]; }
# shellcheck source=scripts/wait-for-server.sh
source "$root/scripts/wait-for-server.sh"
wait_for_server s3 "$pidfile" "$home/server.log" 60 answers
echo "s3: S3Proxy $S3PROXY_VERSION running at http://127.0.0.1:$port (bucket $bucket; env in $home/env)"
