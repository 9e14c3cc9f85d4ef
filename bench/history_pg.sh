#!/usr/bin/env bash
# One audit recorded into PostgreSQL vs SQLite vs not recorded (--no-history), on a
# `simulate factory` twin: the wall-clock seconds of each of RUNS audits after a
# first one that creates the history, median and min. The PostgreSQL server is a
# private one on loopback TCP (tests/support/pg.sh), fsync on as a real server's.
#   bench/history_pg.sh BUILD_DIR [ASSETS=1000] [RUNS=9]
set -euo pipefail
BUILD=$(cd "${1:?build dir}" && pwd)
ASSETS=${2:-1000}
RUNS=${3:-9}
TWINCTL=$BUILD/twinctl
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/twinctl-bench-XXXXXX")
cleanup() { rm -rf "$WORK"; }
source "$SRC/tests/support/pg.sh"
pg_start
# pg.sh starts the server without fsync for tests; a benchmark wants a real one.
pg_stop
as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
pg_createdb bench
"$TWINCTL" simulate factory --assets "$ASSETS" --seed 7 --out "$WORK/twin" >/dev/null 2>&1

measure() { # LABEL HISTORY-ARGS...
  local label=$1 i t times=()
  shift
  "$TWINCTL" audit --twin "$WORK/twin" --live "$WORK/twin/live/snapshot.json" --allow-partial "$@" \
    --now 2026-05-01T00:00:00Z -o json=/dev/null >/dev/null 2>&1 || true
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f %e -o "$WORK/t" "$TWINCTL" audit --twin "$WORK/twin" --live "$WORK/twin/live/snapshot.json" \
      --allow-partial "$@" --now "2026-05-0$((i % 9 + 1))T0$i:00:00Z" -o json=/dev/null >/dev/null 2>&1 || true
    t=$(tail -1 "$WORK/t")
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{a[NR]=$1} END {printf "%-12s median %.3f s  min %.3f s  (%d runs)\n", l, a[int((NR+1)/2)], a[1], NR}'
}
findings=$("$TWINCTL" audit --twin "$WORK/twin" --live "$WORK/twin/live/snapshot.json" --allow-partial --no-history -o json 2>/dev/null |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' || true)
echo "twin: $ASSETS assets, $findings findings per audit"
measure "no history" --no-history
measure "SQLite" --history "$WORK/h.db"
measure "PostgreSQL" --history "$(pg_url bench)"
