#!/usr/bin/env bash
# Creates (once) a Python venv under .venv/NAME with pinned packages: scripts/venv.sh NAME PKG==VER ...
# Prints the venv's path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=$1
shift
venv="$root/.venv/$name"
stamp="$venv/.lakeforge-requirements"
wanted="$*"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  echo "venv: creating $venv with $wanted" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
  echo "$wanted" > "$stamp"
fi
echo "$venv"
