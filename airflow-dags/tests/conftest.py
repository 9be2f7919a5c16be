import sys
from pathlib import Path

# The DAG folder is on Airflow's path when it parses DAGs; the tests import its helper module the same way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
