#!/usr/bin/env bash
# Starts a private PostgreSQL server (Debian's package, installed when missing) on loopback and prints the
# environment to reach it; the password is random per start and kept in a 0600 file, never printed.
#   scripts/postgres-server.sh [start|stop]   env: PG_PORT (default 54329), PG_HOME (default /tmp/lakeforge-pg)
#   after start: source "$PG_HOME/env" for LAKEFORGE_PG_URL, LAKEFORGE_PG_USER, LAKEFORGE_PG_PASSWORD
set -euo pipefail
port=${PG_PORT:-54329}
home=${PG_HOME:-/tmp/lakeforge-pg}
data="$home/data"

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# initdb and postgres refuse to run as root: run them as the package's postgres user then.
as_owner() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [[ "${1:-start}" == stop ]]; then
  if [[ -f "$data/postmaster.pid" ]]; then
    as_owner "$(bin_dir)/pg_ctl" -D "$data" -m fast stop >/dev/null && echo "postgres: stopped"
  fi
  exit 0
fi

if [[ -z "$(bin_dir)" ]]; then
  echo "postgres: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
fi
bin=$(bin_dir)

if [[ -f "$data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "postgres: already running on 127.0.0.1:$port"
  exit 0
fi
rm -rf "$home"
mkdir -p "$home"
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
umask 077
printf '%s\n' "$password" > "$home/pwfile"
if [[ $(id -u) == 0 ]]; then chown -R postgres "$home"; fi
as_owner "$bin/initdb" -D "$data" -U lakeforge --pwfile="$home/pwfile" -A scram-sha-256 -E UTF8 >"$home/initdb.log"
as_owner "$bin/pg_ctl" -D "$data" -l "$home/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$home" start >/dev/null
PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U lakeforge lakeforge
cat > "$home/env" <<ENV
export LAKEFORGE_PG_URL=jdbc:postgresql://127.0.0.1:$port/lakeforge
export LAKEFORGE_PG_USER=lakeforge
export LAKEFORGE_PG_PASSWORD='$password'
ENV
rm -f "$home/pwfile"
echo "postgres: running on 127.0.0.1:$port (database lakeforge, user lakeforge; env in $home/env)"
