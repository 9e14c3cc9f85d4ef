#!/usr/bin/env bash
# End to end: nightly audits of the example plant (a real Git repo) write the history database, and
# `twinctl report` reads it back: the report's figures are those `twinctl history` shows for the run,
# and the HTML passes the Chromium check (no console error, no request, one trend point per run).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
mkdir -p "$WORK/repo"
cp -r "$SRC/examples/factory/." "$WORK/repo/"
(cd "$WORK/repo" && tgit init -q && tgit add -A && tgit commit -qm "the plant")
RUN_DIR=$WORK
DB=$WORK/history.db
# Nights 1 and 2: the example snapshot without its failed source. Night 3: the first changed field
# of night 1 set back to its intended value, so night 3 resolves that finding.
"$PY" - "$SRC/examples/live/snapshot.json" "$WORK/s1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sources"] = [s for s in d["sources"] if s["ok"]]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
nightly() { # nightly NOW SNAPSHOT
  run audit --repo repo --ref main --live "$2" --now "$1" --history "$DB" -o json="$WORK/audit.json"
  [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || fail "audit of $1 exited $RC"
}
nightly 2026-05-04T02:17:00Z s1.json
read -r FIXED_ASSET FIXED_FIELD < <("$PY" - "$WORK/audit.json" "$WORK/s1.json" "$WORK/s3.json" <<'PY'
import json, sys
audit = json.load(open(sys.argv[1]))
f = next(f for f in audit["findings"] if f["kind"] == "changed" and f["field"] in ("status", "firmware", "ip"))
d = json.load(open(sys.argv[2]))
for o in d["observations"]:
    if o["asset"] == f["asset"]:
        o["fields"][f["field"]] = f["intended"]
json.dump(d, open(sys.argv[3], "w"), indent=1)
print(f["asset"], f["field"])
PY
)
[ -n "$FIXED_ASSET" ] || fail "night 1 has no changed finding to fix"
nightly 2026-05-05T02:17:00Z s1.json
nightly 2026-05-06T02:17:00Z s3.json
run history --history "$DB" list -o json
expect_rc 0 "history list"
[ "$("$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))' <<<"$OUT")" = 3 ] || fail "history holds not 3 runs"

run report --history "$DB" -o html="$WORK/report.html" -o markdown="$WORK/report.md"
expect_rc 0 "report of the latest run"
[ -s "$WORK/report.html" ] && [ -s "$WORK/report.md" ] || fail "report wrote no files"
# The report's open counts by severity are the latest run's, as SQL and the audit's JSON have them.
read -r high medium < <(sqlite3 "$DB" "SELECT high, medium FROM runs ORDER BY id DESC LIMIT 1" | tr '|' ' ')
"$PY" - "$WORK/audit.json" "$high" "$medium" <<'PY' || fail "the audit's JSON and the history disagree on open findings"
import json, sys
d = json.load(open(sys.argv[1]))
open_ = [f for f in d["findings"] if not f.get("suppressed")]
by = {s: sum(1 for f in open_ if f["severity"] == s) for s in ("high", "medium")}
assert (by["high"], by["medium"]) == (int(sys.argv[2]), int(sys.argv[3])), (by, sys.argv[2:])
PY
grep -q "Plant A" "$WORK/report.md" || fail "the Markdown report lacks the site name"
resolved=$(sqlite3 "$DB" "SELECT count(*) FROM run_findings WHERE run_id = (SELECT max(id) FROM runs) AND state = 'resolved'")
[ "$resolved" -ge 1 ] || fail "night 3 resolved nothing ($FIXED_ASSET $FIXED_FIELD was fixed)"
grep -qi "resolved" "$WORK/report.md" || fail "the Markdown report does not mention resolved findings"
grep -q "$FIXED_ASSET" "$WORK/report.md" || fail "the Markdown report does not name the resolved $FIXED_ASSET $FIXED_FIELD finding"
"$PY" "$SRC/tests/support/chromium_check.py" "$WORK/report.html" --points 3 --text "Plant A" ||
  fail "the report of real audits in Chromium"
finish
