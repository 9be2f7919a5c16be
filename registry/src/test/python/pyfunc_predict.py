"""Loads a registered Lakeforge model with MLflow's Python pyfunc loader and compares its predictions with
Lakeforge's own on the same rows. Usage: pyfunc_predict.py MODEL_URI ROWS_CSV
ROWS_CSV holds the model's feature columns (empty = missing) and `expected`, Lakeforge's probability.
Prints one JSON line: rows, max_abs_diff, flavor."""
import json
import sys

import mlflow.pyfunc
import numpy as np
import pandas as pd

uri, rows_csv = sys.argv[1], sys.argv[2]
model = mlflow.pyfunc.load_model(uri)
rows = pd.read_csv(rows_csv)
features = [c["name"] for c in model.metadata.get_input_schema().to_dict()]
predicted = np.asarray(model.predict(rows[features].astype("float64")), dtype="float64").reshape(-1)
diff = np.abs(predicted - rows["expected"].to_numpy(dtype="float64"))
print(json.dumps({"rows": int(len(rows)), "max_abs_diff": float(diff.max()),
                  "flavor": model.metadata.flavors["python_function"]["loader_module"]}))
