"""Compares the probabilities of two score exports of the same rows: the train/serve parity check.

    compare-exports.py EXPORT_A EXPORT_B [--tolerance 1e-9]

Rows are matched on the columns both exports share that are not scoring outputs (the spine's keys and event time).
Prints the rows of each, the rows matched, the rows only in one of them and the largest probability difference;
exits 1 when a matched probability or prediction differs by more than the tolerance, or nothing matched.
"""

from __future__ import annotations

import argparse
import sys

import pyarrow.compute as pc
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
    joined = a.select(pick).join(b.select(pick), keys=keys, join_type="inner", left_suffix="_a", right_suffix="_b")
    matched = joined.num_rows
    print(f"compare-exports: {a.num_rows} rows in {args.a}, {b.num_rows} in {args.b}, {matched} matched on "
          f"{', '.join(keys)}; {a.num_rows - matched} only in the first, {b.num_rows - matched} only in the second")
    if matched == 0:
        return 1
    difference = pc.max(pc.abs(pc.subtract(joined["probability_a"].cast("double"),
                                          joined["probability_b"].cast("double")))).as_py()
    predictions = pc.sum(pc.not_equal(joined["prediction_a"].cast("string"),
                                      joined["prediction_b"].cast("string")).cast("int64")).as_py() or 0
    print(f"compare-exports: largest probability difference {difference:.3g}, {predictions} predictions differ "
          f"(tolerance {args.tolerance:g})")
    return 0 if difference <= args.tolerance and predictions == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
