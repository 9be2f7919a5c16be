#!/usr/bin/env bash
# Waits until a server started in the background answers, or says why not; sourced by the *-server.sh scripts.
#   wait_for_server NAME PIDFILE LOG SECONDS PROBE...   PROBE is a command that succeeds once the server answers
wait_for_server() {
  local name=$1 pidfile=$2 log=$3 seconds=$4
  shift 4
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name: the server exited; its log:" >&2
      tail -n 30 "$log" >&2
      exit 5
    fi
    sleep 1
  done
  echo "$name: no answer after $seconds s; see $log" >&2
  exit 5
}
