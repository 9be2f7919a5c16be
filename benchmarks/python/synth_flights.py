"""Scales the flights data to N times its rows with the same shape, for the scale benchmark.

  python synth_flights.py SOURCE_PARQUET OUT_PARQUET FACTOR [SEED]

Copy k (0..FACTOR-1) of every flight departs k seconds later (the source's times are whole minutes, so keys stay
unique), keeps its airports and distance, and has its delay moved by a seeded random -3..3 minutes: the same
airports, dates, distributions and label balance at FACTOR times the density. Written in row groups, so memory
stays near one copy of the source.
"""
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

source, target, factor = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
table = pq.read_table(source)
assert pc.all(pc.equal(pc.second(table["date"]), 0)).as_py(), "source times must be whole minutes"
with pq.ParquetWriter(target, table.schema) as writer:
    for k in range(factor):
        shifted = pc.add(table["date"], pa.scalar(np.timedelta64(k, "s")))
        delay = table["delay"].to_numpy(zero_copy_only=False)
        moved = delay if k == 0 else delay + rng.integers(-3, 4, size=len(delay))
        copy = table.set_column(table.schema.get_field_index("date"), "date", shifted.cast(table.schema.field("date").type))
        copy = copy.set_column(copy.schema.get_field_index("delay"), "delay", pa.array(moved, type=table.schema.field("delay").type))
        writer.write_table(copy, row_group_size=1_000_000)
print(f"{target}: {factor * table.num_rows} rows ({factor} x {table.num_rows})")
