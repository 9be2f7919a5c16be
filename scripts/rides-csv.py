"""The fault harness's own data: rides over October 2026, late when the minutes per km run above a noisy threshold.

    rides-csv.py OUT ROWS SEED     writes OUT as CSV (id,ts,km,minutes,late); the same SEED gives the same file
"""
import random
import sys
from datetime import datetime, timedelta


def main() -> None:
    out, rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    start = datetime(2026, 10, 1)
    with open(out, "w") as f:
        f.write("id,ts,km,minutes,late\n")
        for i in range(rows):
            km = round(rng.uniform(0.5, 40), 2)
            minutes = round(km * rng.uniform(1.5, 4.0) + rng.gauss(0, 3), 1)
            late = 1 if minutes / km + rng.gauss(0, 0.5) > 3.0 else 0
            ts = start + timedelta(seconds=rng.randrange(31 * 86400))
            f.write(f"{i},{ts:%Y-%m-%d %H:%M:%S},{km},{minutes},{late}\n")


if __name__ == "__main__":
    main()
