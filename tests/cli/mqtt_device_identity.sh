#!/usr/bin/env bash
# Live MQTT: which device a topic is. With the README's filter plant-a/+/+/state, a PLC and an HMI on
# the same line are two devices (the topic through its last '+'), not one "plant-a/line-1"; two topics
# that would be one device fail the source (exit 3) naming both; ?device={N} names the device by a level.
# A real mosquitto broker.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start
RUN_DIR=$WORK
mkdir -p "$WORK/twin/assets"
cat >"$WORK/twin/twin.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Twin
id: plant-a
name: Plant A, lines 1 and 2
YAML
asset() { # ID CLASS FIRMWARE [LIVE]
  {
    printf 'apiVersion: twinctl/v1\nkind: Asset\nid: %s\nname: %s\nclass: %s\ncriticality: high\n' "$1" "$1" "$2"
    printf 'expected:\n  status: running\n  firmware: "%s"\n' "$3"
    [ -z "${4:-}" ] || printf 'live: {mqtt: %s}\n' "$4"
  } >"$WORK/twin/assets/$1.yaml"
}
asset plc-l1-01 plc V3.1.7
asset hmi-l1-01 hmi 17.0.3
asset plc-l2-01 plc V3.1.7
# A scale whose topic does not carry its id: its live.mqtt binding names it.
asset scale-l2-01 sensor 2.4.0 plant-a/line-2/weigher/state
B="mqtt://127.0.0.1:$PORT"
Q="settle_seconds=0.3&timeout_seconds=20"
NOW=2026-05-04T10:00:00Z

pub plant-a/line-1/plc-l1-01/state '{"status":"running","firmware":"V3.1.7"}'
pub plant-a/line-1/hmi-l1-01/state '{"status":"running","firmware":"17.0.3"}'
pub plant-a/line-2/plc-l2-01/state '{"status":"running","firmware":"V3.1.7"}'
pub plant-a/line-2/weigher/state '{"status":"running","firmware":"2.4.0"}'

# The README's example: four devices, each its own asset, no drift.
run drift --twin twin --live "$B/plant-a/+/+/state?profile=plain-json&$Q" --now $NOW -o json=drift.json -o table
expect_rc 0 "README filter, PLC and HMI on one line"
expect_out "4 items"
jq -e '.summary.findings == 0' "$WORK/drift.json" >/dev/null || fail "no findings expected"
run snapshot --twin twin --live "$B/plant-a/+/+/state?profile=plain-json&$Q" --now $NOW
expect_rc 0 "snapshot"
[ "$(jq -r '[.observations[] | "\(.asset)=\(.ref)"] | sort | join(" ")' <<<"$OUT")" = \
  "hmi-l1-01=plant-a/line-1/hmi-l1-01 plc-l1-01=plant-a/line-1/plc-l1-01 plc-l2-01=plant-a/line-2/plc-l2-01 scale-l2-01=plant-a/line-2/weigher/state" ] ||
  fail "each topic its own device: $(jq -c '[.observations[] | [.asset, .ref]]' <<<"$OUT")"

# A device the twin does not know is a device of its own, with the line in its name (unmanaged).
pub plant-a/line-1/cam-l1-09/state '{"status":"running"}'
run drift --twin twin --live "$B/plant-a/+/+/state?profile=plain-json&$Q" --now $NOW -o json
expect_rc 1 "an unmanaged device"
jq -e '[.findings[] | select(.rule == "TWIN107")] | length == 1' <<<"$OUT" >/dev/null || fail "one unmanaged device"
expect_out "plant-a/line-1/cam-l1-09"
pub plant-a/line-1/cam-l1-09/state ''

# Two topics that would be one device: the source fails, naming both; the asset is unobserved (exit 3).
pub plant-a/line-2/plc-l1-01/state '{"status":"stopped","firmware":"V1.0.0"}'
run drift --twin twin --live "$B/plant-a/+/+/state?profile=plain-json&$Q" --now $NOW
expect_rc 3 "two topics, one asset"
grep -qF "plant-a/line-1/plc-l1-01/state" <<<"$OUT$ERR" || fail "the first topic is named"
grep -qF "plant-a/line-2/plc-l1-01/state" <<<"$OUT$ERR" || fail "the second topic is named"
grep -qF "asset 'plc-l1-01'" <<<"$OUT$ERR" || fail "the asset is named"
expect_no_out "firmware is V1.0.0"
pub plant-a/line-2/plc-l1-01/state ''

# ?device={3}: the device is level 3 (the same four devices).
run snapshot --twin twin --live "$B/plant-a/+/+/state?profile=plain-json&device=%7B3%7D&$Q" --now $NOW
expect_rc 0 "device template {3}"
[ "$(jq -r '[.observations[] | select(.asset == "plc-l1-01") | .ref] | join(" ")' <<<"$OUT")" = "plc-l1-01" ] ||
  fail "{3} names the PLC by its level"
# ?device={2} would make the line the device: the PLC and the HMI cannot merge.
run drift --twin twin --live "$B/plant-a/+/+/state?profile=plain-json&device={2}&$Q" --now $NOW
expect_rc 3 "device template {2} merges a line's devices"
grep -qF "would both be device 'line-1'" <<<"$OUT$ERR" || fail "the merged device is named"
# A template that names no level is the user's error (exit 2).
run drift --twin twin --live "$B/plant-a/+/+/state?device=line&$Q" --now $NOW
expect_rc 2 "a template without a level"
expect_err "device template 'line'"

# The same through a Source with the template as an option.
mkdir -p "$WORK/twin/sources"
cat >"$WORK/twin/sources/lines.yaml" <<YAML
apiVersion: twinctl/v1
kind: Source
id: lines
adapter: plain-json
endpoint: mqtt://127.0.0.1:$PORT
topics: [plant-a/+/+/state]
options: {settle_seconds: 0.3, timeout_seconds: 20, device: "{3}"}
YAML
run drift --twin twin --live lines --now $NOW
expect_rc 0 "a Source with device: {3}"
expect_out "source lines (plain-json): 4 items"
finish
