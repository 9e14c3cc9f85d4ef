#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets (tests/fuzz/*.cpp) from the
# project's own documents: examples/ and tests/data/. Nothing here is committed
# as a corpus; the seeds are made again on every run.
#   tests/fuzz/seeds.sh BUILD_DIR OUT_DIR
# BUILD_DIR holds twinctl and tests/twinctl_sparkplug_encode (for the reading
# and Sparkplug seeds; skipped with a note when absent). OUT_DIR/<target>/ gets
# the seeds of each target.
set -euo pipefail
build=$(cd "$1" && pwd)
out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src"
formats=tests/data/live-formats
mkdir -p "$out"
for t in twin_yaml live_v1 live_files live_page mqtt sparkplug readings alerts baseline time_url; do
  mkdir -p "$out/fuzz_$t"
done
seed() { # TARGET (content on stdin), named by its hash as libFuzzer names inputs
  local tmp
  tmp=$(mktemp "$out/$1/.seed.XXXXXX")
  cat >"$tmp"
  mv "$tmp" "$out/$1/$(sha1sum <"$tmp" | cut -c1-40)"
}

# YAML: every twin document, the broken twins included.
while IFS= read -r -d '' f; do seed fuzz_twin_yaml <"$f"; done < <(find examples tests/data -name '*.yaml' -print0)

# Live files: the format fixtures and every twinctl-live/v1 snapshot; v1 snapshots feed the differential.
for f in "$formats"/*.json; do seed fuzz_live_files <"$f"; done
while IFS= read -r f; do
  seed fuzz_live_v1 <"$f"
  seed fuzz_live_files <"$f"
done < <(grep -rl --include='*.json' '"twinctl-live/v1"' examples tests/data)

# HTTP pages: first byte = format (see fuzz_live_page.cpp).
ditto=$formats/ditto-search-things-page.json
{ printf '\x00'; jq -c '. + {cursor: "c2"}' "$ditto"; } | seed fuzz_live_page
{ printf '\x01'; jq -c '{result: {things: .items}}' "$ditto"; } | seed fuzz_live_page
{ printf '\x02'; jq -c '[.items[] | {id: (.thingId | split(":")[1]), status: .features.status.properties.state,
                                     firmware: .features.firmware.properties.version}]' "$ditto"; } | seed fuzz_live_page
{ printf '\x03'; jq -c '{data: {devices: [.items[] | {meta: {name: (.thingId | split(":")[1])},
                         ip: .attributes.network.ip, values: {oil: 71.3, count: 1412}}]}, next: "p2"}' "$ditto"; } |
  seed fuzz_live_page

# MQTT: first byte = profile, then topic NUL payload NUL ... (see fuzz_mqtt.cpp).
mqtt_messages() { # FILE: the JSON payloads as text, the rest as is
  jq -j '.messages[] | .topic, "\u0000", (.payload | if type == "string" then . else tojson end), "\u0000"' "$1"
}
{ printf '\x00'; mqtt_messages "$formats/mqtt-retained-snapshot.json"; } | seed fuzz_mqtt
{ printf '\x81'; printf 'plant/press-07/state\0{"status":"running","fw":"4.2.0","ip":"10.20.3.17","temp":3}\0'; } |
  seed fuzz_mqtt
# shellcheck disable=SC2016 # a literal AWS topic
{ printf '\x06'; printf '$aws/things/press-07/shadow/get/accepted\0'; jq -c . "$formats/aws-shadow-get-accepted.json";
  printf '\0'; } | seed fuzz_mqtt
encode=$build/tests/twinctl_sparkplug_encode
session=$formats/sparkplug-session-capture.json
if [ -x "$encode" ]; then
  spb=$out/spb.tmp
  printf '\x05' >"$spb"
  count=$(jq '.messages | length' "$session")
  for i in $(seq 0 $((count - 1))); do
    jq -j ".messages[$i].topic" "$session" >>"$spb"
    printf '\0' >>"$spb"
    if [ "$(jq -r ".messages[$i].payload_encoding" "$session")" = json ]; then
      jq -j ".messages[$i].payload | tojson" "$session" >>"$spb"
    else
      jq -c ".messages[$i].payload" "$session" | "$encode" | tee "$out/fuzz_sparkplug/pb-$i" >>"$spb"
    fi
    printf '\0' >>"$spb"
  done
  mv "$spb" "$out/fuzz_mqtt/seed-sparkplug"
else
  echo "seeds: no $encode, no Sparkplug protobuf seeds" >&2
fi
printf 'CgtoZWxsbyB3b3JsZA==' | seed fuzz_sparkplug

# Readings: first byte 0 = CSV, 1 = JSONL; from the simulator when built, else by hand.
if [ -x "$build/twinctl" ]; then
  tmp=$(mktemp -d)
  for fmt in csv jsonl; do
    "$build/twinctl" simulate sensors --twin examples/factory --duration 10m --fault-rate 0.5 --seed 7 \
      --format "$fmt" --out "$tmp/$fmt" >/dev/null 2>&1
    { if [ "$fmt" = csv ]; then printf '\x00'; else printf '\x01'; fi; head -n 40 "$tmp/$fmt/readings.$fmt"; } |
      seed fuzz_readings
  done
  rm -rf "$tmp"
fi
{ printf '\x00'; printf 'timestamp,machineId,sensorType,value,unit,quality\n2026-05-04T09:42:00.250Z,press-07,oil-temp,71.3,Cel,good\n2026-05-04 09:42:10+02:00,press-07,state,running,,uncertain\n1777887730000,press-07,oil-temp,NaN,Cel,bad\n'; } |
  seed fuzz_readings
{ printf '\x01'; printf '{"timestamp":"2026-05-04T09:42:00Z","machineId":"press-07","sensorType":"oil-temp","value":71.3,"unit":"Cel","quality":"good"}\n{"timestamp":1777887730,"machineId":"press\\u002d07","sensorType":"state","value":"running"}\n'; } |
  seed fuzz_readings

# Alerts and baselines.
while IFS= read -r f; do seed fuzz_alerts <"$f"; done < <(find examples tests/data -name '*.jsonl')
while IFS= read -r f; do seed fuzz_baseline <"$f"; done < <(grep -rl '"twinctl-baseline/v1"' examples tests/cli/golden)

# Times and URLs: timestamp NUL date NUL duration NUL user NUL password tail NUL rest of the URL.
printf '2026-05-04T09:42:00Z\0002026-05-04\0PT15M\0ops\0\0broker.plant.example:8883/spBv1.0/#?profile=sparkplug\0' |
  seed fuzz_time_url
printf '2026-05-04T11:42:00.5+02:00\0001999-12-31\0P1Y2M3DT4H5M6S\0svc\0/with?odd#chars\0[::1]:8443/api/2/search/things\0' |
  seed fuzz_time_url
printf '1970-01-01T00:00:00Z\0009999-12-31\0P2W\0a%%40b\0 "q\0host/p?x=1\0' | seed fuzz_time_url

for d in "$out"/fuzz_*; do echo "seeds: $(basename "$d"): $(find "$d" -type f | wc -l)"; done
