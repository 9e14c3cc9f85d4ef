#!/usr/bin/env bash
# Live MQTT, Sparkplug B: protobuf payloads encoded by the test with the generated classes of
# lib/live/mqtt/sparkplug_b.proto, published retained to a real mosquitto. Births make devices
# online, DDEATH/NDEATH offline (by payload timestamp: a broker sends retained messages in
# its own order), firmware and status come from metrics; a payload that is not protobuf fails
# the source.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start
cp -r "$SRC/tests/data/mqtt-twin" "$WORK/twin"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
mkdir -p "$WORK/twin/sources" "$WORK/pb"
cat >"$WORK/twin/sources/spb.yaml" <<YAML
apiVersion: twinctl/v1
kind: Source
id: spb
adapter: sparkplug
endpoint: mqtt://127.0.0.1:$PORT
topics: [spBv1.0/#, \$sparkplug/certificates/#]
options: {settle_seconds: 0.3, timeout_seconds: 20}
YAML

# Every message of the example Sparkplug session, in the order of the capture, but the last
# two (NDEATH of another node, DDATA of press-07): STATE as JSON, the rest as protobuf.
publish_session() { # FIRST LAST (0-based message indices)
  local i topic enc
  for i in $(seq "$1" "$2"); do
    topic=$(jq -r ".messages[$i].topic" "$SESSION")
    enc=$(jq -r ".messages[$i].payload_encoding" "$SESSION")
    if [ "$enc" = json ]; then
      pub "$topic" "$(jq -c ".messages[$i].payload" "$SESSION")"
    else
      jq -c ".messages[$i].payload" "$SESSION" | "$SPARKPLUG_ENCODE" >"$WORK/pb/$i.bin"
      pub_file "$topic" "$WORK/pb/$i.bin"
    fi
  done
}
SESSION=$SRC/tests/data/live-formats/sparkplug-session-capture.json
[ -f "$SESSION" ] || fail "missing $SESSION"
publish_session 0 3

live_read "mqtt://127.0.0.1:$PORT/spBv1.0/%23?profile=sparkplug&settle_seconds=0.3"
expect_rc 0 "sparkplug read"
l=$(line_of line2/edge-l2-1/press-07)
grep -qF '"online":true' <<<"$l" || fail "press-07 online after DBIRTH"
grep -qF '"firmware":"4.2.0"' <<<"$l" || fail "press-07 firmware from Properties/FW"
grep -qF '"status":"running"' <<<"$l" || fail "press-07 status from Status/State"
grep -qF '"Hydraulics/OilTemp":70.9' <<<"$l" || fail "press-07 metric"
grep -qF '"online":true' <<<"$(line_of scada-primary)" || fail "STATE online"

run drift --twin twin --live spb --now $NOW --fail-on none
expect_rc 0 "sparkplug drift, report only"
expect_out "source spb (sparkplug)"
expect_out "firmware is 4.2.0, intended 4.2.1"

# DDEATH of plc-l2-01 (published retained, later timestamp): offline.
publish_session 4 6
live_read "mqtt://127.0.0.1:$PORT/spBv1.0/%23?profile=sparkplug&settle_seconds=0.3"
expect_rc 0 "sparkplug read after DDEATH"
grep -qF '"online":false' <<<"$(line_of line2/edge-l2-1/plc-l2-01)" || fail "plc-l2-01 offline after DDEATH"
grep -qF '"online":false' <<<"$(line_of line2/edge-l2-9)" || fail "edge-l2-9 offline after NDEATH"
grep -qF '"Hydraulics/OilTemp":71.3' <<<"$(line_of line2/edge-l2-1/press-07)" || fail "DDATA by alias"
run drift --twin twin --live spb --now $NOW
expect_rc 1 "plc-l2-01 offline while intended running"
expect_out "TWIN101  plc-l2-01"
expect_out "offline"

# NDEATH of edge-l2-1 with a later timestamp: the node and all its devices are offline.
echo '{"timestamp": 1746360000000, "metrics": [{"name": "bdSeq", "dataType": "UInt64", "value": 3}]}' |
  "$SPARKPLUG_ENCODE" >"$WORK/pb/ndeath.bin"
pub_file spBv1.0/line2/NDEATH/edge-l2-1 "$WORK/pb/ndeath.bin"
live_read "mqtt://127.0.0.1:$PORT/spBv1.0/%23?profile=sparkplug&settle_seconds=0.3"
grep -qF '"online":false' <<<"$(line_of line2/edge-l2-1/press-07)" || fail "press-07 offline after NDEATH"

# A payload that is not protobuf: the source fails, naming the topic; exit 3.
"$SPARKPLUG_ENCODE" --garbage >"$WORK/pb/garbage.bin"
pub_file spBv1.0/line2/DDATA/edge-l2-1/press-07 "$WORK/pb/garbage.bin"
run drift --twin twin --live spb --now $NOW
expect_rc 3 "bad protobuf"
expect_out "topic 'spBv1.0/line2/DDATA/edge-l2-1/press-07'"
expect_out "not a Sparkplug B payload"
expect_no_out "TWIN106"
finish
