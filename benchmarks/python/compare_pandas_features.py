"""Checks that the pandas peer (pandas_pipeline.py) computes the same features as Lakeforge, value by value.

  python compare_pandas_features.py FLIGHTS_PARQUET TRAINING_SET_DELTA_DIR

Runs the peer on FLIGHTS_PARQUET (the same file Lakeforge ingested), reads the current version of Lakeforge's
training set from its Delta log, joins the two on (date, origin, destination) and prints, per feature, the share
of rows whose values agree within 1e-6 (both null counts as agreeing). Exit 1 when a feature disagrees anywhere.
"""
import json
import os
import runpy
import sys
import tempfile

import numpy as np
import pandas as pd

flights, table = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))


def current_files(delta_dir):
    """The data files of the table's latest version: every add not later removed, in commit order."""
    log = os.path.join(delta_dir, "_delta_log")
    files = set()
    for commit in sorted(f for f in os.listdir(log) if f.endswith(".json")):
        for line in open(os.path.join(log, commit)):
            action = json.loads(line)
            if "add" in action:
                files.add(action["add"]["path"])
            elif "remove" in action:
                files.discard(action["remove"]["path"])
    return [os.path.join(delta_dir, f) for f in sorted(files)]


with tempfile.TemporaryDirectory() as out:
    sys.argv = ["pandas_pipeline.py", flights, os.path.join(root, "data/raw/airports.csv"),
                os.path.join(root, "conf/calendars/us-federal-holidays.csv"), out, "2", "5"]
    peer = runpy.run_path(os.path.join(here, "pandas_pipeline.py"))
ours = pd.concat([pd.read_parquet(f) for f in current_files(table)])
keys = ["date", "origin", "destination"]
# Duplicate flights (same keys) carry the same features on both sides; one of each is enough to compare.
joined = peer["frame"].drop_duplicates(keys).merge(ours.drop_duplicates(keys), on=keys, suffixes=("_peer", "_ours"))
print(f"rows: peer {len(peer['frame'])}, lakeforge {len(ours)}, compared {len(joined)} distinct keys")
failed = len(peer["frame"]) != len(ours)
for name in peer["names"]:
    a, b = joined[name + "_peer"].astype("float64"), joined[name + "_ours"].astype("float64")
    agree = np.isclose(a, b, rtol=1e-6, atol=1e-6) | (a.isna() & b.isna())
    failed |= not agree.all()
    print(f"  {name:28s} {agree.mean():.6f}" + ("" if agree.all() else
          f"  e.g. peer {a[~agree].iloc[0]} vs lakeforge {b[~agree].iloc[0]}"))
sys.exit(1 if failed else 0)
