"""The single-machine peer of the demo pipeline: what a small team would write instead of Lakeforge.

One process, pandas + xgboost: read the flights Parquet, drop bad and duplicate rows, build features, train on
January-May 2001, measure AUC on June, score one day and write it as Parquet. Prints one JSON object with the
seconds of each step, the rows and the AUC.

  python pandas_pipeline.py FLIGHTS_PARQUET OUT_DIR [THREADS] [ROUNDS]

Features: the seven row features of the demo's `flights_delay_thin` training set (hour, day of week, month, day of
month, distance, origin and destination indexes) plus each origin's late share over the previous day (known before
any of that day's departures), the kind of history feature Lakeforge's feature sets compute point-in-time.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

source, out_dir = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 100
seconds = {}


def timed(step):
    def wrap(fn):
        start = time.perf_counter()
        value = fn()
        seconds[step] = round(time.perf_counter() - start, 3)
        return value
    return wrap


flights = timed("read")(lambda: pd.read_parquet(source))
rows_in = len(flights)


def clean():
    ok = flights.dropna(subset=["date", "delay", "distance", "origin", "destination"])
    ok = ok[ok.origin.str.fullmatch(r"[A-Z0-9]{3}") & ok.destination.str.fullmatch(r"[A-Z0-9]{3}")
            & ok.distance.between(1, 6000) & (ok.delay >= -120)]
    return ok.drop_duplicates(subset=["date", "origin", "destination"])


kept = timed("validate")(clean)


def features():
    f = kept.copy()
    f["date"] = pd.to_datetime(f["date"])
    f["hour"] = f.date.dt.hour
    f["day_of_week"] = f.date.dt.dayofweek
    f["month"] = f.date.dt.month
    f["day_of_month"] = f.date.dt.day
    train_window = f.date < "2001-06-01"
    for column in ("origin", "destination"):  # indexes fit on the training window, unseen values -> -1
        vocab = {v: i for i, v in enumerate(f.loc[train_window, column].value_counts().index)}
        f[column + "_index"] = f[column].map(vocab).fillna(-1).astype("int32")
    f["label"] = (f.delay > 15).astype("int8")
    f["day"] = f.date.dt.normalize()
    daily = f.groupby(["origin", "day"]).label.mean().rename("origin_late_rate_prev_day").reset_index()
    daily["day"] = daily.day + pd.Timedelta(days=1)
    return f.merge(daily, on=["origin", "day"], how="left")


frame = timed("features")(features)
names = ["hour", "day_of_week", "month", "day_of_month", "distance", "origin_index", "destination_index",
         "origin_late_rate_prev_day"]
train = frame[frame.date < "2001-06-01"]
valid = frame[(frame.date >= "2001-06-01") & (frame.date < "2001-07-01")]
params = {"max_depth": 6, "eta": 0.1, "tree_method": "hist", "seed": 42, "nthread": threads,
          "objective": "binary:logistic", "eval_metric": "auc"}


def fit():
    matrix = xgb.DMatrix(train[names].to_numpy(np.float32), label=train.label.to_numpy())
    return xgb.train(params, matrix, num_boost_round=rounds)


booster = timed("train")(fit)


def evaluate():
    p = booster.predict(xgb.DMatrix(valid[names].to_numpy(np.float32)))
    return float(roc_auc_score(valid.label, p))


auc = timed("evaluate")(evaluate)


def score():
    day = valid[valid.day == "2001-06-15"]
    out = day[["date", "origin", "destination"]].copy()
    out["probability"] = booster.predict(xgb.DMatrix(day[names].to_numpy(np.float32)))
    out.to_parquet(out_dir + "/predictions-2001-06-15.parquet", index=False)
    return len(out)


scored = timed("score")(score)
print(json.dumps({"rows_in": rows_in, "rows_kept": len(kept), "train_rows": len(train), "validation_rows": len(valid),
                  "features": len(names), "rounds": rounds, "threads": threads, "auc_roc": round(auc, 4),
                  "rows_scored": scored, "seconds": seconds, "total_seconds": round(sum(seconds.values()), 3)}))
