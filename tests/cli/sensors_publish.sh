#!/usr/bin/env bash
# `replay --publish` and `simulate sensors --publish` against a real mosquitto
# broker: mosquitto_sub collects what was published and we check the count,
# topics and payloads (readings replay to the same alerts; alerts validate
# against schemas/alert.schema.json, uppercase machineIds included). A broker
# that cannot be reached, is silent or refuses us is exit 2, never a hang.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start

# collect NAME FILTER COUNT: mosquitto_sub in the background until COUNT messages
# (20 s at most), "topic payload" per line in $WORK/NAME.sub; returns once subscribed.
collect() {
  mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -i "collector-$1" -t "$2" -v -C "$3" -W 20 >"$WORK/$1.sub" 2>&1 &
  COLLECTOR=$!
  for _ in $(seq 200); do
    grep -qF "Received SUBSCRIBE from collector-$1" "$BROKER_LOG" && return 0
    sleep 0.05
  done
  fail "collector $1 did not subscribe"
}
collected() { wait "$COLLECTOR" || fail "collector $1 got fewer messages than expected: $(cat "$WORK/$1.sub")"; }

# --- replay --publish: every reading, then the alerts it raises ----------------
{
  echo "timestamp,machineId,sensorType,value,unit,quality"
  echo "2026-05-04T00:00:00Z,PRESS-7,oil-temp,41.5,Cel,good"
  echo "2026-05-04T00:00:01Z,PRESS-7,oil-temp,41.7,Cel,good"
  echo "2026-05-04T00:00:02Z,PRESS-7,oil-temp,41.6,Cel,bad"
  echo "garbage line"
  echo "2026-05-04T00:00:03Z,PRESS-7,oil-temp,41.8,Cel,good"
  echo "2026-05-04T00:00:04Z,line/2 #a,status,running,,good"
} >"$WORK/r.csv"
collect replay 'plant/replay/#' 7
run replay "$WORK/r.csv" --set cooldown=0 -o alerts="$WORK/alerts.jsonl" --fail-on none \
  --publish "mqtt://127.0.0.1:$PORT/plant/replay/"
expect_rc 3 "replay --publish (exit 3: the garbage line, 1 of 6, was not judged)"
expect_err "published 7 messages to mqtt://127.0.0.1:$PORT/plant/replay/"
collected replay
sed 's/ {.*//' "$WORK/replay.sub" >"$WORK/topics" # "TOPIC PAYLOAD"; topics may hold spaces
diff -u - "$WORK/topics" <<EOF || fail "replay --publish: topics or their order"
plant/replay/readings/PRESS-7/oil-temp
plant/replay/readings/PRESS-7/oil-temp
plant/replay/readings/PRESS-7/oil-temp
plant/replay/alerts/PRESS-7/oil-temp
plant/replay/readings/PRESS-7/oil-temp
plant/replay/alerts/PRESS-7/oil-temp
plant/replay/readings/line_2 _a/status
EOF
/usr/bin/python3 - "$SRC/schemas/alert.schema.json" "$WORK/replay.sub" "$WORK/alerts.jsonl" <<'PY' || fail "replay --publish: payloads"
import json, sys
from jsonschema import Draft7Validator
schema, sub, alerts = sys.argv[1:]
v = Draft7Validator(json.load(open(schema)))
readings, published_alerts, bad = [], [], 0
for line in open(sub):
    topic, payload = line.rstrip("\n").split(" {", 1)
    payload = "{" + payload
    doc = json.loads(payload)
    (readings if "/readings/" in topic else published_alerts).append(doc)
want = [("2026-05-04T00:00:00Z", 41.5, "good"), ("2026-05-04T00:00:01Z", 41.7, "good"),
        ("2026-05-04T00:00:02Z", 41.6, "bad"), ("2026-05-04T00:00:03Z", 41.8, "good")]
got = [(r["timestamp"], r["value"], r["quality"]) for r in readings[:4]]
if got != want or any(r["machineId"] != "PRESS-7" or r["unit"] != "Cel" for r in readings[:4]):
    print("readings:", readings, file=sys.stderr); bad += 1
if readings[4] != {"timestamp": "2026-05-04T00:00:04Z", "machineId": "line/2 #a", "sensorType": "status",
                   "value": "running", "unit": "", "quality": "good"}:
    print("status reading:", readings[4], file=sys.stderr); bad += 1
written = [json.loads(l) for l in open(alerts)]
if published_alerts != written or [a["event"] for a in written] != ["raise", "clear"]:
    print("alerts differ from -o alerts:", published_alerts, written, file=sys.stderr); bad += 1
for a in published_alerts:
    for e in v.iter_errors(a):
        print("alert does not validate:", e.message, file=sys.stderr); bad += 1
sys.exit(1 if bad else 0)
PY
# The published readings are a JSONL stream: replayed, they raise the same alerts.
grep '/readings/' "$WORK/replay.sub" | sed 's/^[^{]* {/{/' >"$WORK/published.jsonl"
run replay "$WORK/published.jsonl" --set cooldown=0 -o alerts="$WORK/alerts2.jsonl" --fail-on none
expect_rc 0 "replay of the published readings"
cmp -s "$WORK/alerts.jsonl" "$WORK/alerts2.jsonl" || fail "published readings replay to other alerts"

# --- simulate sensors --publish: paced to --speed, truth still written ----------
collect sim 'sim/#' 40
start=$(date +%s%N)
run simulate sensors --sensors 2 --duration 20s --interval 1 --fault-rate 0 --speed 10 \
  --publish "mqtt://127.0.0.1:$PORT/sim" --out "$WORK/sim"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 0 "simulate sensors --publish"
expect_err "published 40 readings"
collected sim
[ "$elapsed" -ge 1800 ] || fail "20 s of readings at --speed 10 took only ${elapsed} ms"
[ -s "$WORK/sim/truth.csv" ] || fail "no truth.csv with --out"
[ ! -e "$WORK/sim/readings.csv" ] || fail "readings.csv written although published"
[ "$(grep -c '^sim/readings/m-0001/temperature {' "$WORK/sim.sub")" -eq 20 ] || fail "simulate: topics $(head -3 "$WORK/sim.sub")"
[ "$(grep -c '^sim/readings/m-0001/pressure {' "$WORK/sim.sub")" -eq 20 ] || fail "simulate: topics of the 2nd sensor"

# --- credentials from the environment, never printed ----------------------------
collect auth 'secure/#' 1
TWINCTL_PASSWORD="$MQTT_PASSWORD" run replay "$WORK/r.csv" --set cooldown=0 --fail-on none \
  --publish "mqtt://reader@127.0.0.1:$AUTH_PORT/secure"
expect_rc 3 "publish with a password from TWINCTL_PASSWORD (the garbage line: exit 3)"
collected auth
TWINCTL_PASSWORD="wrong-$MQTT_PASSWORD" run replay "$WORK/r.csv" --publish "mqtt://reader@127.0.0.1:$AUTH_PORT/secure"
expect_rc 2 "wrong password"
expect_err "refused the connection"
! grep -qF "$MQTT_PASSWORD" <<<"$OUT$ERR" || fail "the password was printed"

# --- TLS as on snapshot ----------------------------------------------------------
run replay "$WORK/r.csv" --fail-on none --ca-file "$WORK/broker/ca.crt" --publish "mqtts://127.0.0.1:$TLS_PORT/tls"
expect_rc 3 "publish over TLS (the garbage line: exit 3)"
run replay "$WORK/r.csv" --fail-on none --publish "mqtts://127.0.0.1:$TLS_PORT/tls"
expect_rc 2 "TLS with an unknown CA"
expect_err "TLS"

# --- no broker: exit 2 with a clear message, never a hang -------------------------
down=$(free_port)
run replay "$WORK/r.csv" --publish "mqtt://127.0.0.1:$down/x"
expect_rc 2 "broker down"
expect_err "twinctl: error: --publish mqtt://127.0.0.1:$down/x: 127.0.0.1:$down:"
silent_server
start=$(date +%s)
run simulate sensors --sensors 1 --duration 10s --publish "mqtt://127.0.0.1:$SILENT_PORT/x" --connect-timeout 1
expect_rc 2 "silent broker"
expect_err "no answer from the broker within 1 s"
[ $(( $(date +%s) - start )) -le 10 ] || fail "a silent broker took more than 10 s"
run replay "$WORK/r.csv" --publish "http://127.0.0.1:$PORT/x"
expect_rc 2 "not an mqtt URL"
expect_err "expected an mqtt:// or mqtts:// URL"
run replay "$WORK/r.csv" --publish "mqtt://127.0.0.1:$PORT/a/+/b"
expect_rc 2 "wildcard in the prefix"
run simulate sensors --sensors 1 --duration 10s
expect_rc 2 "simulate without --out or --publish"
expect_err "--out"
finish
