#!/usr/bin/env bash
# The history on a real PostgreSQL server (tests/support/pg.sh: initdb + pg_ctl in a
# temp dir, loopback port): 8 sites audited at once into one database, each site's
# lifecycle right; an audit killed with SIGKILL inside its transaction, or whose
# connection is terminated or whose server stops mid-run, leaves no partial run
# (exit 2 when it lives to tell); the password never shows; waits are bounded.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/pg.sh"
pg_start
RUN_DIR=$WORK
OUT="" ERR=""
SITES=8
for i in $(seq $SITES); do
  "$TWINCTL" simulate factory --assets 60 --seed "$i" --out "$WORK/site$i" >/dev/null 2>&1
done
pg_createdb fleet
URL=$(pg_url fleet)
audit_site() { # I DAY [ENV...]: audit site I at 2026-05-DAY into $URL (from TWINCTL_HISTORY_URL)
  local i=$1 day=$2
  shift 2
  (cd "$WORK" && env TWINCTL_HISTORY_URL="$URL" "$@" timeout 120 "$TWINCTL" audit --twin "site$i" \
    --live "site$i/live/snapshot.json" --allow-partial --now "2026-05-${day}T10:00:00Z" -o json)
}
counts() { psql_q fleet "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM run_findings),
  (SELECT count(*) FROM findings), (SELECT count(*) FROM run_sources), (SELECT count(*) FROM contacts)" ; }

# 8 audits at once, twice: the first round also creates the schema (one creator, the others wait).
for day in 01 02; do
  for i in $(seq $SITES); do
    (audit_site "$i" "$day" >"$WORK/a$i.$day.json" 2>"$WORK/a$i.$day.err" && echo 0 >"$WORK/a$i.$day.rc" ||
      echo $? >"$WORK/a$i.$day.rc") &
  done
  wait
  for i in $(seq $SITES); do
    [ "$(cat "$WORK/a$i.$day.rc")" = 1 ] ||
      { ERR=$(cat "$WORK/a$i.$day.err"); fail "concurrent audit of site $i on day $day exited $(cat "$WORK/a$i.$day.rc")"; }
  done
done
[ "$(psql_q fleet 'SELECT count(*), count(DISTINCT site) FROM runs')" = "16|8" ] ||
  fail "16 audits of 8 sites recorded $(psql_q fleet 'SELECT count(*), count(DISTINCT site) FROM runs')"
[ "$(psql_q fleet 'SELECT max(version) FROM twinctl_schema_versions')" = 3 ] || fail "schema version not recorded"
# Each site: its second run follows its first, sees every finding of the first as open, none new.
/usr/bin/python3 - "$WORK" "$SITES" <<'PY' || fail "a site's lifecycle is wrong after concurrent audits"
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
ids = []
for i in range(1, n + 1):
    a, b = (json.load(open(f"{work}/a{i}.{d}.json")) for d in ("01", "02"))
    h1, h2 = a["audit"]["history"], b["audit"]["history"]
    assert h1["previous_run"] is None and h1["new"] == len(a["findings"]) > 0, (i, h1)
    assert h2["previous_run"] == h1["run_id"] and h2["new"] == 0 and h2["open"] == h1["new"], (i, h1, h2)
    assert all(f["history"]["state"] == "open" for f in b["findings"]), i
    ids += [h1["run_id"], h2["run_id"]]
assert sorted(ids) == list(range(1, 2 * n + 1)), ids  # one id per run, no gaps: writers queue
PY
# Each site's findings belong to it only (no run touched another site's lifecycle).
[ "$(psql_q fleet "SELECT count(*) FROM run_findings rf JOIN runs r ON r.id = rf.run_id
  JOIN findings f ON f.fingerprint = rf.fingerprint WHERE f.site <> r.site")" = 0 ] || fail "findings crossed sites"
# The same audits one after the other into SQLite: every finding's lifecycle reads the same.
for day in 01 02; do
  for i in $(seq $SITES); do
    (cd "$WORK" && "$TWINCTL" audit --twin "site$i" --live "site$i/live/snapshot.json" --allow-partial \
      --now "2026-05-${day}T10:00:00Z" --history serial.db -o json >/dev/null 2>&1) || true
  done
done
run history --history "$WORK/serial.db" findings
serial=$OUT
run history --history "$URL" findings
expect_rc 0 "history findings on PostgreSQL"
[ "$serial" = "$OUT" ] || fail "the lifecycles recorded concurrently in PostgreSQL differ from SQLite's"
run history --history "$URL" list -o json
expect_rc 0 "history list on PostgreSQL"
[ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())["runs"]))' <<<"$OUT")" = 16 ] ||
  fail "history list shows not 16 runs"

# The fleet report over the 8 sites, in every format, from PostgreSQL.
run report --history "$URL" --site all -o table
expect_rc 0 "report --site all"
for i in $(seq $SITES); do expect_out "sim-$i "; done
expect_out "8 sites, as of 2026-05-02T10:00:00Z"
run report --history "$URL" --site all -o html="$WORK/fleet.html" -o markdown="$WORK/fleet.md"
expect_rc 0 "report --site all in HTML and Markdown"
[ "$(grep -c '^| sim-' "$WORK/fleet.md")" -ge 8 ] || fail "the Markdown fleet report lacks sites"
grep -q '<th scope="row">sim-8' "$WORK/fleet.html" || fail "the HTML fleet report lacks sim-8"

# SIGKILL inside the write transaction: nothing of the run stays, the write lock is released.
before=$(counts)
rm -f "$WORK/paused"
(cd "$WORK" && TWINCTL_TEST_HISTORY_PAUSE="$WORK/paused" exec "$TWINCTL" audit --twin site1 --history "$URL" \
  --live site1/live/snapshot.json --allow-partial --now 2026-05-03T10:00:00Z >/dev/null 2>&1) &
pid=$!
for _ in $(seq 600); do [ -e "$WORK/paused" ] && break; sleep 0.1; done
[ -e "$WORK/paused" ] || fail "the audit never reached its transaction"
run history --history "$URL" list -o json
expect_rc 0 "history list during a write"
[ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())["runs"]))' <<<"$OUT")" = 16 ] ||
  fail "a reader saw the half-written run"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
rm -f "$WORK/paused"
[ "$before" = "$(counts)" ] || fail "the killed run left rows behind: $before -> $(counts)"
run audit --twin site2 --live site2/live/snapshot.json --allow-partial --history "$URL" --now 2026-05-03T10:00:00Z
expect_rc 1 "audit after the killed one (the write lock was released)"
[ "$(psql_q fleet 'SELECT count(*) FROM runs')" = 17 ] || fail "the audit after SIGKILL was not recorded"

# The connection terminated by the server mid-run: exit 2, nothing recorded, the password unsaid.
pause_then() { # ACTION...: starts an audit of site 3, runs ACTION while it waits before its commit
  rm -f "$WORK/paused"
  (audit_site 3 04 TWINCTL_TEST_HISTORY_PAUSE="$WORK/paused" >"$WORK/p.out" 2>"$WORK/p.err" && echo 0 >"$WORK/p.rc" ||
    echo $? >"$WORK/p.rc") &
  local pid=$!
  for _ in $(seq 600); do [ -e "$WORK/paused" ] && break; sleep 0.1; done
  "$@"
  rm -f "$WORK/paused"
  wait "$pid"
  OUT=$(cat "$WORK/p.out") ERR=$(cat "$WORK/p.err") RC=$(cat "$WORK/p.rc")
}
before=$(counts)
pause_then psql_q fleet "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
  WHERE application_name = 'twinctl' AND state = 'idle in transaction'" >/dev/null
expect_rc 2 "audit whose connection was terminated"
expect_err "the connection to the server was lost"
expect_err "postgresql://***@127.0.0.1:$PG_PORT/fleet"
[ "$before" = "$(counts)" ] || fail "the terminated run left rows behind: $before -> $(counts)"

# Bounded waits on the server: an audit that waits for the write lock longer than its
# statement_timeout gives up with exit 2 and says why; the stuck writer holding the lock is cut
# off by idle_in_transaction_session_timeout and records nothing.
second_audit() { # then waits past the paused writer's idle_in_transaction_session_timeout
  run audit --twin site4 --live site4/live/snapshot.json --allow-partial --now 2026-05-04T10:00:00Z \
    --history "$URL_SAVED?options=-c%20statement_timeout%3D1s"
  SECOND_RC=$RC SECOND_ERR=$ERR
  sleep 4
}
URL_SAVED=$URL
URL="$URL_SAVED?options=-c%20idle_in_transaction_session_timeout%3D3s"
pause_then second_audit
URL=$URL_SAVED
expect_rc 2 "the writer stuck past idle_in_transaction_session_timeout"
[ "$SECOND_RC" = 2 ] || { ERR=$SECOND_ERR; fail "the audit waiting for the lock past statement_timeout exited $SECOND_RC"; }
grep -qF "statement timeout" <<<"$SECOND_ERR" || { ERR=$SECOND_ERR; fail "the lock wait's message does not say statement timeout"; }
[ "$before" = "$(counts)" ] || fail "the writer cut off by the server, or the one that gave up, left rows behind"
run audit --twin site4 --live site4/live/snapshot.json --allow-partial --now 2026-05-04T10:00:00Z --history "$URL"
expect_rc 1 "the next audit, once the stuck writer is gone"
before=$(counts)

# The server stopped (as by a crash) mid-run: exit 2; after a restart nothing of the run is there.
pause_then pg_stop
expect_rc 2 "audit whose server stopped"
expect_err "the connection to the server was lost"
pg_restart
[ "$before" = "$(counts)" ] || fail "the run cut off by the server stop left rows behind: $before -> $(counts)"

# Bounded waits: nothing listening, a server that never answers, a wrong password: exit 2, quickly.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run history --history "postgresql://twinctl:$PG_PASSWORD@127.0.0.1:$port/fleet" list
expect_rc 2 "nothing listening"
expect_err "cannot connect to the PostgreSQL server"
python3 -c 'import socket, time, sys; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True); sys.stdout.close(); c = s.accept(); time.sleep(60)' >"$WORK/silent.port" &
silent=$!
for _ in $(seq 50); do [ -s "$WORK/silent.port" ] && break; sleep 0.1; done
start=$SECONDS
run audit --twin site1 --history "postgresql://twinctl:$PG_PASSWORD@127.0.0.1:$(cat "$WORK/silent.port")/fleet?connect_timeout=2"
expect_rc 2 "a server that never answers"
expect_err "timeout"
[ $((SECONDS - start)) -lt 30 ] || fail "a silent server held the audit $((SECONDS - start)) s"
kill "$silent" 2>/dev/null || true
run history --history "postgresql://twinctl:wrong-$PG_PASSWORD@127.0.0.1:$PG_PORT/fleet" list
expect_rc 2 "wrong password"
expect_err "password authentication failed"
run history --history "postgresql://twinctl@127.0.0.1:$PG_PORT/nosuchdb" list
expect_rc 2 "no such database"
expect_err "nosuchdb"
# A database of another application is refused, whatever the command; an empty one only audit fills.
pg_createdb other
psql_q other "CREATE TABLE notes (x int)"
run audit --twin site1 --history "$(pg_url other)"
expect_rc 2 "audit into another application's database"
expect_err "not a twinctl history database"
pg_createdb empty
run report --history "$(pg_url empty)"
expect_rc 2 "report on an empty database"
expect_err "not a twinctl history database (it is empty"
[ "$(psql_q empty "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")" = 0 ] ||
  fail "report created tables"
# A newer schema is refused.
psql_q fleet "INSERT INTO twinctl_schema_versions (version) VALUES (99)"
run report --history "$URL"
expect_rc 2 "a newer schema"
expect_err "schema version 99, written by a newer twinctl"
psql_q fleet "DELETE FROM twinctl_schema_versions WHERE version = 99"

# history migrate: a recorded SQLite history (weeks of runs of two sites, hostile text) moves to
# PostgreSQL; every read of it then says the same, byte for byte, from either database.
for kind in plain hostile; do
  /usr/bin/python3 "$SRC/tests/support/history_fixture.py" $([ $kind = hostile ] && echo --hostile) --runs 40 \
    "$WORK/$kind.db"
  pg_createdb "moved_$kind"
  run history migrate --from "sqlite://$WORK/$kind.db" --to "$(pg_url "moved_$kind")" -o json
  expect_rc 0 "history migrate ($kind)"
  runs=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["migrated"]["rows"]["runs"])' <<<"$OUT")
  [ "$runs" = "$(psql_q "moved_$kind" 'SELECT count(*) FROM runs')" ] && [ "$runs" -gt 0 ] ||
    fail "migrate reported $runs runs"
  ! grep -qF -- "$PG_PASSWORD" <<<"$OUT$ERR" || fail "migrate printed the password"
  for view in "history list" "history findings" "history stats" "history show 7" "report" "report --site plant-b" \
    "report --site all -o table" "report --run 3 -o html"; do
    # shellcheck disable=SC2086 # $view is words
    run $view --history "$WORK/$kind.db"
    expect_rc 0 "$view on SQLite ($kind)"
    from=$OUT
    # shellcheck disable=SC2086
    run $view --history "$(pg_url "moved_$kind")"
    expect_rc 0 "$view on PostgreSQL ($kind)"
    [ "$from" = "$OUT" ] || { diff <(echo "$from") <(echo "$OUT") | head -20 >&2 || true; fail "$view differs after migrate ($kind)"; }
  done
done
# prune does the same on both.
cp "$WORK/plain.db" "$WORK/pruned.db"
run history --history "$WORK/pruned.db" prune --keep 5
expect_rc 0 "prune on SQLite"
pruned=$OUT
run history --history "$(pg_url moved_plain)" prune --keep 5
expect_rc 0 "prune on PostgreSQL"
[ "$pruned" = "$OUT" ] || fail "prune says otherwise on PostgreSQL: $pruned / $OUT"
run history --history "$WORK/pruned.db" findings
pruned=$OUT
run history --history "$(pg_url moved_plain)" findings
[ "$pruned" = "$OUT" ] && [ "$(psql_q moved_plain 'SELECT count(*) FROM runs')" = 10 ] ||
  fail "the pruned histories differ"

# New runs continue after the copied ids; a non-empty target is refused, --replace replaces it.
pg_createdb moved_on
run history migrate --from "$WORK/plain.db" --to "$(pg_url moved_on)"
expect_rc 0 "migrate a plain path"
expect_out "Copied $WORK/plain.db to postgresql://***@127.0.0.1:$PG_PORT/moved_on: 80 runs"
run audit --twin site1 --live site1/live/snapshot.json --allow-partial --history "$(pg_url moved_on)" --now 2026-05-05T10:00:00Z -o json
expect_rc 1 "audit into a migrated history"
[ "$(psql_q moved_on 'SELECT max(id) FROM runs')" = 81 ] || fail "the run after migrate is not run 81"
run history migrate --from "$WORK/hostile.db" --to "$(pg_url moved_on)"
expect_rc 2 "migrate into a non-empty history"
expect_err "the target history is not empty (81 runs); give --replace"
[ "$(psql_q moved_on 'SELECT count(*) FROM runs')" = 81 ] || fail "a refused migrate changed the target"
run history migrate --from "$WORK/hostile.db" --to "$(pg_url moved_on)" --replace
expect_rc 0 "migrate --replace"
[ "$(psql_q moved_on 'SELECT count(*) FROM runs')" = 80 ] || fail "migrate --replace did not replace"
# And back: PostgreSQL to a new SQLite file.
run history migrate --from "$(pg_url moved_plain)" --to "sqlite://$WORK/back.db"
expect_rc 0 "migrate back to SQLite"
run history --history "$WORK/back.db" findings
back=$OUT
run history --history "$WORK/pruned.db" findings
[ "$back" = "$OUT" ] || fail "the history that went to PostgreSQL and back differs"

# The password never appears: not in any output or message, not in the history itself.
"$PG_BIN/pg_dump" -h "$PG_DIR" -p "$PG_PORT" -U twinctl fleet >"$WORK/dump.sql"
if grep -rlF -- "$PG_PASSWORD" "$WORK" --exclude-dir=site\* >"$WORK/leaks" 2>/dev/null; then
  ERR=$(cat "$WORK/leaks")
  fail "the password appears in files"
fi
PGPASSWORD=$PG_PASSWORD run history --history "postgresql://twinctl@127.0.0.1:$PG_PORT/nosuchdb" list
expect_rc 2 "PGPASSWORD, no such database"
! grep -qF -- "$PG_PASSWORD" <<<"$OUT$ERR" || fail "PGPASSWORD printed"
finish
