#!/usr/bin/env bash
# Broken twins too big or too odd to commit, generated into a temp dir at run
# time: `twinctl validate` must exit 2 with an error at a location within the
# time limit; never crash, hang or print a table.
#
#   broken_generated.sh NAME       (env: TWINCTL = the binary)
#
# NAME: alias_bomb | alias_bytes | huge_scalar | deep_nesting | non_utf8 | symlink_escape | huge_file
set -u

name=${1:?usage: broken_generated.sh NAME}
: "${TWINCTL:?set TWINCTL to the twinctl binary}"

work=$(mktemp -d "${TMPDIR:-/tmp}/twinctl-broken-gen-XXXXXX")
keep=0
trap '[[ $keep == 1 ]] && echo "kept $work" || rm -rf "$work"' EXIT
twin=$work/twin
mkdir -p "$twin/assets"

fail() {
  keep=1
  echo "FAIL $name: $*"
  echo "  command: (cd $run_dir && timeout 20 $TWINCTL validate ${args[*]})"
  echo "  exit code: $rc"
  echo "  --- stderr ---"
  sed 's/^/  /' "$work/stderr" | head -c 4000
  echo "  --- stdout ---"
  sed 's/^/  /' "$work/stdout" | head -c 4000
  exit 1
}

# check LOCATION_REGEX MESSAGE ARGS...: runs validate in $run_dir with ARGS and
# asserts exit 2, a stderr line "LOCATION: error: ...MESSAGE..." and an empty stdout.
check() {
  local loc_re=$1 msg=$2
  shift 2
  args=("$@" --now 2026-11-22)
  (cd "$run_dir" && timeout 20 "$TWINCTL" validate "${args[@]}") >"$work/stdout" 2>"$work/stderr"
  rc=$?
  if [[ $rc -eq 124 ]]; then
    fail "timed out after 20 s (a hang?)"
  elif [[ $rc -gt 128 ]]; then
    fail "killed by signal $((rc - 128)) (a crash)"
  elif [[ $rc -ne 2 ]]; then
    fail "exit code $rc, expected 2"
  fi
  if ! grep -E -- "^${loc_re}: error: " "$work/stderr" | grep -qF -- "$msg"; then
    fail "no stderr line matching '^${loc_re}: error: ' with '$msg'"
  fi
  if grep -qiE 'internal error|terminate called|AddressSanitizer' "$work/stderr"; then
    fail "stderr shows an internal error"
  fi
  if [[ -s $work/stdout ]]; then
    fail "stdout is not empty (a table or report was printed)"
  fi
  echo "ok $name (${args[*]}): exit 2, $(head -c 300 "$work/stderr" | head -n 1)"
}

printf 'apiVersion: twinctl/v1\nkind: Twin\nid: generated\nname: Generated broken twin\n' >"$twin/twin.yaml"
# The first lines of an asset document; the broken part follows on line 5.
header='apiVersion: twinctl/v1\nkind: Asset\nid: a\nclass: machine\n'
run_dir=$twin
args=()
rc=

case $name in
alias_bomb)
  # Billion laughs, 20 levels of 10 aliases each: 10^20 nodes if expanded.
  {
    printf "$header"'name: Asset A\ntags: &l0 [lol]\nlive:\n'
    for i in $(seq 1 20); do
      printf '  x%d: &l%d [' "$i" "$i"
      for j in $(seq 1 9); do printf '*l%d, ' $((i - 1)); done
      printf '*l%d]\n' $((i - 1))
    done
  } >"$twin/assets/a.yaml"
  check 'assets/a\.yaml:[0-9]+:[0-9]+' 'alias bomb' --twin .
  ;;
alias_bytes)
  # Few nodes, many bytes: a 1 MiB scalar with an anchor, aliased 99,000 times
  # (1.7 MB of YAML, ~99 GB expanded; under the 100k alias node limit). The
  # virtual memory of the run is capped at 2 GiB so a loader without a byte budget
  # fails quickly (std::bad_alloc) instead of taking the machine down; the byte
  # budget stops it at the 65th alias. Not under a sanitizer, which reserves
  # terabytes of address space.
  {
    printf "$header"'name: &big '
    head -c 1048576 /dev/zero | tr '\0' x
    printf '\nlive:\n  tags:\n'
    for _ in $(seq 1 99000); do printf '    - *big\n'; done
  } >"$twin/assets/a.yaml"
  if [[ -z ${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}${LSAN_OPTIONS:-} ]]; then ulimit -v 2097152; fi
  check 'assets/a\.yaml:[0-9]+:[0-9]+' 'aliases expand the file to more than 64 MiB' --twin .
  ;;
huge_scalar)
  # A 10 MB plain scalar as the asset's name (line 5, column 7).
  { printf "$header"'name: '; head -c 10485760 /dev/zero | tr '\0' x; printf '\n'; } >"$twin/assets/a.yaml"
  check 'assets/a\.yaml:5:7' 'bytes is larger than the limit' --twin .
  ;;
deep_nesting)
  # 10,000 nested flow mappings: {a: {a: {a: ... 1}}}.
  {
    printf "$header"'name: Asset A\nlive: '
    for _ in $(seq 10000); do printf '{a: '; done
    printf '1'
    for _ in $(seq 10000); do printf '}'; done
    printf '\n'
  } >"$twin/assets/a.yaml"
  check 'assets/a\.yaml:6:[0-9]+' 'nesting deeper than' --twin .
  ;;
non_utf8)
  # Latin-1 "Müller" (0xFC) in a name: line 5, column 8 is the bad byte.
  printf "$header"'name: M\xfcller press\n' >"$twin/assets/a.yaml"
  check 'assets/a\.yaml:5:8' 'not valid UTF-8' --twin .
  ;;
symlink_escape)
  # A Git repo whose assets/x.yaml links to a file outside it. The outside
  # file would be an error of its own if read: it must not be.
  mkdir -p "$work/outside"
  printf "$header"'name: Outside\nsecret_key_from_outside: TOPSECRET\n' >"$work/outside/secret.yaml"
  printf "$header"'name: Asset A\n' >"$twin/assets/a.yaml"
  ln -s ../../outside/secret.yaml "$twin/assets/x.yaml"
  ln -s "$work/outside/secret.yaml" "$twin/assets/y.yaml"
  git_() {
    GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com \
      GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com \
      git -c init.defaultBranch=main -C "$twin" "$@" >/dev/null 2>&1
  }
  git_ init -q || { echo "FAIL $name: git init"; exit 1; }
  check_no_leak() {
    if grep -q 'TOPSECRET\|secret_key_from_outside' "$work/stderr"; then
      fail "the file outside the repository was read"
    fi
  }
  # The working tree, before the first commit and after it.
  check 'assets/x\.yaml(:[0-9]+:[0-9]+)?' 'leaves the repository' --twin .
  check_no_leak
  check 'assets/y\.yaml(:[0-9]+:[0-9]+)?' 'leaves the repository' --twin .
  check_no_leak
  git_ add -A && git_ commit -q -m 'twin with escaping symlinks' || { echo "FAIL $name: git commit"; exit 1; }
  check 'assets/x\.yaml(:[0-9]+:[0-9]+)?' 'leaves the repository' --twin .
  check_no_leak
  # Git objects: the links are blobs holding their targets.
  check 'assets/x\.yaml(:[0-9]+:[0-9]+)?' 'leaves the repository' --ref HEAD
  check_no_leak
  check 'assets/y\.yaml(:[0-9]+:[0-9]+)?' 'leaves the repository' --ref HEAD
  check_no_leak
  ;;
huge_file)
  # 70 MB of valid YAML (a long block of comments), above the 64 MiB limit.
  {
    printf "$header"'name: Asset A\n'
    yes '# padding padding padding padding padding padding padding padding padding' | head -c 73400320
  } >"$twin/assets/big.yaml"
  check 'assets/big\.yaml(:[0-9]+:[0-9]+)?' 'larger than 64 MiB' --twin .
  ;;
*)
  echo "usage: broken_generated.sh alias_bomb|alias_bytes|huge_scalar|deep_nesting|non_utf8|symlink_escape|huge_file"
  exit 2
  ;;
esac
