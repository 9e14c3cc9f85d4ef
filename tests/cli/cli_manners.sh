#!/usr/bin/env bash
# CLI manners: "did you mean" for mistyped commands and flags, a "twinctl: error:" prefix on every
# usage error, `twinctl help CMD`, one-line summaries within 80 columns, readable number limits,
# tables that fit the terminal, and completions that know flags without a value and complete values.
source "$(dirname "$0")/lib.sh"

run drfit
expect_rc 2 "mistyped command"
expect_err "twinctl: error: unknown command 'drfit'; did you mean 'drift'?"
run history lst
expect_rc 2 "mistyped subcommand"
expect_err "did you mean 'history list'?"
run drift --fial-on high --live examples/live/snapshot.json --twin examples/factory
expect_rc 2 "mistyped flag"
expect_err "twinctl: error: drift: unknown option --fial-on; did you mean --fail-on?"
run drift --twin examples/factory
expect_rc 2 "missing --live"
expect_err "twinctl: error: drift: --live is required"

# Numbers out of range: the limits as a person writes them, never 300 digits.
run drift --twin examples/factory --live examples/live/snapshot.json --timeout 1e400
expect_rc 2 "--timeout out of range"
expect_err "out of range: use a number from 0.1 to 86400"
run simulate factory --assets 99999999999 --out "$WORK/big"
expect_rc 2 "--assets out of range"
expect_err "out of range: use a number from 20 to 3000000"
run graph --twin examples/factory --depth -1
expect_rc 2 "negative depth"
expect_err "twinctl: error: graph:"
run graph --twin examples/factory --depth 99999999999999999999
expect_rc 2 "huge depth"
expect_err "is not a number in range"
# Every usage error above: one prefix, and no line longer than 200 characters.
for args in "drfit" "drift --fial-on x" "graph --depth -1" "rca --depth 1e999" "simulate factory --assets 0" \
  "drift --fail-on hihg --live x" "replay --speed -3 x.csv"; do
  # shellcheck disable=SC2086
  run $args
  expect_rc 2 "twinctl $args"
  head -1 <<<"$ERR" | grep -q '^twinctl: error: ' || fail "twinctl $args: the error does not start with 'twinctl: error:'"
  awk 'length > 200 { exit 1 }' <<<"$ERR" || fail "twinctl $args: an error line over 200 characters"
done

# twinctl help CMD is CMD --help.
run help drift
expect_rc 0 "help drift"
HELP=$OUT
run drift --help
[ "$OUT" = "$HELP" ] || fail "'twinctl help drift' differs from 'twinctl drift --help'"
run help simulate factory
expect_rc 0 "help simulate factory"
expect_out "--assets"
run help drfit
expect_rc 2 "help of a mistyped command"
expect_err "did you mean 'drift'?"

# The command list: one line per command, within 80 columns.
run --help
expect_rc 0 "--help"
awk '/^Subcommands:/ { on = 1; next } on && !NF { exit bad } on && NF { if (length > 80 || $0 !~ /^  [a-z]/) { print; bad = 1 } } END { exit bad }' <<<"$OUT" ||
  fail "a command summary is longer than 80 columns or spans lines"
expect_out "  drift"

# A table on an 80-column terminal fits it (script(1) gives twinctl a terminal).
cp -r "$SRC/examples/factory" "$WORK/factory"
COLUMNS=80 script -qec "cd '$WORK' && '$TWINCTL' drift --twin factory --live '$SRC/examples/live/snapshot.json' --now 2026-05-04T10:00:00Z --allow-partial --color never" \
  /dev/null >"$WORK/tty.txt" 2>&1 || true
grep -q "TWIN105" "$WORK/tty.txt" || fail "no table on the terminal: $(head -5 "$WORK/tty.txt")"
tr -d '\r' <"$WORK/tty.txt" | sed -n '/^SEVERITY/,/^$/p' >"$WORK/table.txt"
[ -s "$WORK/table.txt" ] || fail "no findings table on the terminal"
python3 - "$WORK/table.txt" <<'PY' || fail "finding lines wider than the 80-column terminal"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
bad = [l for l in lines if len(l) > 80]
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# Completion: flags without a value are followed by flags; values complete.
run completion bash
expect_rc 0 "completion bash"
printf '%s\n' "$OUT" >"$WORK/twinctl.bash"
mkdir -p "$WORK/bin" && ln -sf "$TWINCTL" "$WORK/bin/twinctl"
complete_bash() {
  (cd "$1" && shift && PATH="$WORK/bin:$PATH" bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _twinctl; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$WORK/twinctl.bash" "$@")
}
OUT=$(complete_bash "$WORK" twinctl rca --all --li)
[ "$OUT" = --live ] || fail "bash: 'twinctl rca --all --li<TAB>' offers '$OUT', not --live"
OUT=$(complete_bash "$WORK" twinctl drift --fail-on h)
[ "$OUT" = high ] || fail "bash: '--fail-on h<TAB>' offers '$OUT'"
OUT=$(complete_bash "$WORK" twinctl drift -o s)
[ "$OUT" = sarif ] || fail "bash: '-o s<TAB>' offers '$OUT'"
OUT=$(complete_bash "$WORK/factory" twinctl rca plc-l1-)
grep -qx plc-l1-01 <<<"$OUT" && grep -qx plc-l1-safety <<<"$OUT" || fail "bash: 'rca plc-l1-<TAB>' offers '$OUT'"
OUT=$(complete_bash "$WORK/factory" twinctl drift --live ditto)
grep -qx ditto-main <<<"$OUT" || fail "bash: '--live ditto<TAB>' offers '$OUT', not the source ditto-main"
OUT=$(complete_bash "$WORK/factory" twinctl graph --around press-0)
grep -qx press-01 <<<"$OUT" || fail "bash: '--around press-0<TAB>' offers '$OUT'"
finish
