#!/usr/bin/python3
"""The pandas equivalent of replay's rolling z-score, for bench/RESULTS.md:
per sensor, a 600 s time-based rolling mean and stddev (of the previous
readings) and |z| > 5 flagged. Prints rows, flagged count and seconds.

    pandas_zscore.py READINGS.csv
"""
import sys
import time

import pandas as pd

t0 = time.time()
df = pd.read_csv(sys.argv[1], usecols=["timestamp", "machineId", "sensorType", "value"])
df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
df = df.sort_values(["machineId", "sensorType", "timestamp"]).set_index("timestamp")
t1 = time.time()
g = df.groupby(["machineId", "sensorType"])["value"]
mean = g.transform(lambda s: s.rolling("600s", closed="left").mean())
std = g.transform(lambda s: s.rolling("600s", closed="left").std())
flagged = int(((df["value"] - mean).abs() > 5 * std).sum())
t2 = time.time()
print(f"{len(df)} rows, {flagged} flagged, read {t1 - t0:.2f} s, rolling z-score {t2 - t1:.2f} s, "
      f"total {t2 - t0:.2f} s, {len(df) / (t2 - t0) / 1e6:.2f} M rows/s")
