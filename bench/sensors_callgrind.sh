#!/usr/bin/env bash
# Instruction counts of `replay` (default detectors, CSV) and of the bare
# std::from_chars scan (bench/csv_baseline.cpp) on the same file, under
# callgrind: stable on a loaded machine, where CPU times are not.
#   bench/sensors_callgrind.sh BUILD_DIR [WORK_DIR]
set -euo pipefail
build=${1:?build dir}
work=${2:-/tmp/twinctl-sensor-callgrind}
mkdir -p "$work"
# 1000 sensors x 6 min at 1 Hz = 355,740 readings (seed 7, as bench/sensors.sh).
"$build/twinctl" simulate sensors --sensors 1000 --duration 6m --interval 1 --seed 7 --out "$work/csv" -q
file=$work/csv/readings.csv
n=$(($(wc -l <"$file") - 1))
count() { # LABEL CMD...: instructions of CMD
  local label=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$label" "$@" >/dev/null 2>"$work/vg.$label"
  grep -o 'refs: *[0-9,]*' "$work/vg.$label" | tr -d ', ' | cut -d: -f2
}
base=$(count baseline "$build/bench_csv_baseline" "$file")
replay=$(count replay "$build/twinctl" replay "$file" -o alerts=/dev/null -o json=/dev/null --fail-on none -q)
echo "readings:              $n"
echo "bare scan:             $base instructions, $((base / n)) per reading"
echo "replay (all defaults): $replay instructions, $((replay / n)) per reading"
awk -v r="$replay" -v b="$base" 'BEGIN { printf "replay / bare scan:    %.2fx\n", r / b }'
echo "per-function profile:  callgrind_annotate $work/cg.replay | head -40"
