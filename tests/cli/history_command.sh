#!/usr/bin/env bash
# twinctl history: list, show, findings (filters), prune, stats, in table and JSON
# (validated against schemas/history.schema.json); bad databases exit 2.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
cp -r "$SRC/examples/live" "$WORK/live"
RUN_DIR=$WORK
DB=$WORK/h.db
for day in 01 02 03 04; do
  run audit --twin factory --live live/snapshot.json --allow-partial --history "$DB" --now "2026-05-${day}T10:00:00Z" -o json
  expect_rc 1 "audit $day"
done
q() { /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(($1))" <<<"$OUT"; }
check_schema() {
  printf '%s\n' "$OUT" >"$WORK/doc.json"
  /usr/bin/python3 - "$SRC/schemas/history.schema.json" "$WORK/doc.json" <<'PY' || fail "$1: JSON does not validate"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
}

run history --history "$DB" list
expect_rc 0 "list"
expect_out "RUN"
[ "$(grep -c '^[0-9]' <<<"$OUT")" = 4 ] || fail "list shows $(grep -c '^[0-9]' <<<"$OUT") runs, expected 4"
run history --history "$DB" list -o json
check_schema list
[ "$(q '[r["id"] for r in d["runs"]]')" = "[4, 3, 2, 1]" ] || fail "list is not newest first"
run history list --history "$DB" -o json # options after the subcommand too
expect_rc 0 "list --history after the subcommand"

run history --history "$DB" show 1
expect_rc 0 "show"
expect_out "Run 1 · plant-a"
expect_out "new"
run history --history "$DB" show 2 -o json
check_schema show
[ "$(q 'sorted({f["state"] for f in d["findings"]})')" = "['open']" ] || fail "run 2 of an unchanged plant is not all open"
run history --history "$DB" show 99
expect_rc 2 "show a missing run"
expect_err "no run 99"

run history --history "$DB" findings --open --severity high -o json
check_schema findings
[ "$(q 'all(f["severity"] == "high" and f["resolved"] is None for f in d["findings"]) and len(d["findings"]) > 0')" = True ] \
  || fail "findings --open --severity high"
run history --history "$DB" findings --asset no-such-asset
expect_rc 0 "findings of an unknown asset"
expect_out "No findings."
run history --history "$DB" findings --severity urgent
expect_rc 2 "bad --severity"

run history --history "$DB" stats
expect_rc 0 "stats"
expect_out "MEAN DAYS TO RESOLVE"
run history --history "$DB" stats -o json
check_schema stats

run history --history "$DB" prune --keep 2 -o json
expect_rc 0 "prune"
check_schema prune
[ "$(q 'd["pruned"]["runs"]')" = 2 ] || fail "prune --keep 2 of 4 runs"
run history --history "$DB" list -o json
[ "$(q '[r["id"] for r in d["runs"]]')" = "[4, 3]" ] || fail "prune kept the wrong runs"
[ "$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$DB")" = ok ] \
  || fail "integrity after prune"
run audit --twin factory --live live/snapshot.json --allow-partial --history "$DB" --now 2026-05-05T10:00:00Z -o json
[ "$(q 'd["audit"]["history"]["run_id"], d["audit"]["history"]["open"] > 0')" = "(5, True)" ] || fail "audit after prune"

# Bad databases: exit 2 with a clear message.
run history --history "$WORK/missing.db" list
expect_rc 2 "missing database"
expect_err "no such history database"
[ -e "$WORK/missing.db" ] && fail "history created the missing database"
echo "hello" >"$WORK/text.db"
run history --history "$WORK/text.db" list
expect_rc 2 "a text file"
expect_err "not a twinctl history database"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE notes(x)"); c.commit()' "$WORK/other.db"
run history --history "$WORK/other.db" stats
expect_rc 2 "another application's database"
expect_err "not a twinctl history database"
cp "$DB" "$WORK/newer.db"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$WORK/newer.db"
run history --history "$WORK/newer.db" list
expect_rc 2 "a newer database"
expect_err "written by a newer twinctl"
run audit --twin factory --history "$WORK/newer.db"
expect_rc 2 "audit into a newer database"
expect_err "written by a newer twinctl"
run history
expect_rc 2 "history without a subcommand"
# Where the history is: --history, else TWINCTL_HISTORY_URL, else .twinctl/history.db; sqlite://PATH too.
N=$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM runs").fetchone()[0])' "$DB")
TWINCTL_HISTORY_URL="sqlite://$DB" run history list -o json
expect_rc 0 "history from TWINCTL_HISTORY_URL"
[ "$(q 'd["db"], len(d["runs"])')" = "('$DB', $N)" ] || fail "TWINCTL_HISTORY_URL was not the default"
TWINCTL_HISTORY_URL="$WORK/elsewhere.db" run history --history "$DB" list
expect_rc 0 "--history over TWINCTL_HISTORY_URL"
run history list
expect_rc 2 "no history in the current directory"
expect_err ".twinctl/history.db: no such history database"
TWINCTL_HISTORY_URL="http://user:hunter2@example.invalid/h" run history list
expect_rc 2 "a URL of no database"
expect_err "not a database location"
[[ "$ERR" != *hunter2* ]] || fail "the password of a bad --history was printed"
# migrate between two SQLite files, ids kept; the copy reads the same.
run history migrate --from "$DB" --to "sqlite://$WORK/copy.db" -o json
expect_rc 0 "migrate SQLite to SQLite"
check_schema migrate
[ "$(q 'd["migrated"]["rows"]["runs"]')" = "$N" ] || fail "migrate copied not $N runs"
run history --history "$WORK/copy.db" findings
copied=$OUT
run history --history "$DB" findings
[ "$copied" = "$OUT" ] || fail "the migrated SQLite history reads otherwise"
run history migrate --from "$DB" --to "$WORK/copy.db"
expect_rc 2 "migrate into a history"
expect_err "the target history is not empty ($N runs); give --replace"
run history migrate --from "$DB" --to "sqlite://$DB"
expect_rc 2 "migrate onto itself"

run history --help
expect_rc 0 "history --help"
expect_out "EXAMPLES:"
expect_out "EXIT STATUS:"
finish
