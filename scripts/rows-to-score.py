"""Writes one day of a Parquet file's rows without their label columns: "tomorrow's" rows, as a file to score.

    rows-to-score.py SOURCE OUTPUT --time-column COL --day YYYY-MM-DD --drop COL [--drop COL ...]

Rows whose COL is on DAY (from 00:00 inclusive to the next day's 00:00 exclusive, as stored) are kept, the --drop
columns are removed, and OUTPUT (Parquet) is replaced. Prints the row count. Run with any Python that has pyarrow
(the MLflow venv has it: scripts/mlflow-venv.sh prints its path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import pyarrow.dataset as ds
import pyarrow.parquet as pq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("--time-column", required=True)
    parser.add_argument("--day", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--drop", action="append", default=[])
    args = parser.parse_args()

    source = ds.dataset(args.source, format="parquet")
    missing = [c for c in [args.time_column, *args.drop] if c not in source.schema.names]
    if missing:
        print(f"rows-to-score: {args.source} has no column {', '.join(missing)}; its columns are "
              f"{', '.join(source.schema.names)}", file=sys.stderr)
        return 2
    start = dt.datetime.combine(args.day, dt.time())
    time = ds.field(args.time_column)
    rows = source.to_table(filter=(time >= start) & (time < start + dt.timedelta(days=1)),
                           columns=[c for c in source.schema.names if c not in args.drop])
    if rows.num_rows == 0:
        print(f"rows-to-score: {args.source} has no rows with {args.time_column} on {args.day}", file=sys.stderr)
        return 3
    pq.write_table(rows, args.output)
    print(f"rows-to-score: {rows.num_rows} rows of {args.day} without {', '.join(args.drop) or 'no column'} "
          f"-> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
