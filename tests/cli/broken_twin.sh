#!/usr/bin/env bash
# One broken twin from tests/data/broken: `twinctl validate` must exit 2 with a
# clear error at the expected location; never crash, hang or print a table.
#
#   broken_twin.sh CASE_DIR        (env: TWINCTL = the binary, SRC = the source dir)
#
# CASE_DIR/expect has two lines:
#   1. the "path:line:column" the error starts with, relative to the repository
#      root as twinctl prints it (empty when the error has no file, like "no twin.yaml")
#   2. a substring of the message on that same line
set -u

case_dir=${1:?usage: broken_twin.sh CASE_DIR}
: "${TWINCTL:?set TWINCTL to the twinctl binary}"
: "${SRC:?set SRC to the source directory}"
case_dir=$(cd "$case_dir" && pwd) || exit 1
name=$(basename "$case_dir")

if [[ ! -f $case_dir/expect ]]; then
  echo "FAIL $name: no expect file in $case_dir"
  exit 1
fi
expect_loc=$(sed -n 1p "$case_dir/expect")
expect_msg=$(sed -n 2p "$case_dir/expect")
if [[ -z $expect_msg ]]; then
  echo "FAIL $name: line 2 of $case_dir/expect (the message) is empty"
  exit 1
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/twinctl-broken-XXXXXX")
trap 'rm -rf "$out"' EXIT

cd "$SRC" || exit 1
timeout 20 "$TWINCTL" validate --twin "$case_dir" --now 2026-11-22 >"$out/stdout" 2>"$out/stderr"
rc=$?

fail() {
  echo "FAIL $name: $*"
  echo "  command: (cd $SRC && timeout 20 $TWINCTL validate --twin $case_dir --now 2026-11-22)"
  echo "  expected: exit 2, stderr line starting '${expect_loc:-<any>}' containing '$expect_msg', no stdout"
  echo "  exit code: $rc"
  echo "  --- stderr ---"
  sed 's/^/  /' "$out/stderr" | head -c 4000
  echo "  --- stdout ---"
  sed 's/^/  /' "$out/stdout" | head -c 4000
  exit 1
}

if [[ $rc -eq 124 ]]; then
  fail "timed out after 20 s (a hang?)"
elif [[ $rc -gt 128 ]]; then
  fail "killed by signal $((rc - 128)) (a crash)"
elif [[ $rc -ne 2 ]]; then
  fail "exit code $rc, expected 2"
fi

# The location must start a line and be followed by ": " (so 7:3 does not match
# 7:31), with the message on the same line.
if [[ -n $expect_loc ]]; then
  matched=$(awk -v loc="$expect_loc: " -v msg="$expect_msg" \
    'index($0, loc) == 1 && index(substr($0, length(loc) + 1), msg) > 0 { print; exit }' "$out/stderr")
  [[ -n $matched ]] || fail "no error at '$expect_loc' with '$expect_msg'"
  [[ $matched == "$expect_loc: error: "* ]] || fail "the line does not read '$expect_loc: error: ...'"
else
  grep -qF -- "$expect_msg" "$out/stderr" || fail "stderr does not mention '$expect_msg'"
  grep -q '^twinctl: error: ' "$out/stderr" || fail "stderr has no 'twinctl: error:' line"
fi

if grep -qiE 'internal error|terminate called|Assertion|AddressSanitizer' "$out/stderr"; then
  fail "stderr shows an internal error"
fi
# Errors go to stderr; a table (even an empty one) on stdout would look like a pass.
if [[ -s $out/stdout ]]; then
  fail "stdout is not empty (a table or report was printed)"
fi

echo "ok $name: exit 2, $(head -n 1 "$out/stderr")"
