#!/usr/bin/env bash
# Creates (once) and prints the venv of one MLflow version: scripts/mlflow-venv.sh [VERSION]
# VERSION defaults to $MLFLOW_VERSION, then 3.17.2 (the server and Python client the project is tested with);
# 2.22.1 is the compatibility line. `scripts/mlflow-venv.sh --pyfunc` is the Python side of registered models:
# MLflow 3.17.2 with XGBoost, as a user loads them with mlflow.pyfunc.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ${1:-} == --pyfunc ]]; then
  exec "$root/scripts/venv.sh" pyfunc "mlflow==3.17.2" "xgboost-cpu==3.2.0"
fi
version=${1:-${MLFLOW_VERSION:-3.17.2}}
if [[ $version == 2.* ]]; then
  # SQLAlchemy 2.1 removed a pool class MLflow 2.22 imports: keep 2.0.
  exec "$root/scripts/venv.sh" "mlflow-$version" "mlflow==$version" "sqlalchemy==2.0.58"
fi
exec "$root/scripts/venv.sh" "mlflow-$version" "mlflow==$version"
