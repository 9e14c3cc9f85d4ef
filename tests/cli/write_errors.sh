#!/usr/bin/env bash
# Lost output is an error: every command that writes to standard output exits 2
# with a message when it cannot (a full disk: /dev/full; a closed stdout), so a
# CI gate never passes on an empty report. -o FORMAT=PATH writes through a temp
# file that no planted symlink can redirect.
source "$(dirname "$0")/lib.sh"
NOW=2026-05-04T10:00:00Z
F=examples/factory
LIVE=examples/live/snapshot.json

# A history database and readings for the commands that read them.
(cd "$SRC" && "$TWINCTL" audit --twin $F --live $LIVE --allow-partial --history "$WORK/h.db" --now $NOW \
  -o json="$WORK/audit.json" --fail-on none >/dev/null 2>&1) || fail "could not make the history database"
(cd "$SRC" && "$TWINCTL" simulate sensors --twin $F --duration 10m --seed 3 --out "$WORK/sim" >/dev/null 2>&1) ||
  fail "could not simulate readings"

COMMANDS=(
  "validate --twin $F --now $NOW --fail-on none"
  "drift --twin $F --live $LIVE --now $NOW -o sarif --fail-on none"
  "drift --twin $F --live $LIVE --now $NOW -o table -o json=$WORK/ok.json --fail-on none"
  "audit --twin $F --live $LIVE --now $NOW --no-history --fail-on none -o markdown"
  "rca --all --twin $F --live $LIVE"
  "simulate failure --twin $F ups-l1-01"
  "graph --twin $F -o mermaid"
  "snapshot --twin $F --live $LIVE --now $NOW"
  "replay $WORK/sim/readings.csv --twin $F --fail-on none -o json"
  "history --history $WORK/h.db list"
  "report --history $WORK/h.db -o markdown"
  "completion bash"
  "validate --help"
  "--version"
)
for cmd in "${COMMANDS[@]}"; do
  # shellcheck disable=SC2086 # the commands are word lists
  rc=0
  (cd "$SRC" && timeout 60 "$TWINCTL" $cmd >/dev/full 2>"$WORK/err.full") || rc=$?
  OUT= ERR=$(cat "$WORK/err.full")
  [ $rc -eq 2 ] || fail "twinctl $cmd >/dev/full: exit $rc, expected 2"
  grep -q "could not write to standard output (No space left on device)" "$WORK/err.full" ||
    fail "twinctl $cmd >/dev/full: no message"
  # shellcheck disable=SC2086
  rc=0
  (cd "$SRC" && timeout 60 "$TWINCTL" $cmd >&- 2>"$WORK/err.closed") || rc=$?
  ERR=$(cat "$WORK/err.closed")
  [ $rc -eq 2 ] || fail "twinctl $cmd >&-: exit $rc, expected 2"
  grep -q "could not write to standard output (it is closed)" "$WORK/err.closed" || fail "twinctl $cmd >&-: no message"
done
# The other outputs of a run whose stdout failed are still written.
[ -s "$WORK/ok.json" ] || fail "-o json=FILE was not written beside a failed stdout"

# Output that does not go to stdout is not affected by a closed stdout.
rc=0
(cd "$SRC" && "$TWINCTL" validate --twin $F --now $NOW --fail-on none -o json="$WORK/v.json" >&- 2>"$WORK/err") || rc=$?
[ $rc -eq 0 ] || { ERR=$(cat "$WORK/err"); fail "validate -o json=FILE with stdout closed: exit $rc, expected 0"; }
[ -s "$WORK/v.json" ] || fail "validate -o json=FILE with stdout closed wrote nothing"
# -o FORMAT=PATH on a full device.
run validate --twin $F --now $NOW --fail-on none -o json=/dev/full
expect_rc 2 "-o json=/dev/full"
expect_err "/dev/full: write failed: No space left on device"

# A symlink planted where a temp file named after the pid would go: the exec'd
# shell's pid is twinctl's, so PATH.tmp.PID is known in advance.
mkdir -p "$WORK/outdir"
printf 'precious\n' >"$WORK/victim"
rc=0
(cd "$SRC" && sh -c 'ln -s "$1/victim" "$1/outdir/report.json.tmp.$$" && exec "$2" validate --twin examples/factory \
  --now 2026-05-04 --fail-on none -o json="$1/outdir/report.json"' sh "$WORK" "$TWINCTL" >/dev/null 2>"$WORK/err") || rc=$?
[ $rc -eq 0 ] || { ERR=$(cat "$WORK/err"); fail "-o json=PATH beside a planted symlink: exit $rc"; }
[ "$(cat "$WORK/victim")" = precious ] || fail "the planted symlink was followed: the victim file was overwritten"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/outdir/report.json" || fail "the report is not JSON"
[ "$(find "$WORK/outdir" -name 'report.json.tmp.*' ! -type l | wc -l)" -eq 0 ] || fail "a temp file was left behind"
finish
