#!/usr/bin/env bash
# The audit records health per run, and the report shows it: three nightly audits of the hand-written
# line of tests/support/health_line.sh, each with the readings up to that night, store the scores,
# risks and components `twinctl health` gives for the same inputs (one implementation); the report
# (HTML and Markdown) shows the lowest assets with why, the line roll-up and the trend. A version-1
# history is migrated by the next audit and its old runs report "no health recorded".
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
PY=/usr/bin/python3
source "$SRC/tests/support/health_line.sh"
health_line "$WORK"
DB="$WORK/history.db"
sql() { "$PY" -c 'import sqlite3,sys; print("\n".join("|".join("" if v is None else str(v) for v in r) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$DB" "$1"; }

# Three nights: readings up to 11-28, 12-01 and 12-04 (the press's bearing keeps rising).
for night in 2026-11-28 2026-12-01 2026-12-04; do
  awk -F, -v end="${night}T00:00:00Z" 'NR == 1 || $1 < end' "$WORK/readings.csv" >"$WORK/upto-$night.csv"
  run audit --twin twin --history "$DB" --readings "upto-$night.csv" --alerts alerts.jsonl --now "${night}T00:00:00Z"
  expect_rc 0 "audit of $night"
done
[ "$(sql 'SELECT count(*) FROM health_runs')" = 3 ] || fail "health of 3 runs: $(sql 'SELECT * FROM health_runs')"
[ "$(sql 'SELECT readings, window_to FROM health_runs WHERE run_id = 3')" = "12096|2026-12-03T23:55:00Z" ] ||
  fail "run 3's inputs: $(sql 'SELECT * FROM health_runs WHERE run_id = 3')"

# Readings that cannot be read: exit 2 and nothing recorded; lines that are not readings are skipped.
run audit --twin twin --history "$DB" --readings missing.csv --now 2026-12-05T00:00:00Z
expect_rc 2 "a missing readings file"
expect_err "missing.csv"
[ "$(sql 'SELECT count(*) FROM runs')" = 3 ] || fail "a failed audit recorded a run"
run audit --twin twin --no-history --readings readings.csv
expect_err "with --no-history they are not read"

# What the last run stored is what `twinctl health` says of the same inputs at the same time.
run health --twin twin --readings readings.csv --alerts alerts.jsonl --now 2026-12-04T00:00:00Z --fail-on none \
  -o json=health.json
expect_rc 0 "health of the same inputs"
want=$(jq -r '.assets[] | [.asset, (.score * 100 | round), ((.risk // -1) * 1000 | round)] | join("|")' "$WORK/health.json")
got=$(sql "SELECT asset, CAST(round(score * 100) AS INTEGER), CAST(round(coalesce(risk, -1) * 1000) AS INTEGER) FROM health_assets WHERE run_id = 3 ORDER BY asset")
[ "$want" = "$got" ] || fail "stored scores differ from twinctl health: want $want, got $got"
want=$(jq -r '.assets[] | select(.score < 100) | .asset as $a | .components[] | [$a, .name, (.penalty * 100 | round), .why] | join("|")' "$WORK/health.json" | sort)
got=$(sql "SELECT asset, component, CAST(round(penalty * 100) AS INTEGER), why FROM health_components WHERE run_id = 3" | sort)
[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got") >&2 || true; fail "stored components differ from twinctl health"; }
want=$(jq -r '.rollups[] | [.level, .id, (.score * 100 | round), .warnings, .at_risk] | join("|")' "$WORK/health.json" | sort)
got=$(sql "SELECT level, id, CAST(round(score * 100) AS INTEGER), warnings, at_risk FROM health_scores WHERE run_id = 3" | sort)
[ "$want" = "$got" ] || fail "stored roll-ups differ: want $want, got $got"
# The press gets worse night after night.
scores=$(sql "SELECT CAST(round(score) AS INTEGER) FROM health_assets WHERE asset = 'press-31' ORDER BY run_id" | tr '\n' ' ')
read -r p1 p2 p3 <<<"$scores"
[ "$p1" -gt "$p3" ] && [ "$p2" -ge "$p3" ] || fail "press-31 over the runs: $scores"

# The report: the Health section in Markdown and HTML.
run report --history "$DB" -o markdown=report.md -o html=report.html
expect_rc 0 "report"
md=$(cat "$WORK/report.md")
for want in "## Health" "### Lowest-scoring assets, and why" "| line-3 |" "**maintenance −10**: 1 maintenance task overdue" \
  "**availability −16**" "**degradation −15**: bearing-temp crosses 85 Cel in" "_trend_: motor-temp no trend" "### Health trend (last 3 runs)" "| #3 | 2026-12-04 |" \
  "Not scored in this run: drift (no live state: run the audit with --live)"; do
  grep -qF -- "$want" <<<"$md" || fail "the Markdown report lacks: $want"
done
site3=$(sql "SELECT CAST(round(score) AS INTEGER) FROM health_scores WHERE run_id = 3 AND level = 'site'")
site2=$(sql "SELECT CAST(round(score) AS INTEGER) FROM health_scores WHERE run_id = 2 AND level = 'site'")
grep -qF "Site score **$site3** of 100" <<<"$md" || fail "the site score $site3 is not in the report"
# The lowest asset comes first, with its score.
first=$(grep -A4 '^### Lowest-scoring assets' "$WORK/report.md" | tail -1)
lowest=$(sql "SELECT asset FROM health_assets WHERE run_id = 3 ORDER BY score, asset LIMIT 1")
grep -qF "| $lowest |" <<<"$first" || fail "the first asset row is not $lowest: $first"
grep -q 'id="s-health"' "$WORK/report.html" && grep -q '<svg class="chart" id="health-trend"' "$WORK/report.html" ||
  fail "the HTML report has no health section or chart"
[ "$(grep -o '<circle class="pt" cx="[0-9.]*" cy="[0-9.]*" r="3.5"><title>Run [0-9]*, 2026-[0-9-]*: site' "$WORK/report.html" | wc -l)" = 3 ] ||
  fail "the health chart does not have 3 points"
# In a real browser: the section renders inside the page, the chart has a titled point per run.
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (scripts/install-deps.sh)" >&2; exit 1; }
"$PY" "$SRC/tests/support/chromium_check.py" "$WORK/report.html" --points 3 --health-points 3 --section health \
  --text "Lowest-scoring assets, and why" --text "maintenance −10: 1 maintenance task overdue" ||
  fail "the health report in Chromium"
run report --history "$DB" --run 2 -o markdown
grep -qF "Site score **$site2** of 100" <<<"$OUT" || fail "run 2's site score $site2"
# The fleet report gives each site's health at its latest run.
run report --history "$DB" --site all -o markdown
grep -qE "^\| plant-h \|.*\| $site3 \|$" <<<"$OUT" || fail "the fleet report lacks plant-h's health $site3"
fleet_md=$OUT

# A version-1 history (as twinctl wrote it before health): the next audit migrates it, keeps its
# runs, and the report of an old run says it has no health.
"$PY" "$SRC/tests/support/history_fixture.py" --runs 3 "$WORK/v1.db"
"$PY" - "$WORK/v1.db" <<'PYV1'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("oee", "health_components", "health_assets", "health_scores", "health_runs"):
    db.execute(f"DROP TABLE {t}")
db.execute("PRAGMA user_version = 1")
db.commit()
PYV1
run report --history "$WORK/v1.db" --site plant-a -o markdown
expect_rc 0 "report of a version-1 history"
expect_out "This run recorded no health"
run audit --twin twin --history "$WORK/v1.db" --readings readings.csv --now 2026-12-04T00:00:00Z
expect_rc 0 "audit into a version-1 history"
DB="$WORK/v1.db"
[ "$(sql 'PRAGMA user_version')" = 3 ] && [ "$(sql 'SELECT count(*) FROM health_runs')" = 1 ] ||
  fail "the version-1 history was not migrated: $(sql 'PRAGMA user_version')"
run report --history "$WORK/v1.db" --site plant-h -o markdown
expect_out "Site score **"

# PostgreSQL (a private server, tests/support/pg.sh): the same three nights give the same report, byte
# for byte; a version-1 database is migrated by the next audit.
source "$SRC/tests/support/pg.sh"
pg_start
pg_createdb health
for night in 2026-11-28 2026-12-01 2026-12-04; do
  run audit --twin twin --history "$(pg_url health)" --readings "upto-$night.csv" --alerts alerts.jsonl \
    --now "${night}T00:00:00Z"
  expect_rc 0 "audit of $night into PostgreSQL"
done
run report --history "$(pg_url health)" -o markdown
expect_rc 0 "report from PostgreSQL"
[ "$OUT" = "$md" ] || { diff <(echo "$md") <(echo "$OUT") | head -20 >&2 || true; fail "the PostgreSQL report differs"; }
run report --history "$(pg_url health)" --site all -o markdown
[ "$OUT" = "$fleet_md" ] || fail "the PostgreSQL fleet report differs"
psql_q health "DROP TABLE oee, health_components, health_assets, health_scores, health_runs"
psql_q health "DELETE FROM twinctl_schema_versions"
psql_q health "INSERT INTO twinctl_schema_versions (version) VALUES (1)"
run report --history "$(pg_url health)" -o markdown
expect_rc 0 "report from a version-1 PostgreSQL history"
expect_out "This run recorded no health"
run audit --twin twin --history "$(pg_url health)" --readings readings.csv --now 2026-12-05T00:00:00Z
expect_rc 0 "audit into a version-1 PostgreSQL history"
[ "$(psql_q health 'SELECT max(version) FROM twinctl_schema_versions')" = 3 ] &&
  [ "$(psql_q health 'SELECT count(*) FROM health_assets WHERE run_id = 4')" = 3 ] ||
  fail "the version-1 PostgreSQL history was not migrated"
# A version-3 database of the first OEE commit (without the small-stop and startup-reject columns).
psql_q health "ALTER TABLE oee DROP COLUMN small_stop_s, DROP COLUMN startup_reject, DROP COLUMN startup_loss_s"
run report --history "$(pg_url health)" -o markdown
expect_rc 0 "report from a first version-3 PostgreSQL history"
run audit --twin twin --history "$(pg_url health)" --readings readings.csv --now 2026-12-06T00:00:00Z
expect_rc 0 "audit into a first version-3 PostgreSQL history"
[ "$(psql_q health "SELECT count(*) FROM information_schema.columns WHERE table_name = 'oee' AND column_name IN
  ('small_stop_s', 'startup_reject', 'startup_loss_s')")" = 3 ] || fail "the oee columns were not added on PostgreSQL"
finish
