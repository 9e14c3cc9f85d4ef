#!/usr/bin/env bash
# Detector settings per sensor class in the twin (kind: DetectorPolicy) and on
# the command line: precedence built-in < twin defaults < twin type < --set
# (all types) < --set TYPE:, and bad settings exit 2 with file:line.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
mkdir -p "$WORK/twin/policy"
cat >"$WORK/twin/twin.yaml" <<'EOF'
apiVersion: twinctl/v1
kind: Twin
id: policy-test
EOF
cat >"$WORK/twin/policy/detectors.yaml" <<'EOF'
apiVersion: twinctl/v1
kind: DetectorPolicy
defaults:
  gap: {min: 200}
types:
  pressure:
    gap: {min: 20}
  temperature:
    quality: {enabled: false}
EOF
# Two sensors not in the twin (the type is the sensorType): 12 readings a second apart (the gap
# detector judges once it has learned the interval), a bad one among them, then 88 s of silence.
{
  for t in 00 01 02 03 04 05 06 07 08 09 10 11; do
    q=good; [ "$t" = 02 ] && q=bad
    echo "2026-05-04T00:00:${t}Z,m1,temperature,20.$t,Cel,$q"
    echo "2026-05-04T00:00:${t}Z,m1,pressure,5.$t,bar,good"
  done
  echo "2026-05-04T00:01:40Z,m1,temperature,20.5,Cel,good"
  echo "2026-05-04T00:01:40Z,m1,pressure,5.5,bar,good"
} >"$WORK/r.csv"

# alerts ARGS...: replay r.csv with the twin; sets A to "sensor detector event" per alert.
alerts() {
  run replay r.csv --twin twin --fail-on none -o alerts=- "$@"
  expect_rc 0 "replay $*"
  A=$(/usr/bin/python3 -c 'import json,sys; [print(a["sensor"], a["detector"], a["event"]) for a in map(json.loads, filter(str.strip, sys.stdin))]' <<<"$OUT")
}
has() { grep -qx "$1" <<<"$A" || fail "expected alert '$1' in: $A"; }
hasnt() { ! grep -qx "$1" <<<"$A" || fail "unexpected alert '$1' in: $A"; }

# Built-in defaults (no twin): gap.min 30 s, so both sensors raise a gap; quality on.
run replay r.csv --fail-on none -o alerts=-
grep -q '"sensor":"temperature","detector":"gap","event":"raise"' <<<"$OUT" || fail "built-in: no gap on temperature"
grep -q '"sensor":"temperature","detector":"quality","event":"raise"' <<<"$OUT" || fail "built-in: no quality alert"

# The twin: defaults gap.min 200 (no gap on temperature), pressure's own 20 (gap), temperature's quality off.
alerts
has "pressure gap raise"
hasnt "temperature gap raise"
hasnt "temperature quality raise"

# --set TYPE: overrides the twin's type setting.
alerts --set temperature:quality=on
has "temperature quality raise"
# --set for all types overrides the twin's defaults and its types ...
alerts --set gap.min=500
hasnt "pressure gap raise"
hasnt "temperature gap raise"
# ... and a later --set TYPE: overrides that again.
alerts --set gap.min=500 --set pressure:gap.min=10
has "pressure gap raise"
hasnt "temperature gap raise"

# --- bad settings: exit 2 with file:line ------------------------------------------
cat >"$WORK/twin/policy/detectors.yaml" <<'EOF'
apiVersion: twinctl/v1
kind: DetectorPolicy
types:
  power:
    rate: {enabled: true}
EOF
run replay r.csv --twin twin
expect_rc 2 "rate on without rate.max"
expect_err "twin/policy/detectors.yaml:5:12: set rate.max"
cat >"$WORK/twin/policy/detectors.yaml" <<'EOF'
apiVersion: twinctl/v1
kind: DetectorPolicy
defaults:
  zscor: {limit: 6}
  cooldown: soon
types:
  "": {}
  vibration: [1, 2]
EOF
run replay r.csv --twin twin
expect_rc 2 "bad DetectorPolicy"
expect_err "twin/policy/detectors.yaml:4:3: error: unknown key 'zscor' in defaults (did you mean 'zscore'?)"
expect_err "twin/policy/detectors.yaml:5:13: error: 'cooldown' must be a number, not 'soon'"
expect_err "twin/policy/detectors.yaml:7:3: error: keys of 'types' must be sensor types"
expect_err "twin/policy/detectors.yaml:8:14: error: types.vibration must be a mapping, not"
cp "$WORK/twin/policy/detectors.yaml" "$WORK/twin/policy/more.yaml"
printf 'apiVersion: twinctl/v1\nkind: DetectorPolicy\n' >"$WORK/twin/policy/detectors.yaml"
printf 'apiVersion: twinctl/v1\nkind: DetectorPolicy\n' >"$WORK/twin/policy/more.yaml"
run validate --twin twin
expect_rc 2 "two DetectorPolicy documents"
expect_err "more than one DetectorPolicy"
# The schema agrees with what the loader reads.
cat >"$WORK/twin/policy/detectors.yaml" <<'EOF'
apiVersion: twinctl/v1
kind: DetectorPolicy
defaults: {cooldown: 120, zscore: {limit: 6, min-count: 20}, multivariate: {learn: 600, for: 2, keep: 20}}
types:
  vibration: {stuck: {enabled: false}, ewma: {tau: 30}, anomaly: {limit: 2, for: 1, keep: 30}}
  power: {rate: {max: 50}, multivariate: {enabled: false}}
EOF
rm "$WORK/twin/policy/more.yaml"
run validate --twin twin
expect_rc 0 "a valid DetectorPolicy"
/usr/bin/python3 "$SRC/tests/schema/check_schemas.py" "$SRC/schemas" "$WORK/twin" >"$WORK/schema.out" 2>&1 ||
  fail "the DetectorPolicy does not validate against its schema: $(cat "$WORK/schema.out")"
# The anomaly and multivariate settings are checked like every other: a bad value is file:line.
printf 'apiVersion: twinctl/v1\nkind: DetectorPolicy\ndefaults:\n  anomaly: {limit: 0}\n' >"$WORK/twin/policy/detectors.yaml"
run replay r.csv --twin twin
expect_rc 2 "anomaly.limit 0"
expect_err "twin/policy/detectors.yaml:4"
expect_err "'limit' must be a number >= 0.01, not 0"
run replay r.csv --set multivariate.learn=5
expect_rc 2 "multivariate.learn under its minimum"
expect_err "multivariate.learn must be 0 (50 rows per sensor) or a number >= 20"
finish
