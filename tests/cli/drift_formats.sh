#!/usr/bin/env bash
# Every drift output format on the example factory, golden files with --now fixed;
# SARIF validates against the official schema and GitHub's rules, JSON against ours.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
cp -r "$SRC/examples/live" "$WORK/live"
RUN_DIR=$WORK
ARGS=(drift --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --allow-partial --color never)

for fmt in table json sarif markdown github junit baseline; do
  run "${ARGS[@]}" -o "$fmt"
  expect_rc 1 "drift -o $fmt"
  [ -n "$OUT" ] || fail "-o $fmt wrote nothing"
  golden "drift_example.$fmt"
  printf '%s\n' "$OUT" >"$WORK/out.$fmt"
done

/usr/bin/python3 "$SRC/tests/schema/validate_sarif.py" "$WORK/out.sarif" || fail "SARIF does not validate"
/usr/bin/python3 - "$SRC/schemas/report.schema.json" "$WORK/out.json" <<'PY' || fail "JSON does not validate against schemas/report.schema.json"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
/usr/bin/python3 - "$SRC/schemas/baseline.schema.json" "$WORK/out.baseline" <<'PY' || fail "baseline does not validate"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$WORK/out.junit" || fail "JUnit is not XML"

# Several outputs in one run, into files; suppressed findings never reach SARIF.
run "${ARGS[@]}" -o table -o sarif="$WORK/d.sarif" -o markdown="$WORK/summary.md" --sarif-category plant-a
expect_rc 1 "several outputs"
grep -q '"plant-a/' "$WORK/d.sarif" || fail "SARIF category missing"
grep -q 'hmi-l2-01' "$WORK/d.sarif" && fail "a suppressed finding reached SARIF"
[ "$(stat -c %s "$WORK/summary.md")" -lt 1048576 ] || fail "job summary over 1 MiB"

# Writing to a device writes through it and leaves it a device.
run "${ARGS[@]}" -o json=/dev/null -o table
expect_rc 1 "-o json=/dev/null"
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
mkfifo "$WORK/pipe"
(cat "$WORK/pipe" >"$WORK/from-pipe") &
run "${ARGS[@]}" -o sarif="$WORK/pipe"
wait
[ -p "$WORK/pipe" ] || fail "the FIFO was replaced by a file"
grep -q '"runs"' "$WORK/from-pipe" || fail "nothing came through the FIFO"

# An incomplete run says so in SARIF.
run drift --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z -o sarif
expect_rc 3 "incomplete"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["runs"][0]["invocations"][0]["executionSuccessful"] is False' <<<"$OUT" \
  || fail "executionSuccessful is not false for an incomplete run"
finish
