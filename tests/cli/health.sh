#!/usr/bin/env bash
# twinctl health on a line written by hand: a press whose bearing temperature creeps towards its
# alarm limit (known slope, so a known crossing time), a pump that is steady, a conveyor that stops a
# fifth of the time, an active alert, an overdue maintenance plan. Scores show their components; the
# risk gates (exit 1); the JSON validates against schemas/health.schema.json; bad input is exit 2.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
source "$SRC/tests/support/health_line.sh"
health_line "$WORK"

run health --twin twin --readings readings.csv --alerts alerts.jsonl -o json=health.json -o table
expect_rc 1 "the press is at risk: the default gate fails"
expect_out "AT RISK"
expect_out "press-31"
expect_out "crosses 85 Cel in"
python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/health.schema.json" "$WORK/health.json" ||
  fail "health JSON does not validate"
# Judged at the last reading; the press's daily peak crosses in about 1.3 days, inside its own interval;
# risk near 1.
jq -e '.now == "2026-12-03T23:55:00Z"' "$WORK/health.json" >/dev/null || fail "now: $(jq .now "$WORK/health.json")"
jq -e '.assets[] | select(.asset == "press-31") | .trends[0] |
       .trend == "rising" and (.slope_per_day > 1.3 and .slope_per_day < 1.7) and
       (.daily_swing > 1.8 and .daily_swing < 2.2) and
       (.crossing.expected_days > 1 and .crossing.expected_days < 1.7) and
       .crossing.earliest_days <= .crossing.expected_days and .crossing.latest_days >= .crossing.expected_days and
       .risk > 0.9' "$WORK/health.json" >/dev/null ||
  fail "press trend: $(jq -c '.assets[] | select(.asset == "press-31") | .trends' "$WORK/health.json")"
# The pump: matched through its live binding, no trend, risk about 0; one active alert (the stuck one cleared).
jq -e '.assets[] | select(.asset == "pump-32") | .trends[0].trend == "none" and .risk < 0.01 and
       (.components[] | select(.name == "alerts") | .penalty == 20 and (.why | startswith("1 active alert, worst critical")))' \
  "$WORK/health.json" >/dev/null || fail "pump: $(jq -c '.assets[] | select(.asset == "pump-32")' "$WORK/health.json")"
# The conveyor: up 80 % of the time (16 of 20 points off) and maintenance overdue (10): 74.
jq -e '.assets[] | select(.asset == "conveyor-33") | .score == 74 and
       (.components[] | select(.name == "availability") | .penalty > 15.9 and .penalty < 16.1) and
       (.components[] | select(.name == "maintenance") | .penalty == 10)' "$WORK/health.json" >/dev/null ||
  fail "conveyor: $(jq -c '.assets[] | select(.asset == "conveyor-33") | [.score, .components]' "$WORK/health.json")"
# Roll-ups: the site, line-3 (all three) and cell-3a (press and pump), each with its worst asset.
jq -e '[.rollups[] | [.level, .id, .assets]] == [["site", "plant-h", 3], ["line", "line-3", 3], ["cell", "cell-3a", 2]]' \
  "$WORK/health.json" >/dev/null || fail "rollups: $(jq -c .rollups "$WORK/health.json")"
# Drift was not checked: said so, no points taken for it.
jq -e '[.assets[].components[] | select(.name == "drift") | .has_data] | all | not' "$WORK/health.json" >/dev/null ||
  fail "drift has data without --live"

# The twin's HealthPolicy: a 30-day horizon makes nothing safer; --fail-on none passes; warning gate.
cat >"$WORK/twin/policy/health.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: HealthPolicy
warn_below: 80
risk_above: 0.95
YAML
run health --twin twin --readings readings.csv --alerts alerts.jsonl --fail-on warning -o json=h2.json
expect_rc 1 "the conveyor is under 80"
jq -e '.policy.warn_below == 80 and ([.assets[] | select(.warning) | .asset] | index("conveyor-33") != null)' \
  "$WORK/h2.json" >/dev/null || fail "policy: $(jq -c '[.policy, [.assets[] | [.asset, .score, .warning]]]' "$WORK/h2.json")"
run health --twin twin --readings readings.csv --fail-on none -o markdown
expect_rc 0 "--fail-on none"
expect_out "## Asset health — Plant H"
expect_out "| line | line-3 |"

# Bad input: a policy out of range, an alerts file that is not JSONL.
printf 'apiVersion: twinctl/v1\nkind: HealthPolicy\nrisk_above: 7\n' >"$WORK/twin/policy/health.yaml"
run health --twin twin
expect_rc 2 "risk_above 7"
expect_err "policy/health.yaml:3:"
rm "$WORK/twin/policy/health.yaml"
printf '{"ts": "2026-12-01T00:00:00Z", "asset": 3}\n' >"$WORK/bad.jsonl"
run health --twin twin --alerts bad.jsonl
expect_rc 2 "a bad alerts file"
expect_err "bad.jsonl:1"
finish
