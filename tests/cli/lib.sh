# Shared helpers for the CLI tests: run the built binary, check exit codes,
# output and golden files. Source it; TWINCTL and SRC come from ctest.
set -euo pipefail
: "${TWINCTL:?set TWINCTL to the twinctl binary}"
: "${SRC:?set SRC to the source directory}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/twinctl-cli-XXXXXX")
cleanup() { if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
FAILED=0

# run ARGS...: runs twinctl from $SRC; sets RC, OUT (stdout), ERR (stderr).
run() {
  set +e
  (cd "${RUN_DIR:-$SRC}" && timeout 120 "$TWINCTL" "$@") >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout" >&2; printf '%s\n' "$OUT" | head -40 >&2
  echo "--- stderr" >&2; printf '%s\n' "$ERR" | head -40 >&2
  FAILED=1
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "${2:-command}: exit $RC, expected $1"; }
expect_out() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1"; }
expect_no_out() { ! grep -qF -- "$1" <<<"$OUT" || fail "stdout has: $1"; }

# golden NAME: compares stdout with tests/cli/golden/NAME (TWINCTL_UPDATE_GOLDEN=1 rewrites it).
golden() {
  local file="$SRC/tests/cli/golden/$1"
  if [ "${TWINCTL_UPDATE_GOLDEN:-}" = 1 ]; then
    printf '%s\n' "$OUT" >"$file"
    return
  fi
  if ! diff -u "$file" <(printf '%s\n' "$OUT") >"$WORK/diff"; then
    fail "stdout differs from golden $1 (regenerate with TWINCTL_UPDATE_GOLDEN=1):"
    head -60 "$WORK/diff" >&2
  fi
}

# git with a fixed identity, untouched by the user's configuration.
tgit() {
  GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME="Ada Lovelace" GIT_AUTHOR_EMAIL=ada@example.com \
    GIT_COMMITTER_NAME="Ada Lovelace" GIT_COMMITTER_EMAIL=ada@example.com \
    GIT_AUTHOR_DATE=2026-01-02T03:04:05Z GIT_COMMITTER_DATE=2026-01-02T03:04:05Z \
    git -c init.defaultBranch=main -c protocol.file.allow=always "$@"
}

finish() {
  if [ "$FAILED" -ne 0 ]; then
    exit 1
  fi
  echo "ok"
}
