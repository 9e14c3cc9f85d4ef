#!/usr/bin/env bash
# drift on the example factory and its snapshot: every drift kind shows up,
# equivalent forms do not, suppressed findings stay visible, the run is incomplete.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
cp -r "$SRC/examples/live" "$WORK/live"
RUN_DIR=$WORK

run drift --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --color never
expect_rc 3 "azure-utilities failed: incomplete"
for want in "TWIN101  plc-l2-01" "TWIN102  hmi-l1-01" "TWIN103  press-01" "TWIN104  robot-l2-01" \
            "TWIN105  gw-l2-opcua" "TWIN106  robot-l2-03" "TWIN107  plant-a/line-1/rpi-4b-7f3a" \
            "TWIN108  cnc-l3-02" "TWIN901  cnc-l3-*" "Unobserved" "comp-01" "Run INCOMPLETE"; do
  expect_out "$want"
done
# Equivalent forms are not drift: the status alias RUN, a v-prefixed firmware, upper-case checksum hex.
expect_no_out "plc-l1-01"
expect_no_out "drv-l1-01"
expect_no_out "plc-l3-01"
# The suppressed finding is shown with its reason and does not gate.
expect_out "hmi-l2-01 firmware — PanelView firmware 13.00"
expect_err "source azure-utilities could not be read"
golden drift_example.table

run drift --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --allow-partial --color never
expect_rc 1 "--allow-partial gives the gate's result"

run drift --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --allow-partial --fail-on none -o json
expect_rc 0 "fail-on none"
python3 - "$OUT" <<'PY' || fail "JSON summary"
import json, sys
d = json.loads(sys.argv[1])
assert d["incomplete"] is True
kinds = {f["kind"] for f in d["findings"]}
assert {"changed", "missing", "unmanaged", "stale", "policy"} <= kinds, kinds
assert [u["asset"] for u in d["unobserved"]] == ["comp-01"], d["unobserved"]
sup = [f for f in d["findings"] if f["suppressed"]]
assert len(sup) == 1 and sup[0]["asset"] == "hmi-l2-01" and "PanelView" in sup[0]["suppression"]["reason"]
fw = [f for f in d["findings"] if f["rule"] == "TWIN103" and f["asset"] == "press-01"][0]
assert fw["intended"] == "4.12.3" and fw["live"] == "V4.12.1" and fw["live_normalized"] == "4.12.1"
assert fw["location"]["line"] > 1 and fw["fingerprint"]
PY
# snapshot -o to a FIFO or device writes in place: it must never rename a file over it (as it once
# did over /dev/null).
mkfifo "$WORK/pipe"
cat "$WORK/pipe" >"$WORK/from-pipe" &
reader=$!
run snapshot --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --allow-partial -o "$WORK/pipe"
wait "$reader"
expect_rc 0 "snapshot -o FIFO"
[ -p "$WORK/pipe" ] || fail "snapshot replaced the FIFO with a file"
grep -q '"twinctl-live/v1"' "$WORK/from-pipe" || fail "the reader of the FIFO got no snapshot"
finish
