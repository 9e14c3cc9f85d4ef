#!/usr/bin/env bash
# Benchmarks of bench/RESULTS.md. Usage: bench/run.sh [BUILD_DIR] [SIZES...]
# Generates twins with `twinctl simulate factory`, then times validate from the
# working tree and from --ref (Git objects), the bare libyaml event parse of the
# same files, drift on the generated snapshot, and SARIF/JSON for many findings.
# Timing is wall-clock and peak RSS from /usr/bin/time; each figure is the best of 3.
set -euo pipefail
build=${1:-build}
shift || true
sizes=("${@:-1000 10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
twinctl=$(realpath "$build/twinctl")
baseline=$(realpath "$build/bench_yaml_baseline")
work=${BENCH_DIR:-/tmp/twinctl-bench}
mkdir -p "$work"

best() { # best-of-3 "seconds KB" of a command
  local b="" m=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r s k <"$work/t"
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; m=$k; fi
  done
  echo "$b $m"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); date: $(date -u +%F)"
printf '| assets | YAML MB | bare libyaml 1 thread s | validate worktree s (MB) | ratio | validate --ref s (MB) | ratio | drift s (MB) | drift/validate |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  dir="$work/plant-$n"
  [ -d "$dir/.git" ] || "$twinctl" simulate factory --assets "$n" --seed 7 --out "$dir" --commit --force -q
  mb=$(find "$dir" -name '*.yaml' -not -path '*/.git/*' -printf '%s\n' | awk '{s+=$1} END{printf "%.1f", s/1e6}')
  bare=$(cd "$dir" && find . -name '*.yaml' -not -path './.git/*' | "$baseline" | awk '{print $8}')
  read -r wt wtm < <(cd "$dir" && best "$twinctl" validate --fail-on none -o json)
  read -r ref refm < <(cd "$dir" && best "$twinctl" validate --ref HEAD --fail-on none -o json)
  read -r dr drm < <(cd "$dir" && best "$twinctl" drift --live live/snapshot.json --allow-partial --fail-on none -o json)
  printf '| %s | %s | %s | %s (%d) | %.2f | %s (%d) | %.2f | %s (%d) | %.2f |\n' "$n" "$mb" "$bare" \
    "$wt" $((wtm / 1024)) "$(awk "BEGIN{print $wt/$bare}")" "$ref" $((refm / 1024)) "$(awk "BEGIN{print $ref/$bare}")" \
    "$dr" $((drm / 1024)) "$(awk "BEGIN{print $dr/$wt}")"
done

# Output formats with many findings: a 100k twin with a high drift rate.
dir="$work/plant-findings"
[ -d "$dir" ] || "$twinctl" simulate factory --assets 100000 --seed 3 --drift-rate 0.3 --out "$dir" --force -q
cd "$dir"
count=$("$twinctl" drift --live live/snapshot.json --allow-partial --fail-on none -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
read -r base _ < <(best "$twinctl" drift --live live/snapshot.json --allow-partial --fail-on none -o baseline=/dev/null)
read -r js _ < <(best "$twinctl" drift --live live/snapshot.json --allow-partial --fail-on none -o json=/dev/null)
read -r sa _ < <(best "$twinctl" drift --live live/snapshot.json --allow-partial --fail-on none -o sarif=/dev/null)
echo
echo "findings: $count; drift writing baseline only: ${base}s; with json: ${js}s; with sarif: ${sa}s"
