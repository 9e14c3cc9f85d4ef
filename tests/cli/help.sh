#!/usr/bin/env bash
# Every command of the command table (as `twinctl completion bash` lists it) has --help with
# examples and the exit codes, and a man page; --version names the libraries.
source "$(dirname "$0")/lib.sh"
run completion bash
expect_rc 0 "completion bash"
# shellcheck disable=SC1090
source <(printf '%s\n' "$OUT")
paths=("")
i=0
while [ "$i" -lt "${#paths[@]}" ]; do
  for sub in $(_twinctl_subcommands "${paths[$i]}"); do
    paths+=("${paths[$i]:+${paths[$i]} }$sub")
  done
  i=$((i + 1))
done
[ "${#paths[@]}" -ge 12 ] || fail "the command table lists only ${#paths[@]} commands: ${paths[*]}"
for cmd in "${paths[@]}"; do
  # shellcheck disable=SC2086
  run $cmd --help
  expect_rc 0 "twinctl $cmd --help"
  expect_out "EXAMPLES:"
  expect_out "EXIT STATUS:"
  expect_out "  0  "
  expect_out "  2  "
  # The EXIT STATUS lists what the command can return: 3 where it reads live state, 1 where it gates.
  case "$cmd" in
  history* | report | completion | help) grep -qE '^  [13]  ' <<<"$OUT" && fail "twinctl $cmd --help lists 1 or 3, which it never returns" ;;
  drift | audit | rca | snapshot) expect_out "3  incomplete" ;;
  esac
  # Its man page: twinctl-<cmd>-<sub>.1, else the page of its top-level command.
  [ -z "$cmd" ] && page=twinctl.1 || page="twinctl-${cmd// /-}.1"
  [ -f "$SRC/man/$page" ] || page="twinctl-${cmd%% *}.1"
  [ -f "$SRC/man/$page" ] || fail "twinctl $cmd has no man page (man/$page)"
done
run --version
expect_rc 0 "--version"
for lib in "twinctl " "libgit2 1." "libyaml 0." "libcurl " "libmosquitto 2." "SQLite 3." "protobuf " "simdjson " \
  "nlohmann_json 3." "CLI11 2."; do
  expect_out "$lib"
done
for page in "$SRC"/man/*.[15]; do
  MANWIDTH=80 MANPAGER=cat man -l "$page" >"$WORK/man.txt" 2>"$WORK/man.err" || fail "man $page does not render"
  [ ! -s "$WORK/man.err" ] || fail "man $page warns: $(head -3 "$WORK/man.err")"
done
finish
