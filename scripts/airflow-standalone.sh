#!/usr/bin/env bash
# Runs a local Airflow 3 (standalone: API server, scheduler, DAG processor, triggerer) with the Lakeforge DAGs, so
# you can see and trigger them in the UI at http://127.0.0.1:8080 (the admin password is printed on first start).
# Tasks spark-submit the shaded jar to local[*] with pyspark's spark-submit; build the jar first (mvn package).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml | head -n1)
spark_venv=$(scripts/venv.sh spark "pyspark==$spark_version")
airflow_venv=$(scripts/venv.sh airflow -r airflow-dags/requirements.txt -c airflow-dags/constraints.txt)
export SPARK_HOME=$("$spark_venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_LOCAL_IP=127.0.0.1
export PATH="$airflow_venv/bin:$spark_venv/bin:$PATH"
export AIRFLOW_HOME=${AIRFLOW_HOME:-$root/data/airflow}
export AIRFLOW__CORE__DAGS_FOLDER="$root/airflow-dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW_CONN_SPARK_DEFAULT=${AIRFLOW_CONN_SPARK_DEFAULT:-'{"conn_type": "spark", "host": "local[*]"}'}
export LAKEFORGE_HOME="$root"
export MLFLOW_TRACKING_URI=${MLFLOW_TRACKING_URI:-http://127.0.0.1:5000}
exec airflow standalone
