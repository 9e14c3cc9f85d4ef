#!/usr/bin/env bash
# Live MQTT fails closed: broker down, no answer, unresolvable host, a malformed payload
# among good ones. Each is a failed source named with its reason, its assets are
# unobserved (never missing) and drift exits 3. The user's own mistakes exit 2.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start
cp -r "$SRC/tests/data/mqtt-twin" "$WORK/twin"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
Q="settle_seconds=0.3&timeout_seconds=20"

expect_failed_source() { # WHAT REASON
  expect_rc 3 "$1"
  expect_out "FAILED"
  expect_out "$2"
  expect_out "Unobserved"
  expect_out "press-07"
  expect_no_out "TWIN106"
  expect_err "could not be read"
}

# Broker down: nothing listens on the port.
DOWN=$(free_port)
run drift --twin twin --live "mqtt://127.0.0.1:$DOWN/plant/+/state?profile=plain-json&$Q" --now $NOW
expect_failed_source "broker down" "Connection refused"

# A server that accepts the connection and never answers: the connect timeout.
silent_server
run drift --twin twin --live "mqtt://127.0.0.1:$SILENT_PORT/#?profile=plain-json&connect_timeout_seconds=0.5" --now $NOW
expect_failed_source "no answer" "no answer from the broker within 0.5 s"
# ... and the overall timeout when it is the shorter one.
run drift --twin twin --live "mqtt://127.0.0.1:$SILENT_PORT/#?profile=plain-json&timeout_seconds=0.4" --now $NOW
expect_failed_source "timeout" "no answer from the broker within 0.4 s"

# A host name that does not resolve.
run drift --twin twin --live "mqtt://no-such-broker.invalid:1883/#?profile=plain-json&$Q" --now $NOW
expect_failed_source "DNS" "cannot resolve the host name"

# One malformed JSON payload among good ones fails the source and names its topic.
pub plant/press-07/state '{"status":"running","firmware":"4.2.1","ip":"10.20.3.17"}'
pub plant/plc-l2-01/state '{"status":"running","firmware":"V3.1.7"}'
run drift --twin twin --live "mqtt://127.0.0.1:$PORT/plant/+/state?profile=plain-json&$Q" --now $NOW
expect_rc 0 "all good"
pub plant/bad-1/state '{"status": "running", '
run drift --twin twin --live "mqtt://127.0.0.1:$PORT/plant/+/state?profile=plain-json&$Q" --now $NOW
expect_failed_source "malformed payload" "topic 'plant/bad-1/state': malformed JSON payload"
# --allow-partial gates on what was read: nothing was, so nothing is missing either.
run drift --twin twin --live "mqtt://127.0.0.1:$PORT/plant/+/state?profile=plain-json&$Q" --now $NOW --allow-partial
expect_rc 0 "allow-partial"
expect_no_out "TWIN106"
pub plant/bad-1/state ''

# The user's mistakes: exit 2 with a message, before connecting.
run drift --twin twin --live "mqtt://127.0.0.1:$PORT/plant/+/state?profile=nope" --now $NOW
expect_rc 2 "unknown profile"
expect_err "unknown MQTT profile 'nope'"
run drift --twin twin --live "mqtt://127.0.0.1:$PORT/plant/#/state" --now $NOW
expect_rc 2 "bad filter"
expect_err "invalid MQTT topic filter"
run drift --twin twin --live "mqtt://127.0.0.1:$PORT/plant/+/state?settle=1" --now $NOW
expect_rc 2 "unknown option"
expect_err "unknown MQTT option 'settle'"
mkdir -p "$WORK/twin/sources"
cat >"$WORK/twin/sources/typo.yaml" <<YAML
apiVersion: twinctl/v1
kind: Source
id: typo
adapter: plain-json
endpoint: mqtt://127.0.0.1:$PORT
topics: [plant/+/state]
options: {settle_secs: 1}
YAML
run drift --twin twin --live typo --now $NOW
expect_rc 2 "unknown Source option"
expect_err "source 'typo' (twin/sources/typo.yaml:"
expect_err "unknown MQTT option 'settle_secs'"
finish
