#!/usr/bin/env bash
# HTTP snapshot benchmark of bench/RESULTS.md: N synthetic Ditto things served in
# pages of 200 by tests/support/http_server.py (pre-serialised pages, cached after
# a warm-up pass), fetched (a) by curl, all pages over one keep-alive connection,
# writing nothing = what the server and the loopback cost, and (b) by
# `twinctl snapshot` (fetch + parse + map + match + write twinctl-live/v1), and
# (c) the same pages parsed from files (`twinctl snapshot --live FILE...`) = the
# parsing alone. DELAY (seconds per page, default 0) makes the server as slow as a
# real search backend. Usage: bench/http_snapshot.sh [BUILD_DIR] [THINGS] [DELAY]
set -euo pipefail
build=${1:-build}
things=${2:-100000}
delay=${3:-0}
size=200
root=$(cd "$(dirname "$0")/.." && pwd)
twinctl=$(realpath "$build/twinctl")
work=${BENCH_DIR:-/tmp/twinctl-bench-http}
rm -rf "$work" && mkdir -p "$work/pages"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
python3 "$root/tests/support/http_server.py" --generate "$things" --delay "$delay" >"$work/port" &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 500); do [ -s "$work/port" ] && break; sleep 0.02; done
port=$(cat "$work/port")
base="http://127.0.0.1:$port/api/2/search/things?fields=thingId%2Cattributes%2Cfeatures%2C_modified&option="
pages=$(((things + size - 1) / size))
: >"$work/curl.cfg"
for ((i = 0; i < pages; i++)); do
  if [ "$i" = 0 ]; then opt="size%28$size%29"; else opt="size%28$size%29%2Ccursor%28c$((i * size))%29"; fi
  printf 'url = "%s%s"\noutput = "%s/pages/%04d.json"\n' "$base" "$opt" "$work" "$i" >>"$work/curl.cfg"
done
curl -s -K "$work/curl.cfg" # warm-up: the server serialises and caches every page
mb=$(du -sm "$work/pages" | cut -f1)
sed 's|^output = .*|output = "/dev/null"|' "$work/curl.cfg" >"$work/curl-null.cfg"

best() { # best of 3: wall-clock seconds, CPU seconds (user+sys) and peak RSS (MB)
  local b=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1
    read -r s u y k <"$work/t"
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; c=$(awk "BEGIN{print $u + $y}"); m=$((k / 1024)); fi
  done
  echo "$b s wall, $c s CPU ($m MB)"
}
cd "$root"
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1 /proc/loadavg); date: $(date -u +%F); $things things, $pages pages of $size, $mb MB of JSON, server delay $delay s/page"
echo "curl, all pages, one connection:        $(best curl -s -K "$work/curl-null.cfg")"
echo "twinctl snapshot --live http://...:     $(best "$twinctl" snapshot --twin examples/factory --live "http://127.0.0.1:$port" -o "$work/snap.json")"
mapfile -t files < <(ls "$work"/pages/*.json)
args=()
for f in "${files[@]}"; do args+=(--live "$f"); done
echo "twinctl snapshot, same pages as files:  $(best "$twinctl" snapshot --twin examples/factory "${args[@]}" -o "$work/snap-files.json")"
echo "snapshot file: $(du -m "$work/snap.json" | cut -f1) MB, $(grep -c '"ref"' "$work/snap.json") devices"
