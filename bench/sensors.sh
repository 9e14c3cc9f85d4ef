#!/usr/bin/env bash
# Replay benchmarks of bench/RESULTS.md: CSV and JSONL throughput against the
# bare std::from_chars scan, memory on a ~2 GB input, and pandas' rolling
# z-score on the same readings.
#   bench/sensors.sh BUILD_DIR [WORK_DIR]
set -euo pipefail
build=${1:?build dir}
work=${2:-/tmp/twinctl-sensor-bench}
tw="$build/twinctl"
mkdir -p "$work"
t() { /usr/bin/time -f "  %e s wall, %U s user, %S s sys, %M KB max RSS" "$@"; }

"$tw" simulate sensors --sensors 1000 --duration 2h --interval 1 --seed 7 --out "$work/csv" -q
"$tw" simulate sensors --sensors 1000 --duration 2h --interval 1 --seed 7 --format jsonl --out "$work/jsonl" -q
echo "== 7.2M readings, CSV: bare from_chars scan, then replay"
for i in 1 2 3; do t "$build/bench_csv_baseline" "$work/csv/readings.csv"; done
for i in 1 2 3; do t "$tw" replay "$work/csv/readings.csv" -o alerts=/dev/null -o json=/dev/null --fail-on none -q; done
echo "== 7.2M readings, JSONL: replay"
for i in 1 2 3; do t "$tw" replay "$work/jsonl/readings.jsonl" -o alerts=/dev/null -o json=/dev/null --fail-on none -q; done
echo "== pandas rolling z-score vs replay, 200 sensors x 2 h at 1 Hz"
"$tw" simulate sensors --sensors 200 --duration 2h --interval 1 --seed 8 --out "$work/small" -q
t /usr/bin/python3 "$(dirname "$0")/pandas_zscore.py" "$work/small/readings.csv"
t "$tw" replay "$work/small/readings.csv" -o alerts=/dev/null -o json=/dev/null --fail-on none -q
echo "== memory on a ~2 GB input (1000 sensors x 10 h at 1 Hz)"
"$tw" simulate sensors --sensors 1000 --duration 10h --interval 1 --seed 9 --out "$work/big" -q
ls -l "$work/big/readings.csv"
t "$tw" replay "$work/big/readings.csv" -o alerts=/dev/null -o json=/dev/null --fail-on none -q
