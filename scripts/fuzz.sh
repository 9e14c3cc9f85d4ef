#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan, makes
# their seed corpora from examples/ and tests/data/ (tests/fuzz/seeds.sh) and
# runs each target for SECONDS (default 60), one after the other.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600 fuzz_live_v1
# Environment: TWINCTL_FUZZ_BUILD, the build directory (default build-fuzz; an
# existing sanitizer build configured with -DTWINCTL_FUZZ=ON is reused).
# New inputs are kept in BUILD/fuzz-corpus/TARGET (not committed); a crash,
# a leak, undefined behaviour or a broken property stops the run, leaves the
# input in BUILD/fuzz-artifacts/ and exits 1. Reproduce with
#   BUILD/tests/fuzz/TARGET BUILD/fuzz-artifacts/TARGET-crash-...
set -euo pipefail
seconds=${1:-60}
[ $# -gt 0 ] && shift
src=$(cd "$(dirname "$0")/.." && pwd)
build=${TWINCTL_FUZZ_BUILD:-$src/build-fuzz}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTWINCTL_FUZZ=ON \
  -DTWINCTL_SANITIZE=address,undefined "${launcher[@]}" >/dev/null
cmake --build "$build" --target fuzz_targets twinctl twinctl_sparkplug_encode

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^  \(fuzz_[a-z0-9_]*\)$/\1/p' "$src/tests/fuzz/CMakeLists.txt")
fi
seeds=$build/fuzz-seeds
rm -rf "$seeds"
"$src/tests/fuzz/seeds.sh" "$build" "$seeds" >/dev/null
mkdir -p "$build/fuzz-artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in "${targets[@]}"; do
  mkdir -p "$build/fuzz-corpus/$t"
  echo "fuzz: $t for $seconds s" >&2
  start=$(date +%s)
  if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$t-" "$build/fuzz-corpus/$t" "$seeds/$t" >"$build/fuzz-artifacts/$t.log" 2>&1; then
    tail -n 60 "$build/fuzz-artifacts/$t.log" >&2
    echo "fuzz: $t FAILED (log: $build/fuzz-artifacts/$t.log)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-artifacts/$t.log")
  echo "fuzz: $t clean: $runs inputs in $(($(date +%s) - start)) s, corpus $(find "$build/fuzz-corpus/$t" -type f | wc -l) files" >&2
done
