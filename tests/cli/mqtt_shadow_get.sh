#!/usr/bin/env bash
# Live MQTT, AWS IoT device shadows that are not retained: with --aws-shadow-get
# (or a Source's shadow_get: "true") twinctl publishes an empty message to each
# thing's $aws/things/T/shadow/get and collects the answers from a shadow
# service. The service here is a real subscriber/publisher pair on a real
# mosquitto (the AWS IoT service itself cannot run here), answering from files,
# 404 for a thing without a shadow, and not at all for a thing it does not know.
# The broker's log proves that those requests are the only messages twinctl
# publishes, and that without the flag it publishes nothing.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start
RUN_DIR=$WORK
NOW=2025-05-04T09:50:00Z # 9 min after the shadow documents
DOC="$SRC/tests/data/live-formats/aws-shadow-get-accepted.json"

mkdir -p "$WORK/twin/assets" "$WORK/shadows"
printf 'apiVersion: twinctl/v1\nkind: Twin\nid: plant-s\nname: Shadow plant\n' >"$WORK/twin/twin.yaml"
asset() { # ID THING FIRMWARE
  printf 'apiVersion: twinctl/v1\nkind: Asset\nid: %s\nname: %s\nclass: machine\nlive: {aws: %s}\nexpected: {status: running, firmware: %s}\n' \
    "$1" "$1" "$2" "$3" >"$WORK/twin/assets/$1.yaml"
}
asset press-07 press07-thing 4.2.1
asset robot-1 robot1-thing 4.2.0
asset conveyor-2 conveyor2-thing 1.0.0
cp "$DOC" "$WORK/shadows/press07-thing.json"                                        # firmware 4.2.0: drift
jq 'del(.state.desired, .state.delta, .metadata.desired)' "$DOC" >"$WORK/shadows/robot1-thing.json" # in sync

# The shadow service: answers get requests as AWS IoT does (not retained); unknown things get no answer.
mkfifo "$WORK/requests"
mosquitto_sub -h 127.0.0.1 -p "$PORT" -i shadow-service -t '$aws/things/+/shadow/get' -v >"$WORK/requests" &
MQTT_PIDS+=($!)
while read -r topic _; do
  thing=${topic#\$aws/things/}
  thing=${thing%/shadow/get}
  if [ -f "$WORK/shadows/$thing.json" ]; then
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -i shadow-answer -t "$topic/accepted" -f "$WORK/shadows/$thing.json"
  elif [ "$thing" = conveyor2-thing ]; then
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -i shadow-answer -t "$topic/rejected" \
      -m '{"code":404,"message":"No shadow exists with name: '"$thing"'"}'
  fi
done <"$WORK/requests" &
MQTT_PIDS+=($!)
for _ in $(seq 100); do grep -qF "Received SUBSCRIBE from shadow-service" "$BROKER_LOG" && break; sleep 0.05; done

# A 3 s settle: each answer is a new mosquitto_pub process, which a loaded CI machine may take a while to start.
URL="mqtt://127.0.0.1:$PORT/?profile=aws-shadow&settle_seconds=3&timeout_seconds=20&client_id=twinctl-shadow"

# Without the flag: nothing asked, nothing received, and nothing published.
run snapshot --twin twin --live "mqtt://127.0.0.1:$PORT/\$aws/things/+/shadow/get/accepted?profile=aws-shadow&settle_seconds=0.5&client_id=twinctl-plain" -o plain.json --now $NOW
expect_rc 0 "aws-shadow without the flag"
[ "$(jq '.sources[0].items' "$WORK/plain.json")" = 0 ] || fail "without the flag there are no shadows to read"
if grep -E "Received PUBLISH from twinctl-plain" "$BROKER_LOG"; then fail "twinctl published without --aws-shadow-get"; fi

# With the flag: two shadows read, conveyor-2 has none (404) and is missing.
run snapshot --twin twin --live "$URL" --aws-shadow-get -o shadows.json --now $NOW
expect_rc 0 "snapshot with --aws-shadow-get"
jq -e '.sources[0].ok and .sources[0].items == 2' "$WORK/shadows.json" >/dev/null || fail "two shadows: $(cat "$WORK/shadows.json")"
jq -e '[.observations[] | select(.asset == "press-07")][0].fields.firmware == "4.2.0"' "$WORK/shadows.json" >/dev/null ||
  fail "press-07's reported firmware"
run drift --twin twin --live "$URL" --aws-shadow-get --now $NOW -o json
expect_rc 1 "drift on shadows got with get"
jq -e '[.findings[] | select(.asset == "press-07" and .field == "firmware")] | length == 1' <<<"$OUT" >/dev/null ||
  fail "press-07 firmware drift"
jq -e '[.findings[] | select(.asset == "conveyor-2" and .kind == "missing")] | length == 1' <<<"$OUT" >/dev/null ||
  fail "conveyor-2 (no shadow) is missing"
jq -e '[.findings[] | select(.asset == "robot-1")] | length == 0' <<<"$OUT" >/dev/null || fail "robot-1 has no drift: $(jq -c '[.findings[] | select(.asset == "robot-1") | .message]' <<<"$OUT")"

# What twinctl published: one empty, non-retained get per thing of the twin, nothing else.
published=$(grep -E "Received PUBLISH from twinctl-shadow" "$BROKER_LOG" | sed -E "s/.*'([^']*)'.*\(([0-9]+) bytes\).*/\1 \2/" | sort -u)
expected=$(printf '%s 0\n' '$aws/things/conveyor2-thing/shadow/get' '$aws/things/press07-thing/shadow/get' \
  '$aws/things/robot1-thing/shadow/get')
[ "$published" = "$expected" ] || fail "twinctl published other than the gets: $published"
grep -E "Received PUBLISH from twinctl-shadow" "$BROKER_LOG" | grep -vqF "r0" && fail "a get request was retained"

# A thing the service does not know gets no answer: the source fails (exit 3), nothing is "missing".
asset mixer-4 mixer4-thing 2.0.0
run drift --twin twin --live "$URL" --aws-shadow-get --now $NOW -o json
expect_rc 3 "an unanswered get request"
expect_err "1 of 4 requests got no answer"
expect_err "mixer4-thing"
jq -e '[.findings[] | select(.kind == "missing")] | length == 0' <<<"$OUT" >/dev/null ||
  fail "assets of a failed source were reported missing"

# The same through a twin Source option, and the profile it needs.
mkdir -p "$WORK/twin/sources"
rm "$WORK/twin/assets/mixer-4.yaml"
printf 'apiVersion: twinctl/v1\nkind: Source\nid: shadows\nadapter: aws-shadow\nendpoint: mqtt://127.0.0.1:%s\noptions: {shadow_get: "true", settle_seconds: "3"}\n' \
  "$PORT" >"$WORK/twin/sources/shadows.yaml"
run snapshot --twin twin --live shadows -o source.json --now $NOW
expect_rc 0 "Source with shadow_get"
jq -e '.sources[0].items == 2' "$WORK/source.json" >/dev/null || fail "Source with shadow_get: $(cat "$WORK/source.json")"
run snapshot --twin twin --live "mqtt://127.0.0.1:$PORT/x/+/state?profile=plain-json" --aws-shadow-get -o x.json
expect_rc 2 "--aws-shadow-get with another profile"
expect_err "needs the aws-shadow profile"
# A binding that cannot be a thing name is the user's error, not an asset silently left unasked.
asset bad-1 'bad/thing' 1.0.0
run snapshot --twin twin --live "$URL" --aws-shadow-get -o bad.json --now $NOW
expect_rc 2 "a binding that is not an AWS thing name"
expect_err "'bad/thing' is not an AWS thing name"
finish
