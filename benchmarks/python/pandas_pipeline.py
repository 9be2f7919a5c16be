"""The single-machine peer of the demo pipeline: what a small team would write instead of Lakeforge.

One process, pandas + xgboost: read the flights Parquet and airports CSV, drop bad and duplicate rows, build the
features of the demo's `flights_delay` training set, train on January-May 2001, measure AUC on June, score one day
and write it as Parquet. Prints one JSON object with the seconds of each step, the rows and the AUC.

  python pandas_pipeline.py FLIGHTS_PARQUET AIRPORTS_CSV HOLIDAYS_CSV OUT_DIR [THREADS] [ROUNDS]

It hand-codes what conf/pipelines/flights.yaml declares (it is the peer of that config, not a general tool):
the same validation rules, the 15 row features (time parts, holiday flag, distance, indexes, destination frequency,
smoothed origin target mean fit on the training window, airport coordinates) and the three feature sets' 10 trailing
window aggregates over strictly earlier flights (count; mean, stddev and max with a 2-hour lag), each attached as of
the flight's departure within the set's ttl; the same XGBoost params and rounds.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

source, airports_csv, holidays_csv, out_dir = sys.argv[1:5]
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 100
VALIDATE_FROM, VALIDATE_UNTIL = pd.Timestamp("2001-06-01"), pd.Timestamp("2001-07-01")
seconds = {}


def timed(step):
    def wrap(fn):
        start = time.perf_counter()
        value = fn()
        seconds[step] = round(time.perf_counter() - start, 3)
        return value
    return wrap


def read():
    flights = pd.read_parquet(source)
    flights["date"] = pd.to_datetime(flights["date"])
    airports = pd.read_csv(airports_csv)
    holidays = pd.to_datetime(pd.read_csv(holidays_csv)["date"])
    return flights, airports, holidays


flights, airports, holidays = timed("read")(read)
rows_in = len(flights)


def clean():
    known = set(airports.iata.dropna())
    ok = flights.dropna(subset=["date", "delay"])
    ok = ok[ok.origin.str.fullmatch(r"[A-Z0-9]{3}", na=False) & ok.destination.str.fullmatch(r"[A-Z0-9]{3}", na=False)
            & ok.origin.isin(known) & ok.destination.isin(known) & ok.distance.between(1, 6000)
            & ok.delay.between(-120, 1800) & (ok.origin != ok.destination)]
    return ok.reset_index(drop=True)  # the config declares no dedup keys for flights


kept = timed("validate")(clean)


def window_features(events, entity, specs):
    """One row per (entity, time): for each (name, aggregate, values, window, lag) the aggregate of `values` over
    the entity's events in [t - lag - window, t - lag). Sums, counts and moments are differences of running totals
    found by binary search; max is a time-based rolling max evaluated at the lagged query times."""
    events = events.assign(_entity=events.groupby(entity, sort=False).ngroup()).sort_values(["_entity", "date"])
    parts = {"_n": ("date", "size")}
    for name, aggregate, values, _, _ in specs:
        if values is not None:
            events[name + "_x"] = values(events).astype("float64")
            events[name + "_xx"] = events[name + "_x"] ** 2
            parts.update({name + "_s": (name + "_x", "sum"), name + "_q": (name + "_xx", "sum"),
                          name + "_m": (name + "_x", "max")})
    grouped = events.groupby(["_entity", "date"], sort=True).agg(**parts).reset_index()
    grouped = grouped.merge(events.drop_duplicates("_entity")[["_entity", *entity]], on="_entity")
    # Entity-major sort key in whole seconds (departure times are whole seconds).
    base = grouped._entity.to_numpy(np.int64) << 34
    key = base + grouped.date.to_numpy("datetime64[s]").astype(np.int64)
    starts = np.searchsorted(key, base, side="left")
    out = grouped[[*entity, "date"]].copy()

    def upto(column, offset_s):
        """Sum of `column` over the entity's rows strictly before t - offset."""
        totals = np.concatenate([[0.0], np.cumsum(grouped[column].to_numpy(np.float64))])
        idx = np.maximum(np.searchsorted(key, key - offset_s, side="left"), starts)
        return totals[idx] - totals[starts]

    for name, aggregate, values, window, lag in specs:
        w_s, lag_s = int(window.total_seconds()), int(lag.total_seconds())
        n = upto("_n", lag_s) - upto("_n", lag_s + w_s)
        if aggregate == "count":
            out[name] = n
            continue
        total = upto(name + "_s", lag_s) - upto(name + "_s", lag_s + w_s)
        if aggregate == "mean":
            out[name] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        elif aggregate == "stddev":
            squares = upto(name + "_q", lag_s) - upto(name + "_q", lag_s + w_s)
            var = (squares - total * total / np.maximum(n, 1)) / np.maximum(n - 1, 1)
            out[name] = np.where(n > 1, np.sqrt(np.maximum(var, 0.0)), np.nan)
        elif aggregate == "max":
            # Query rows at t - lag with no value: the rolling max over the closed-left window is the answer.
            query = grouped[["_entity", "date"]].assign(date=grouped.date - lag, _v=np.nan, _q=np.arange(len(grouped)))
            data = grouped[["_entity", "date"]].assign(_v=grouped[name + "_m"], _q=-1)
            both = pd.concat([data, query]).sort_values(["_entity", "date", "_q"], kind="stable")
            rolled = both.groupby("_entity").rolling(window, on="date", closed="left")._v.max()
            both["_r"] = rolled.to_numpy()  # indexed by (entity, date), in the order of `both`, already sorted so
            picked = both[both._q >= 0].sort_values("_q")
            out[name] = picked._r.to_numpy()
    return out


def as_of(spine, table, entity, ttl):
    """Each spine row's latest feature row at or before its time, within ttl."""
    table = table.sort_values("date")
    return pd.merge_asof(spine.sort_values("date"), table, on="date", by=entity, tolerance=ttl,
                         direction="backward")


late = lambda f: (f.delay > 15).astype("float64")
delay = lambda f: f.delay
H2 = pd.Timedelta(hours=2)
FEATURE_SETS = [  # (entity, ttl, [(name, aggregate, values, window, lag)])
    (["origin"], pd.Timedelta(days=1), [
        ("origin_flights_1h", "count", None, pd.Timedelta(hours=1), pd.Timedelta(0)),
        ("origin_flights_24h", "count", None, pd.Timedelta(hours=24), pd.Timedelta(0)),
        ("origin_late_share_24h", "mean", late, pd.Timedelta(hours=24), H2),
        ("origin_mean_delay_7d", "mean", delay, pd.Timedelta(days=7), H2)]),
    (["destination"], pd.Timedelta(days=1), [
        ("destination_flights_24h", "count", None, pd.Timedelta(hours=24), pd.Timedelta(0)),
        ("destination_late_share_24h", "mean", late, pd.Timedelta(hours=24), H2)]),
    (["origin", "destination"], pd.Timedelta(days=14), [
        ("route_flights_7d", "count", None, pd.Timedelta(days=7), pd.Timedelta(0)),
        ("route_mean_delay_7d", "mean", delay, pd.Timedelta(days=7), H2),
        ("route_delay_stddev_7d", "stddev", delay, pd.Timedelta(days=7), H2),
        ("route_max_delay_7d", "max", delay, pd.Timedelta(days=7), H2)]),
]


def features():
    f = kept[["date", "origin", "destination", "distance", "delay"]].copy()
    f["label"] = (f.delay > 15).astype("int8")
    fit = f.date < VALIDATE_FROM
    coords = airports.drop_duplicates("iata").set_index("iata")
    for side in ("origin", "destination"):
        for column in ("state", "latitude", "longitude"):
            f[f"{side}_{column}"] = f[side].map(coords[column])
    f["hour"] = f.date.dt.hour
    f["day_of_week"] = (f.date.dt.dayofweek + 1) % 7 + 1  # Spark's: 1 = Sunday
    f["month"] = f.date.dt.month
    f["day_of_month"] = f.date.dt.day
    f["holiday"] = f.date.dt.normalize().isin(set(holidays)).astype("float64")
    for name, column in (("origin_index", "origin"), ("destination_index", "destination"),
                         ("origin_state_index", "origin_state")):
        counts = f[column].value_counts(dropna=False).reset_index()  # most frequent first, ties by value; null too
        order = counts.sort_values(["count", column], ascending=[False, True])[column]
        f[name] = f[column].map(pd.Series(np.arange(len(order), dtype="float64"), index=order.to_numpy()))
    shares = f.loc[fit, "destination"].value_counts(normalize=True)
    f["destination_frequency"] = f.destination.map(shares).fillna(0.0)
    prior, m = f.loc[fit, "label"].mean(), 50.0
    stats = f.loc[fit].groupby("origin").label.agg(["sum", "count"])
    f["origin_late_rate"] = f.origin.map((stats["sum"] + m * prior) / (stats["count"] + m)).fillna(prior)
    for entity, ttl, specs in FEATURE_SETS:
        f = as_of(f, window_features(kept, entity, specs), entity, ttl)
    return f.sort_values("date").reset_index(drop=True)


frame = timed("features")(features)
names = ["hour", "day_of_week", "month", "day_of_month", "holiday", "distance", "origin_index", "destination_index",
         "origin_state_index", "destination_frequency", "origin_late_rate", "origin_latitude", "origin_longitude",
         "destination_latitude", "destination_longitude"] + [s[0] for _, _, specs in FEATURE_SETS for s in specs]
train = frame[frame.date < VALIDATE_FROM]
valid = frame[(frame.date >= VALIDATE_FROM) & (frame.date < VALIDATE_UNTIL)]
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
    day = valid[valid.date.dt.normalize() == pd.Timestamp("2001-06-15")]
    out = day[["date", "origin", "destination"]].copy()
    out["probability"] = booster.predict(xgb.DMatrix(day[names].to_numpy(np.float32)))
    out.to_parquet(out_dir + "/predictions-2001-06-15.parquet", index=False)
    return len(out)


scored = timed("score")(score)
print(json.dumps({"rows_in": rows_in, "rows_kept": len(kept), "train_rows": len(train), "validation_rows": len(valid),
                  "features": len(names), "rounds": rounds, "threads": threads, "auc_roc": round(auc, 4),
                  "rows_scored": scored, "seconds": seconds, "total_seconds": round(sum(seconds.values()), 3)}))
