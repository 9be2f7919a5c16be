#!/usr/bin/env bash
# Creates (once) a Python venv under .venv/NAME with pinned packages: scripts/venv.sh NAME PKG==VER ...
# (pip arguments such as -r requirements.txt -c constraints.txt work too)
# Prints the venv's path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=$1
shift
venv="$root/.venv/$name"
stamp="$venv/.lakeforge-requirements"
wanted="$*"
# Requirement and constraint files count by content, so editing them rebuilds the venv.
for arg in "$@"; do
  if [[ -f "$arg" ]]; then wanted="$wanted $(sha256sum "$arg" | cut -c1-16)"; fi
done
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  echo "venv: creating $venv with $wanted" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
  echo "$wanted" > "$stamp"
fi
echo "$venv"
