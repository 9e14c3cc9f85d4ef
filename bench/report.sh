#!/usr/bin/env bash
# CPU time of `twinctl report` on a large generated history (tests/support/history_fixture.py):
# 60 runs of two sites, ~95k run_findings rows, ~7k findings. Usage: bench/report.sh [TWINCTL]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
twinctl=${1:-$here/build-cc/twinctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/tests/support/history_fixture.py" --findings 20000 --runs 30 "$work/h.db"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("runs", *c.execute("select count(*) from runs").fetchone(), "run_findings", *c.execute("select count(*) from run_findings").fetchone(), "findings", *c.execute("select count(*) from findings").fetchone())' "$work/h.db"
for _ in 1 2 3; do
  /usr/bin/time -f '%U user %S sys %e wall %M KB' "$twinctl" report --history "$work/h.db" --site plant-a \
    -o html="$work/r.html" -o markdown="$work/r.md"
done
ls -l "$work/r.html" "$work/r.md" | awk '{print $5, $NF}'
