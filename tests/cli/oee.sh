#!/usr/bin/env bash
# OEE from readings on a line written by hand, against a known answer: a press whose early shift has
# a breakdown, a changeover and a planned lunch stop, runs slower than its ideal cycle and makes some
# rejects (its good-part counter resets mid-shift, as PLC counters do); a welder counts all parts.
# replay -o oee=FILE gives availability, performance, quality and the losses per shift, asset and line.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
source "$SRC/tests/support/oee_line.sh"
oee_line "$WORK"

run replay readings.csv --twin twin -o oee=oee.json -o table
expect_rc 0 "replay with -o oee"
python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/oee.schema.json" "$WORK/oee.json" || fail "oee JSON schema"
near() { jq -e "$1" "$WORK/oee.json" >/dev/null || fail "$2: $(jq -c "$3" "$WORK/oee.json")"; }
P='.assets[] | select(.asset == "press-21")'
near "[$P | select(.shift == \"early\") | (.availability - 0.8 | fabs) < 0.005 and (.performance - 0.75 | fabs) < 0.01
      and (.quality - 0.95 | fabs) < 0.005 and (.oee - 0.57 | fabs) < 0.01] == [true]" "press early shift" \
  "[$P | select(.shift == \"early\")]"
near "[$P | select(.shift == \"early\") | .seconds.planned == 27000 and .seconds.planned_stops == 1800 and
      .losses.breakdowns == 1800 and .losses.setup_and_adjustments == 3600] == [true]" "press early losses" \
  "[$P | select(.shift == \"early\") | [.seconds, .losses]]"
near "[$P | select(.shift == \"late\") | (.availability - 0.5 | fabs) < 0.005 and (.performance - 1 | fabs) < 0.01
      and .quality > 0.99 and .losses.idling_and_small_stops == 14400] == [true]" "press late shift" \
  "[$P | select(.shift == \"late\")]"
W='.assets[] | select(.asset == "weld-22")'
near "[$W | select(.shift == \"early\") | .availability == 1 and (.performance - 1 | fabs) < 0.01 and .quality == 1] == [true]" \
  "weld early (matched by its live binding, total counter)" "[$W]"
near '[.lines[] | select(.line == "line-2" and .shift == "early") | (.availability - (360 + 450) / 900 | fabs) < 0.005] == [true]' \
  "line-2 early" '.lines'
expect_err "oee: press-21: 1 counter reset"

# A rogue timestamp far in the future: counted as nothing, not as a century of periods (bounded time).
{ cat "$WORK/readings.csv"; echo "9999-12-31T23:59:00Z,press-21,state,running,,good"; } >"$WORK/rogue.csv"
run replay rogue.csv --twin twin -o oee=rogue.json
expect_rc 0 "a reading in 9999"
[ "$(jq '[.assets[] | select(.asset == "press-21")] | length' "$WORK/rogue.json")" -le 4 ] ||
  fail "periods for the gap: $(jq -c '[.assets[] | [.asset, .day, .shift]]' "$WORK/rogue.json")"

# Without production settings, or without the twin: a clear error.
run replay readings.csv -o oee=x.json
expect_rc 2 "-o oee without --twin"
expect_err "-o oee needs the twin"
printf 'apiVersion: twinctl/v1\nkind: Asset\nid: p\nname: P\nclass: machine\nsensors: [{id: s, type: status}]\nproduction: {ideal_cycle: 0, good: s}\n' \
  >"$WORK/twin/assets/bad.yaml"
run validate --twin twin
expect_rc 2 "ideal_cycle 0"
expect_err "ideal_cycle must be more than 0 s"
printf 'apiVersion: twinctl/v1\nkind: Asset\nid: p\nname: P\nclass: machine\nproduction: {ideal_cycle: 3, good: counter}\n' \
  >"$WORK/twin/assets/bad.yaml"
run validate --twin twin
expect_rc 2 "a counter the asset does not have"
expect_err "production names sensor 'counter'"
rm "$WORK/twin/assets/bad.yaml"
printf 'apiVersion: twinctl/v1\nkind: ShiftCalendar\nshifts: [{name: early, start: "6:00", end: "14:00"}]\n' \
  >"$WORK/twin/policy/shifts.yaml"
run validate --twin twin
expect_rc 2 "a bad time of day"
expect_err "policy/shifts.yaml:3:"
finish
