#!/usr/bin/env bash
# Installs (once) Debian's Chromium for the tests that look at the MLflow UI as a person does, and prints its path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  echo "chromium: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }
fi
command -v chromium
