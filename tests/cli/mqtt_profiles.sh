#!/usr/bin/env bash
# Live MQTT: retained state of each profile (plain-json, tasmota, homie, aws-shadow, auto)
# read from a real mosquitto; drift on it; the settle period ends a collection on a busy broker.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start
cp -r "$SRC/tests/data/mqtt-twin" "$WORK/twin"
RUN_DIR=$WORK
B="mqtt://127.0.0.1:$PORT"
Q="settle_seconds=0.3&timeout_seconds=20"

# plain-json: one JSON document per device; the device is the '+' level.
pub plant/press-07/state '{"status":"running","firmware":"4.2.0","ip":"10.20.3.17","oil_temp":71.3}'
pub plant/plc-l2-01/state '{"status":"RUN","firmware":"V3.1.7","observed_at":"2026-05-04T09:41:07Z"}'
pub plant/rogue-9/state '{"status":"running","ip":"10.20.3.250"}'
pub plant/press-07/cleared ''
live_read "$B/plant/+/state?profile=plain-json&$Q"
expect_rc 0 "plain-json read"
expect_out '"items":3'
expect_out '"ok":true'
grep -qF '"firmware":"4.2.0"' <<<"$(line_of plant/press-07)" || fail "press-07 firmware"
grep -qF '"oil_temp":71.3' <<<"$(line_of plant/press-07)" || fail "press-07 metric"
grep -qF '"observed_at":""' <<<"$(line_of plant/press-07)" || fail "a retained message has no receive time"
grep -qF '"observed_at":"2026-05-04T09:41:07Z"' <<<"$(line_of plant/plc-l2-01)" || fail "payload time"

# drift: the firmware drift and the rogue device, exit 1 (critical unmanaged device).
run drift --twin twin --live "$B/plant/+/state?profile=plain-json&$Q" --now 2026-05-04T10:00:00Z -o table -o json=drift.json
expect_rc 1 "drift on live MQTT"
expect_out "source 127.0.0.1 (plain-json): 3 items"
expect_out "firmware is 4.2.0, intended 4.2.1"
expect_out "TWIN107"
jq -e '.summary.findings >= 2' "$WORK/drift.json" >/dev/null || fail "drift.json summary"

# The same through a twin Source with topics and options.
mkdir -p "$WORK/twin/sources"
cat >"$WORK/twin/sources/lines.yaml" <<YAML
apiVersion: twinctl/v1
kind: Source
id: lines
adapter: plain-json
endpoint: mqtt://127.0.0.1:$PORT
topics: [plant/+/state]
options: {settle_seconds: 0.3, timeout_seconds: 20, qos: 1, client_id: twinctl-profiles-test}
YAML
run drift --twin twin --live lines --now 2026-05-04T10:00:00Z --fail-on none
expect_rc 0 "drift through a Source"
expect_out "source lines (plain-json): 3 items"
expect_out "firmware is 4.2.0, intended 4.2.1"

# tasmota: LWT, INFO1/INFO2, SENSOR.
pub tele/beacon-1/LWT Online
pub tele/beacon-1/INFO1 '{"Info1":{"Module":"Generic","Version":"13.2.0(tasmota)"}}'
pub tele/beacon-1/INFO2 '{"Info2":{"WebServerMode":"Admin","Hostname":"beacon-1","IPAddress":"10.20.3.40"}}'
pub tele/beacon-1/SENSOR '{"Time":"2026-05-04T09:40:00","DS18B20":{"Temperature":31.4},"TempUnit":"C"}'
live_read "$B/tele/%23?profile=tasmota&$Q"
expect_rc 0 "tasmota read"
l=$(line_of beacon-1)
grep -qF '"online":true' <<<"$l" || fail "tasmota online"
grep -qF '"firmware":"13.2.0(tasmota)"' <<<"$l" || fail "tasmota firmware"
grep -qF '"ip":"10.20.3.40"' <<<"$l" || fail "tasmota ip"
grep -qF '"DS18B20/Temperature":31.4' <<<"$l" || fail "tasmota metric"

# homie 5: $state, $localip, a property.
pub 'homie/5/drv-9/$state' lost
pub 'homie/5/drv-9/$localip' 10.20.3.41
pub homie/5/drv-9/motor/speed 1450
live_read "$B/homie/5/#?profile=homie&$Q"
expect_rc 0 "homie read (a literal '#' in the URL)"
l=$(line_of drv-9)
grep -qF '"online":false' <<<"$l" || fail "homie lost = offline"
grep -qF '"ip":"10.20.3.41"' <<<"$l" || fail "homie ip"
grep -qF '"motor/speed":1450' <<<"$l" || fail "homie metric"

# aws-shadow: a retained get/accepted document.
pub '$aws/things/press-07/shadow/get/accepted' "$(cat "$SRC/tests/data/live-formats/aws-shadow-get-accepted.json")"
live_read "$B/\$aws/things/+/shadow/get/accepted?profile=aws-shadow&$Q"
expect_rc 0 "aws-shadow read"
grep -qF '"firmware":"4.2.0"' <<<"$(line_of press-07)" || fail "aws-shadow firmware"

# auto (no profile): every profile by its topics; '#' does not match $aws topics.
live_read "$B/%23?$Q"
expect_rc 0 "auto read"
expect_out '"adapter":"mqtt"'
grep -qF '"online":true' <<<"$(line_of beacon-1)" || fail "auto: tasmota"
grep -qF '"firmware":"4.2.0"' <<<"$(line_of plant/press-07/state)" || fail "auto: plain-json (no '+': the topic)"

# settle: a device publishing live (non-retained) updates every 0.1 s does not keep the
# collection open; its live message is kept, with the time it was received.
(for _ in $(seq 60); do mosquitto_pub -h 127.0.0.1 -p "$PORT" -t plant/busy-1/state -m '{"status":"running"}'; sleep 0.1; done) 2>/dev/null &
busy=$!
sleep 0.5
live_read "$B/plant/+/state?profile=plain-json&settle_seconds=0.5&timeout_seconds=20"
expect_rc 0 "busy broker settles"
jq -se '.[0].seconds < 3' <<<"$OUT" >/dev/null || fail "the collection did not end after the settle period"
grep -qF '"observed_at":"20' <<<"$(line_of plant/busy-1)" || fail "a live message carries its receive time"
kill $busy 2>/dev/null || true
wait $busy 2>/dev/null || true
finish
