"""Compares the probabilities of two score exports of the same rows: the train/serve parity check.

    compare-exports.py EXPORT_A EXPORT_B [--tolerance 1e-9]

Rows are matched on the columns both exports share that are not scoring outputs (the spine's keys and event time);
keys may repeat, and a null key matches a null key.
Prints the rows of each, the rows matched, the rows only in one of them and the largest probability difference;
exits 1 when a matched probability or prediction differs by more than the tolerance, a row is in one export only,
or nothing matched.
"""

from __future__ import annotations

import argparse
import math
import sys

import pyarrow.dataset as ds

# Columns ScoreStage adds to every export row (see its Javadoc); the rest identify the row.
OUTPUTS = {"prediction", "probability", "model_name", "model_version", "model_alias", "mlflow_run_id", "input_table",
           "scoring_run_id", "scored_at", "run_date"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    a = ds.dataset(args.a, format="parquet").to_table()
    b = ds.dataset(args.b, format="parquet").to_table()
    keys = [c for c in a.schema.names if c in b.schema.names and c not in OUTPUTS]
    if not keys:
        print(f"compare-exports: {args.a} and {args.b} share no key columns", file=sys.stderr)
        return 2
    pick = keys + ["prediction", "probability"]
    # Keys need not be unique (two flights of one route at the same time): rows are matched as multisets, each key's
    # rows paired in order of probability, which pairs them as closely as any pairing can.
    groups_a, groups_b = group(a.select(pick).to_pylist(), keys), group(b.select(pick).to_pylist(), keys)
    matched = sum(min(len(groups_a[k]), len(groups_b.get(k, []))) for k in groups_a)
    print(f"compare-exports: {a.num_rows} rows in {args.a}, {b.num_rows} in {args.b}, {matched} matched on "
          f"{', '.join(keys)}; {a.num_rows - matched} only in the first, {b.num_rows - matched} only in the second")
    if matched == 0:
        return 1
    difference, predictions = 0.0, 0
    for key, rows_a in groups_a.items():
        for (p_a, pred_a), (p_b, pred_b) in zip(rows_a, groups_b.get(key, [])):
            # A probability missing or NaN on one side only is a difference no tolerance allows.
            gap = 0.0 if p_a == p_b or (math.isnan(p_a) and math.isnan(p_b)) else abs(p_a - p_b)
            difference = max(difference, math.inf if math.isnan(gap) else gap)
            predictions += str(pred_a) != str(pred_b)
    print(f"compare-exports: largest probability difference {difference:.3g}, {predictions} predictions differ "
          f"(tolerance {args.tolerance:g})")
    unmatched = a.num_rows - matched + b.num_rows - matched
    return 0 if difference <= args.tolerance and predictions == 0 and unmatched == 0 else 1


def group(rows: list[dict], keys: list[str]) -> dict[tuple, list[tuple[float, object]]]:
    """Each key's (probability, prediction) pairs, sorted."""
    out: dict[tuple, list[tuple[float, object]]] = {}
    for r in rows:
        p = r["probability"]
        out.setdefault(tuple(repr(r[k]) for k in keys), []).append((math.nan if p is None else float(p),
                                                                    r["prediction"]))
    for pairs in out.values():
        pairs.sort(key=lambda pair: (math.isnan(pair[0]), pair[0] if not math.isnan(pair[0]) else 0.0))
    return out

if __name__ == "__main__":
    sys.exit(main())
