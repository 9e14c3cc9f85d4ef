#!/usr/bin/env bash
# The detector quality bars, on a small seeded dataset (bench/sensor_quality.py):
# recall >= 0.9 for spike, step, stuck and dropout; <= 1 false alert per
# sensor-day on clean data. Defaults that regress fail here.
source "$(dirname "$0")/lib.sh"
n=200
run simulate sensors --sensors $n --duration 8h --interval 10 --seed 11 --fault-rate 1 --out "$WORK/f" --quiet
expect_rc 0 "simulate faulty"
run simulate sensors --sensors $n --duration 8h --interval 10 --seed 12 --fault-rate 0 --out "$WORK/c" --quiet
expect_rc 0 "simulate clean"
[ "$(wc -l <"$WORK/c/truth.csv")" -eq 1 ] || fail "clean data has injected faults"
run replay "$WORK/f/readings.csv" -o alerts="$WORK/f.jsonl" --fail-on none --quiet
expect_rc 0 "replay faulty"
run replay "$WORK/c/readings.csv" -o alerts="$WORK/c.jsonl" --fail-on none --quiet
expect_rc 0 "replay clean"
set +e
/usr/bin/python3 "$SRC/bench/sensor_quality.py" "$WORK/f/truth.csv" "$WORK/f.jsonl" --sensors $n --hours 8 \
  --clean-alerts "$WORK/c.jsonl" --check >"$WORK/score" 2>&1
rc=$?
set -e
cat "$WORK/score"
[ "$rc" -eq 0 ] || fail "quality bars not met"
finish
