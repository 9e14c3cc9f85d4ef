#!/usr/bin/env bash
# Exit codes 0/1/2 of validate, and CLI usage errors mapped to 2.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
RUN_DIR=$WORK

run validate --twin factory --now 2026-11-22 --fail-on none
expect_rc 0 "report only"
run validate --twin factory --now 2026-11-22
expect_rc 1 "gate failed"
run validate --twin factory --now 2026-01-01
expect_rc 0 "nothing expired at that date (only the due-soon and suppression findings)"

run validate --twin factory --fail-on severe
expect_rc 2 "bad --fail-on value"
run validate --no-such-flag
expect_rc 2 "unknown flag"
run
expect_rc 2 "no command"
run validate --twin factory --now yesterday
expect_rc 2 "bad --now"
expect_err "--now"
run validate --twin does-not-exist
expect_rc 2 "missing twin dir"
expect_err "does-not-exist"

# An error beats a failed gate: a dangling reference in a twin that also has expired certificates.
sed -i 's/located_in: cell-1-2/located_in: cell-1-9/' "$WORK/factory/assets/line-1/press-02.yaml"
grep -q 'cell-1-9' "$WORK/factory/assets/line-1/press-02.yaml" || fail "test setup: press-02 has no located_in to break"
run validate --twin factory --now 2026-11-22
expect_rc 2 "error beats gate"
expect_err "assets/line-1/press-02.yaml:"
expect_err "unknown space 'cell-1-9'"
expect_no_out "Gate:"
finish
