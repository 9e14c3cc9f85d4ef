#!/usr/bin/env bash
# MQTT collection benchmark of bench/RESULTS.md. Usage: bench/mqtt.sh [BUILD_DIR] [COUNT] [SETTLE]
# Starts mosquitto on a free loopback port, loads it with COUNT retained plain-JSON state
# messages (bench_mqtt_load), then times, best of 3 each:
#   mosquitto_sub -t 'bench/+/state' -C COUNT      (receives exactly COUNT messages and exits)
#   live_read mqtt://.../bench/+/state?profile=plain-json&settle_seconds=SETTLE
#     (twinctl's read_live: connect, subscribe, collect until SETTLE s without a retained
#      message, decode into observations; the time read_live took, as live_read reports it)
#   twinctl drift --live <the same URL> on a one-asset twin, -o json to /dev/null
#     (the whole command: 100k unmanaged devices become 100k findings)
set -euo pipefail
build=$(realpath "${1:-build}")
count=${2:-100000}
settle=${3:-0.2}
work=$(mktemp -d "${TMPDIR:-/tmp}/twinctl-mqtt-bench-XXXXXX")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
  [ "$(id -u)" -eq 0 ] && echo "user root"
  # mosquitto drops what a client's queue holds beyond max_queued_messages (default 1000),
  # retained messages of a new subscription included: unlimited, as a large plant's broker needs.
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n' "$port"
} >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" 2>"$work/broker.err" &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

echo "machine: $(nproc) cores, $(uname -r), mosquitto $(mosquitto -h 2>/dev/null | awk 'NR==1{print $3}'); date: $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$build/bench_mqtt_load" 127.0.0.1 "$port" bench "$count"
echo "loaded $count retained messages in $(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}") s"

best() { # best-of-3 wall seconds and peak RSS (MB) of a command; its CPU seconds (user+sys) in $work/cpu
  local b="" m=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M %U %S" -o "$work/t" "$@" >"$work/out" 2>/dev/null || true
    read -r s k u y < <(tail -1 "$work/t")
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; m=$((k / 1024)); awk "BEGIN{print $u + $y}" >"$work/cpu"; fi
  done
  echo "$b $m"
}

url="mqtt://127.0.0.1:$port/bench/+/state?profile=plain-json&settle_seconds=$settle&timeout_seconds=300"
read -r sub sub_mb < <(best timeout 300 mosquitto_sub -h 127.0.0.1 -p "$port" -t 'bench/+/state' -C "$count")
sub_cpu=$(cat "$work/cpu")
# live_read prints 100k observations afterwards: take the time it reports for read_live itself.
twin=""
for _ in 1 2 3; do
  /usr/bin/time -f "%M" -o "$work/t" "$build/tests/twinctl_live_read" "$url" >"$work/out" 2>/dev/null || true
  head -1 "$work/out" | grep -q "\"items\":$count" || { echo "live_read did not get $count items:" >&2; head -c 300 "$work/out" >&2; exit 1; }
  s=$(head -1 "$work/out" | jq '.seconds * 100 | round / 100')
  if [ -z "$twin" ] || awk "BEGIN{exit !($s < $twin)}"; then twin=$s; twin_mb=$(($(tail -1 "$work/t") / 1024)); fi
done
mkdir -p "$work/twin/assets"
printf 'apiVersion: twinctl/v1\nkind: Twin\nid: bench\nname: bench\n' >"$work/twin/twin.yaml"
printf 'apiVersion: twinctl/v1\nkind: Asset\nid: dev-0\nname: d\nclass: machine\nexpected: {status: running}\n' \
  >"$work/twin/assets/dev-0.yaml"
# CPU (user+sys) of collecting and decoding alone: `twinctl snapshot` to /dev/null (writing included).
read -r snap snap_mb < <(best "$build/twinctl" snapshot --twin "$work/twin" --live "$url" -o /dev/null)
snap_cpu=$(cat "$work/cpu")
read -r drift drift_mb < <(best "$build/twinctl" drift --twin "$work/twin" --live "$url" --fail-on none -o json=/dev/null)

printf '| messages | mosquitto_sub -C s (MB) | twinctl collect+decode s (MB), settle %s s | ratio | ratio without the settle wait | drift, whole command s (MB) |\n' "$settle"
printf '|---|---|---|---|---|---|\n'
printf '| %s | %s (%s) | %s (%s) | %.2f | %.2f | %s (%s) |\n' "$count" "$sub" "$sub_mb" "$twin" "$twin_mb" \
  "$(awk "BEGIN{print $twin/$sub}")" "$(awk "BEGIN{print ($twin-$settle)/$sub}")" "$drift" "$drift_mb"
echo "CPU (user+sys) of the best runs: mosquitto_sub $sub_cpu s; twinctl snapshot $snap_cpu s (wall $snap s, $snap_mb MB)"
