#!/usr/bin/env bash
# Two audits at once on one database both succeed and see each other (WAL,
# busy timeout, BEGIN IMMEDIATE); an audit killed with SIGKILL in the middle of
# its write leaves the database consistent, with no half run visible.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
cp -r "$SRC/examples/live" "$WORK/live"
RUN_DIR=$WORK
DB=$WORK/h.db
ARGS=(audit --twin factory --live live/snapshot.json --allow-partial --history "$DB" --color never -o json)

OUT="" ERR=""
sql() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("|".join(str(v) for v in c.execute(sys.argv[2]).fetchone()))' "$DB" "$1"; }

# Three rounds of two audits started together; the first round also creates the database.
for round in 1 2 3; do
  (cd "$WORK" && "$TWINCTL" "${ARGS[@]}" --now "2026-05-0${round}T10:00:00Z" >"$WORK/a$round.json" 2>"$WORK/a$round.err" && echo 0 >"$WORK/a$round.rc" || echo $? >"$WORK/a$round.rc") &
  (cd "$WORK" && "$TWINCTL" "${ARGS[@]}" --now "2026-05-0${round}T10:00:00Z" >"$WORK/b$round.json" 2>"$WORK/b$round.err" && echo 0 >"$WORK/b$round.rc" || echo $? >"$WORK/b$round.rc") &
  wait
  for x in a b; do
    [ "$(cat "$WORK/$x$round.rc")" = 1 ] || { ERR=$(cat "$WORK/$x$round.err"); fail "concurrent audit $x$round exited $(cat "$WORK/$x$round.rc")"; }
  done
done
[ "$(sql 'SELECT count(*) FROM runs')" = 6 ] || fail "6 concurrent audits recorded $(sql 'SELECT count(*) FROM runs') runs"
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after concurrent audits"
# Serialised: of the first pair, one saw every finding new, the other saw the first as its previous run.
/usr/bin/python3 - "$WORK/a1.json" "$WORK/b1.json" <<'PY' || fail "the two first audits did not see each other"
import json, sys
a, b = (json.load(open(p))["audit"]["history"] for p in sys.argv[1:])
first, second = sorted([a, b], key=lambda h: h["run_id"])
assert first["previous_run"] is None and second["previous_run"] == first["run_id"], (a, b)
assert first["new"] > 0 and second["new"] == 0 and second["open"] == first["new"], (first, second)
PY

# SIGKILL inside the write transaction (TWINCTL_TEST_HISTORY_PAUSE makes the store wait there).
before=$(sql 'SELECT count(*), (SELECT count(*) FROM run_findings), (SELECT count(*) FROM findings), (SELECT count(*) FROM incidents)')
rm -f "$WORK/paused"
(cd "$WORK" && TWINCTL_TEST_HISTORY_PAUSE="$WORK/paused" exec "$TWINCTL" "${ARGS[@]}" --now 2026-05-20T10:00:00Z >/dev/null 2>&1) &
pid=$!
for _ in $(seq 1 600); do
  [ -e "$WORK/paused" ] && break
  sleep 0.1
done
[ -e "$WORK/paused" ] || fail "the audit never reached its transaction"
# While it holds the write lock, readers still read (WAL), and see nothing of it.
run history --history "$DB" list -o json
expect_rc 0 "history list during a write"
[ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())["runs"]))' <<<"$OUT")" = 6 ] || fail "a reader saw the half-written run"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after SIGKILL"
after=$(sql 'SELECT count(*), (SELECT count(*) FROM run_findings), (SELECT count(*) FROM findings), (SELECT count(*) FROM incidents)')
[ "$before" = "$after" ] || fail "the killed run left rows behind: $before -> $after"
# The next audit records normally.
run "${ARGS[@]}" --now 2026-05-21T10:00:00Z
expect_rc 1 "audit after the killed one"
[ "$(sql 'SELECT count(*) FROM runs')" = 7 ] || fail "the audit after SIGKILL was not recorded"
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "integrity_check at the end"
finish
