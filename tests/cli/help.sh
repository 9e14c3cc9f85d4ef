#!/usr/bin/env bash
# Every command's --help shows examples and the exit codes; --version names the libraries.
source "$(dirname "$0")/lib.sh"
for cmd in "" validate drift snapshot "simulate factory" audit; do
  # shellcheck disable=SC2086
  run $cmd --help
  expect_rc 0 "twinctl $cmd --help"
  expect_out "EXAMPLES:"
  expect_out "EXIT STATUS:"
  expect_out "3  incomplete"
done
run --version
expect_rc 0 "--version"
expect_out "twinctl "
expect_out "libgit2 1."
expect_out "libyaml 0."
for page in twinctl.1 twinctl-validate.1 twinctl-drift.1 twinctl-snapshot.1 twinctl-twin.5 twinctl-audit.1 twinctl-history.1; do
  [ -f "$SRC/man/$page" ] || fail "man page $page missing"
  man -l "$SRC/man/$page" >/dev/null 2>&1 || MANPAGER=cat man -l "$SRC/man/$page" >/dev/null || fail "man $page does not render"
done
finish
