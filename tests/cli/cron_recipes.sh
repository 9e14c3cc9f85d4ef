#!/usr/bin/env bash
# The scheduling recipes in examples/cron/ are valid: systemd accepts the units (systemd-analyze
# verify), and every twinctl command they (and the crontab line) run uses only commands and flags
# that exist, as the binary's own command table lists them.
source "$(dirname "$0")/lib.sh"
DIR="$SRC/examples/cron"

# systemd: verify an instance of the template; /usr/bin/twinctl is not installed while testing.
mkdir -p "$WORK/units"
cp "$DIR/twinctl-audit@.service" "$WORK/units/twinctl-audit@plant-a.service"
cp "$DIR/twinctl-audit@.timer" "$WORK/units/twinctl-audit@plant-a.timer"
(cd "$WORK/units" && systemd-analyze verify --man=no ./twinctl-audit@plant-a.service ./twinctl-audit@plant-a.timer) \
  >"$WORK/verify" 2>&1 || true
grep -v "Command /usr/bin/twinctl is not executable" "$WORK/verify" >"$WORK/verify.rest" || true
[ ! -s "$WORK/verify.rest" ] || { OUT=$(cat "$WORK/verify.rest"); fail "systemd-analyze verify complains"; }

# Every twinctl invocation: its command path and flags must be in the command table.
run completion bash
expect_rc 0 "completion bash"
# shellcheck disable=SC1090
source <(printf '%s\n' "$OUT")
checked=0
while IFS= read -r cmdline; do
  read -r -a words <<<"$cmdline"
  path=""
  i=1
  while [ "$i" -lt "${#words[@]}" ] && grep -qw -- "${words[$i]}" <<<"$(_twinctl_subcommands "$path")"; do
    path="${path:+$path }${words[$i]}"
    i=$((i + 1))
  done
  [ -n "$path" ] || fail "not a twinctl command: $cmdline"
  for w in "${words[@]:$i}"; do
    case "$w" in
      -*) flag=${w%%=*}
        grep -qw -- "$flag" <<<" $(_twinctl_options "$path") " || fail "twinctl $path has no flag $flag ($cmdline)" ;;
    esac
  done
  checked=$((checked + 1))
done < <({ grep -v '^#' "$DIR/crontab" | grep -o 'twinctl [a-z][^;&|]*'
  grep -o '/usr/bin/twinctl [^;&|]*' "$DIR/twinctl-audit@.service" | sed 's#^/usr/bin/##'; })
[ "$checked" -ge 4 ] || fail "found only $checked twinctl commands in examples/cron"
finish
