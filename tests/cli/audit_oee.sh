#!/usr/bin/env bash
# OEE in the audit and the report: the audit of the hand-written OEE line (tests/support/oee_line.sh:
# a press with a breakdown, a changeover, a planned lunch stop, a slow cycle and rejects; a welder)
# with its readings stores each asset's and line's OEE totals exactly as `replay -o oee` computes them;
# the report shows OEE by line (A x P x Q) with the biggest losses first and says which losses the data
# could not separate, in Markdown and in HTML, which headless Chromium renders without overflow.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
PY=/usr/bin/python3
source "$SRC/tests/support/oee_line.sh"
oee_line "$WORK"
# A compressor without production whose maintenance is overdue: a finding for the report's other sections.
cat >"$WORK/twin/assets/compressor.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: compressor-23
name: Compressor 23
class: utility
located_in: line-2
maintenance: {last: 2026-06-01, interval: P90D}
YAML
DB="$WORK/history.db"
sql() { "$PY" -c 'import sqlite3,sys; print("\n".join("|".join("" if v is None else str(v) for v in r) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$DB" "$1"; }

run audit --twin twin --history "$DB" --readings readings.csv --now 2026-12-08T00:00:00Z
expect_rc 0 "audit with readings"
run replay readings.csv --twin twin -o oee=oee.json
expect_rc 0 "replay -o oee"
# The stored totals are replay's (day null), for every asset and line.
want=$(jq -r '(.assets[], .lines[]) | select(.day == null) | [.line, (.asset // ""), (.oee * 1e6 | round),
  (.availability * 1e6 | round), (.performance * 1e6 | round), (.quality * 1e6 | round), .parts.good, .parts.total,
  .losses.breakdowns, .losses.setup_and_adjustments, .losses.idling_and_small_stops] | join("|")' "$WORK/oee.json" | sort)
got=$(sql "SELECT line, asset, CAST(round(oee * 1e6) AS INTEGER), CAST(round(availability * 1e6) AS INTEGER),
  CAST(round(performance * 1e6) AS INTEGER), CAST(round(quality * 1e6) AS INTEGER), good, total, CAST(down_s AS INTEGER),
  CAST(setup_s AS INTEGER), CAST(idle_s AS INTEGER) FROM oee WHERE run_id = 1" | sort)
[ -n "$want" ] && [ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got") >&2 || true; fail "stored OEE differs from replay's"; }
# The press's known losses over the day: the 30-minute fault and the hour of setup.
[ "$(sql "SELECT down_s, setup_s FROM oee WHERE asset = 'press-21'")" = "1800.0|3600.0" ] ||
  fail "press-21 losses: $(sql "SELECT * FROM oee WHERE asset = 'press-21'")"

# Health judges a production asset's availability as OEE does (planned time only), not over the day.
want=$(jq -r '.assets[] | select(.asset == "press-21" and .day == null) | .availability * 1000 | round / 10' "$WORK/oee.json")
why=$(sql "SELECT why FROM health_components WHERE run_id = 1 AND asset = 'press-21' AND component = 'availability'")
[ "$why" = "$want % of planned production time running (OEE availability)" ] || fail "press-21's health availability: $why (OEE $want %)"

run report --history "$DB" -o markdown=report.md -o html=report.html
expect_rc 0 "report"
md=$(cat "$WORK/report.md")
line_oee=$(jq -r '.lines[] | select(.day == null and .line == "line-2") | .oee * 100 | . * 10 | round / 10' "$WORK/oee.json")
grep -qE "^\| line-2 \| \*\*${line_oee}[0-9.]* %\*\* \|" <<<"$md" || fail "line-2's OEE ${line_oee} % is not in the report"
# The biggest loss of the line comes first in its row.
biggest=$(jq -r '.lines[] | select(.day == null and .line == "line-2") | .losses | to_entries | max_by(.value) | .key' "$WORK/oee.json")
case $biggest in
  breakdowns) name="breakdowns and unplanned stops" ;;
  setup_and_adjustments) name="setup and adjustments" ;;
  idling_and_small_stops) name="idling (idle status)" ;;
  small_stops_while_running) name="small stops (running, counter still)" ;;
  reduced_speed) name="reduced speed" ;;
  rejects) name="rejects in production" ;;
  startup_rejects) name="rejects at startup" ;;
esac
grep -E "^\| line-2 \|" <<<"$md" | grep -qE "\| ${name}: [0-9.]+ (h|min) \([0-9]+ %\)" || fail "line-2's biggest loss ($name) is not first"
for want in "## OEE by line" "| press-21 | line-2 |" "| 30 min | 1.0 h |" "What the data could not separate:" \
  "Rejects at startup are those of the counter readings with rejects and no good part"; do
  grep -qF -- "$want" <<<"$md" || fail "the Markdown report lacks: $want"
done

# The HTML in a real browser: the Health and OEE sections render, with text, inside the page.
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (scripts/install-deps.sh)" >&2; exit 1; }
"$PY" "$SRC/tests/support/chromium_check.py" "$WORK/report.html" --points 1 --section health --section oee \
  --text "OEE by line" --text "What the data could not separate" --text "press-21" || fail "the OEE report in Chromium"

# A history of the first twinctl that wrote OEE (version 3 without the small-stop and startup-reject
# columns): the report reads it, and the next audit adds the columns.
cp "$DB" "$WORK/first-v3.db"
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [c.execute(f"ALTER TABLE oee DROP COLUMN {x}") for x in ("small_stop_s", "startup_reject", "startup_loss_s")]; c.commit()' \
  "$WORK/first-v3.db"
run report --history "$WORK/first-v3.db" -o markdown
expect_rc 0 "report of a first version-3 history"
expect_out "| press-21 | line-2 |"
run audit --twin twin --history "$WORK/first-v3.db" --readings readings.csv --now 2026-12-08T01:00:00Z
expect_rc 0 "audit into a first version-3 history"
DB="$WORK/first-v3.db"
[ "$(sql "SELECT count(*) FROM oee WHERE run_id = 2")" = 3 ] || fail "the first version-3 history was not patched"
DB="$WORK/history.db"

# Without readings there is no OEE, and the report says why.
run audit --twin twin --history "$DB" --now 2026-12-09T00:00:00Z
run report --history "$DB" -o markdown
expect_out "No OEE in this run: the audit was given no --readings"
finish
