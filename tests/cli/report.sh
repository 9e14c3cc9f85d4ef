#!/usr/bin/env bash
# twinctl report on history databases written by tests/support/history_fixture.py
# (two sites, 30 nightly runs each): outputs, determinism, run selection, the
# Markdown size cap, escaping of hostile text, and exit 2 on every bad database.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-yaml and python3-websocket
FIXTURE="$SRC/tests/support/history_fixture.py"
DB="$WORK/history.db"
"$PY" "$FIXTURE" "$DB"
sql() { "$PY" -c 'import sqlite3,sys; print(*sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(), sep="|")' "$DB" "$1"; }

# The latest run overall is plant-b's; --site picks the latest of plant-a.
before=$(sha256sum "$DB")
run report --history "$DB" -o html="$WORK/b.html" -o markdown="$WORK/b.md"
expect_rc 0 "report of the latest run"
[ -z "$OUT" ] || fail "report with only file outputs printed to stdout"
grep -qF "audit run #60 " "$WORK/b.md" || fail "default is not the latest run (60)"
grep -qF "Plant B" "$WORK/b.md" || fail "latest run is not plant-b's"
[ "$(sha256sum "$DB")" = "$before" ] || fail "report changed the database"

run report --history "$DB" --site plant-a -o html="$WORK/a.html" -o markdown="$WORK/a.md"
expect_rc 0 "report --site plant-a"
grep -qF "audit run #59 " "$WORK/a.md" || fail "--site plant-a is not run 59"
run report --history "$DB" --run 59 -o html="$WORK/a2.html" -o markdown="$WORK/a2.md"
expect_rc 0 "report --run 59"
cmp -s "$WORK/a.html" "$WORK/a2.html" || fail "HTML of --run 59 differs from --site plant-a"
cmp -s "$WORK/a.md" "$WORK/a2.md" || fail "Markdown of --run 59 differs from --site plant-a"
# Deterministic: a second rendering is byte-identical.
run report --history "$DB" --run 59 -o html="$WORK/a3.html"
cmp -s "$WORK/a.html" "$WORK/a3.html" || fail "HTML is not deterministic"

# The figures are the database's.
open=$(sql "SELECT critical+high+medium+low+info FROM runs WHERE id = 59")
crit_high=$(sql "SELECT critical+high FROM runs WHERE id = 59")
new=$(sql "SELECT count(*) FROM run_findings WHERE run_id = 59 AND state = 'new' AND suppressed = 0")
resolved=$(sql "SELECT count(*) FROM run_findings WHERE run_id = 59 AND state = 'resolved' AND suppressed = 0")
runs_a=$(sql "SELECT count(*) FROM runs WHERE site = 'plant-a'")
summary=$(grep -A4 '^## Summary' "$WORK/a.md" | tail -1)
[[ "$summary" == "| **$open** |"* ]] || fail "summary row '$summary' does not start with $open open findings"
[ "$(cut -d'|' -f8 <<<"$summary" | tr -d ' ')" = "$new" ] || fail "summary: new is not $new: $summary"
[ "$(cut -d'|' -f10 <<<"$summary" | tr -d ' ')" = "$resolved" ] || fail "summary: resolved is not $resolved: $summary"
grep -qF "<p class=\"big\">$open</p>" "$WORK/a.html" || fail "HTML card does not show $open open findings"
grep -qF "<p class=\"big\">$crit_high</p>" "$WORK/a.html" || fail "HTML card does not show $crit_high critical+high"
points=$(grep -o '<circle class="pt' "$WORK/a.html" | wc -l)
[ "$points" = "$runs_a" ] || fail "trend chart has $points points, plant-a has $runs_a runs"
grep -qF "Plant B" "$WORK/a.html" && fail "plant-a's report mentions plant-b"
for section in "## Drift trend" "## Oldest open findings" "## Incidents and their root causes" \
  "## Certificates, calibrations and maintenance due" "## Who to contact" "### By zone" "### By line" "### By team" \
  "**overdue by" "sw-l2-ctl" "Marco Rossi"; do
  grep -qF -- "$section" "$WORK/a.md" || fail "Markdown lacks: $section"
done
# The HTML loads nothing: no script, no external reference, a CSP that forbids them.
grep -qiE '<script|<link|<img|src=|@import|url\(' "$WORK/a.html" && fail "HTML has a script or an external reference"
grep -qF "default-src 'none'" "$WORK/a.html" || fail "HTML lacks its Content-Security-Policy"

# Default output: Markdown on stdout, for $GITHUB_STEP_SUMMARY.
run report --history "$DB" --run 59
expect_rc 0 "report to stdout"
expect_out "# Audit report — Plant A"
run report --history "$DB" --run 59 --title "Weekly review" -o html
expect_rc 0 "report -o html to stdout"
expect_out "<title>Weekly review · run #59</title>"

# An incomplete run is flagged; --now far after the run warns about old data.
run report --history "$DB" --run 23 -o markdown
expect_rc 0 "report of an incomplete run"
expect_out "Incomplete run"
expect_out "mqtt-line2"
run report --history "$DB" --run 59 --now 2026-12-20T08:00:00Z -o markdown
expect_rc 0 "report --now"
expect_out "this run is 19 days older than the report"
run report --history "$DB" --run 59 --now yesterday
expect_rc 2 "report --now garbage"

# Default database: .twinctl/history.db of the working directory.
mkdir -p "$WORK/cwd/.twinctl" && cp "$DB" "$WORK/cwd/.twinctl/history.db"
RUN_DIR="$WORK/cwd" run report --run 1
expect_rc 0 "report with the default database"
expect_out "audit run #1 "

# Errors: exit 2 with a message naming the database.
run report --history "$WORK/nope.db"
expect_rc 2 "missing database"
expect_err "nope.db: no such history database"
"$PY" "$FIXTURE" --empty "$WORK/empty.db"
run report --history "$WORK/empty.db"
expect_rc 2 "empty database"
expect_err "the history has no runs yet"
run report --history "$DB" --run 999
expect_rc 2 "unknown run"
expect_err "no run 999 in the history (it holds runs 1 to 60)"
run report --history "$DB" --site plant-z
expect_rc 2 "unknown site"
expect_err "no runs of site 'plant-z'"
run report --history "$DB" --run 60 --site plant-a
expect_rc 2 "run of another site"
expect_err "run 60 is of site 'plant-b'"
"$PY" "$FIXTURE" --user-version 99 "$WORK/newer.db"
run report --history "$WORK/newer.db"
expect_rc 2 "newer schema"
expect_err "schema version 99, written by a newer twinctl"
printf 'not a database at all\n' >"$WORK/text.db"
run report --history "$WORK/text.db"
expect_rc 2 "not a database"
expect_err "text.db"
"$PY" -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE t(x)")' "$WORK/other.db"
run report --history "$WORK/other.db"
expect_rc 2 "another SQLite database"
expect_err "not a twinctl history database"
run report --history "$DB" --run 3 --latest
expect_rc 2 "--run with --latest"
run report --history "$DB" -o pdf=x.pdf
expect_rc 2 "unknown format"

# Hostile text is shown as text, never as markup.
"$PY" "$FIXTURE" --hostile "$WORK/hostile.db"
run report --history "$WORK/hostile.db" --site plant-a -o html="$WORK/h.html" -o markdown="$WORK/h.md"
expect_rc 0 "report of hostile strings"
grep -qiE '<script|<img|<style>body|<link|</svg><script|<h1>injected|<[^>]* onerror=' "$WORK/h.html" &&
  fail "hostile markup reached the HTML: $(grep -oiE '<script[^>]*>|<img[^>]*>|<h1>injected' "$WORK/h.html" | head -3)"
grep -qF "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" "$WORK/h.html" || fail "hostile message not escaped in HTML"
grep -qiE '<script|<img|<style>|<h1>' "$WORK/h.md" && fail "hostile markup reached the Markdown"
grep -qF '&lt;script&gt;' "$WORK/h.md" || fail "hostile message not escaped in Markdown"
grep -qF '\| broken \| table' "$WORK/h.md" || fail "pipes in a cell are not escaped in Markdown"

# A huge history: the Markdown stays under GitHub's 1 MiB and says what it cut.
"$PY" "$FIXTURE" --findings 20000 --runs 3 "$WORK/big.db"
run report --history "$WORK/big.db" --site plant-a -o markdown="$WORK/big.md" -o html="$WORK/big.html"
expect_rc 0 "report of a huge history"
size=$(stat -c %s "$WORK/big.md")
[ "$size" -lt 1048576 ] || fail "Markdown is $size bytes (limit 1 MiB)"
grep -qE '_… and [0-9]+ more open findings' "$WORK/big.md" || fail "Markdown does not say how many findings it cut"
grep -qE '… and [0-9]+ more open findings' "$WORK/big.html" || fail "HTML does not say how many findings it cut"

# --help and the man page.
run report --help
expect_rc 0 "report --help"
expect_out "EXAMPLES:"
expect_out "EXIT STATUS:"
expect_out "report is not a gate"
MANPAGER=cat man -l "$SRC/man/twinctl-report.1" >"$WORK/man.txt" 2>&1 || fail "man twinctl-report.1 does not render"
grep -qF "EXIT STATUS" "$WORK/man.txt" || fail "man page lacks EXIT STATUS"
finish
