#!/usr/bin/env bash
# Completion values come from the twin the line names (--twin, --repo, --ref), not only from the
# current directory; `twinctl help <TAB>` completes commands; `completion --list` is silent and
# exits 0 without a twin. Runs the generated scripts in real bash and zsh; in zsh, compadd,
# _describe and _files are stubbed (they exist only inside a completion widget) to print
# what would be offered, filtered by the word under the cursor as zsh does.
source "$(dirname "$0")/lib.sh"

cp -r "$SRC/examples/factory" "$WORK/plant"
mkdir -p "$WORK/elsewhere" "$WORK/bin"
ln -sf "$TWINCTL" "$WORK/bin/twinctl"

run completion --list sources --twin "$WORK/plant"
expect_rc 0 "--list sources --twin"
[ "$OUT" = "$(printf 'ditto-main\nmqtt-lines')" ] || fail "--list sources --twin: '$OUT'"
run completion --list assets --twin "$WORK/nowhere"
expect_rc 0 "--list without a twin"
[ -z "$OUT$ERR" ] || fail "--list without a twin printed '$OUT' '$ERR'"
run completion --list assets --repo https://example.invalid/plant.git
expect_rc 0 "--list with a remote repo"
[ -z "$OUT$ERR" ] || fail "--list with a remote repo printed '$OUT' '$ERR' (nothing is cloned on a TAB)"

# A twin in Git: --repo and --ref on the line give the assets at that revision.
cp -r "$SRC/examples/factory" "$WORK/repo"
tgit -C "$WORK/repo" init -q && tgit -C "$WORK/repo" add -A && tgit -C "$WORK/repo" commit -qm plant
rm "$WORK/repo/assets/line-1/press-01.yaml"

run completion bash
expect_rc 0 "completion bash"
printf '%s\n' "$OUT" >"$WORK/twinctl.bash"
run completion zsh
expect_rc 0 "completion zsh"
printf '%s\n' "$OUT" >"$WORK/_twinctl"

complete_bash() {
  (cd "$WORK/elsewhere" && PATH="$WORK/bin:$PATH" bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _twinctl; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$WORK/twinctl.bash" "$@")
}
complete_zsh() {
  (cd "$WORK/elsewhere" && PATH="$WORK/bin:$PATH" zsh -f -c '
    compadd() { [[ $1 == -- ]] && shift; local w; for w in "$@"; do [[ $w == ${words[CURRENT]}* ]] && print -- "$w"; done; }
    _describe() { local it; for it in "${(@P)4}"; do [[ ${it%%:*} == ${words[CURRENT]}* ]] && print -- "${it%%:*}"; done; }
    _files() { print -- "(files)"; }
    script=$1; shift; words=("$@"); CURRENT=$#
    source "$script"; true' _ "$WORK/_twinctl" "$@")
}

for shell in bash zsh; do
  c=complete_$shell
  OUT=$($c twinctl drift --twin "$WORK/plant" --live ditto)
  grep -qx ditto-main <<<"$OUT" || fail "$shell: 'drift --twin plant --live ditto<TAB>' offers '$OUT', not ditto-main"
  OUT=$($c twinctl simulate failure --twin "$WORK/plant" plc-l1-)
  grep -qx plc-l1-01 <<<"$OUT" && grep -qx plc-l1-safety <<<"$OUT" ||
    fail "$shell: 'simulate failure --twin plant plc-l1-<TAB>' offers '$OUT'"
  OUT=$($c twinctl graph --twin "$WORK/plant" --around press-)
  grep -qx press-01 <<<"$OUT" || fail "$shell: 'graph --twin plant --around press-<TAB>' offers '$OUT'"
  # Without --twin, from a directory with no twin: no asset ids.
  OUT=$($c twinctl rca plc-l1-)
  ! grep -q plc-l1 <<<"$OUT" || fail "$shell: 'rca plc-l1-<TAB>' outside a twin offers '$OUT'"
  # --repo and --ref: the committed twin (press-01 is deleted in the working tree only).
  OUT=$($c twinctl rca --repo "$WORK/repo" --ref HEAD press-0)
  grep -qx press-01 <<<"$OUT" || fail "$shell: 'rca --repo R --ref HEAD press-0<TAB>' offers '$OUT'"
  OUT=$($c twinctl rca --twin "$WORK/repo" press-0)
  ! grep -qx press-01 <<<"$OUT" || fail "$shell: 'rca --twin R press-0<TAB>' offers the deleted press-01"
  OUT=$($c twinctl help dr)
  [ "$OUT" = drift ] || fail "$shell: 'help dr<TAB>' offers '$OUT', not drift"
  OUT=$($c twinctl rca --all --li)
  grep -qx -- --live <<<"$OUT" || fail "$shell: 'rca --all --li<TAB>' offers '$OUT'"
  OUT=$($c twinctl drift --fail-on "")
  [ "$(tr '\n' ' ' <<<"$OUT")" = "critical high medium low info none " ] || fail "$shell: '--fail-on <TAB>' offers '$OUT'"
done
finish
