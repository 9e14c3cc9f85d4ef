#!/usr/bin/env bash
# The pre-commit hook of .pre-commit-hooks.yaml: its entry and args, run as pre-commit runs them
# (from the root of a real git repository, twinctl on PATH, no file names), pass on a valid twin
# and fail with file:line on a broken one; `files` selects YAML files. pre-commit itself is not a
# Debian 12 package, so the test runs the hook's command line, not the pre-commit program.
source "$(dirname "$0")/lib.sh"
REPO=$WORK/repo
mkdir -p "$REPO"
cp -r "$SRC/examples/factory" "$REPO/factory"
tgit -C "$REPO" init -q
tgit -C "$REPO" add factory
tgit -C "$REPO" commit -qm "twin"
mkdir -p "$WORK/bin"
ln -s "$TWINCTL" "$WORK/bin/twinctl"

# The hook's command: entry, then args, as pre-commit joins them (shlex, like pre-commit).
mapfile -t HOOK < <(python3 - "$SRC/.pre-commit-hooks.yaml" <<'PY'
import re, shlex, sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
hook = [h for h in hooks if h["id"] == "twinctl-validate"][0]
assert hook["language"] == "system" and hook["pass_filenames"] is False, hook
files = re.compile(hook["files"])
assert files.search("sites/plant-a/assets/press-01.yaml") and files.search("twin.yml"), hook["files"]
assert not files.search("README.md") and not files.search("live.json"), hook["files"]
for word in shlex.split(hook["entry"]) + hook.get("args", []):
    print(word)
PY
)
[ "${#HOOK[@]}" -ge 2 ] || fail "could not read the hook"
# hook: runs the hook's command as pre-commit would; sets RC, OUT and ERR.
hook() {
  set +e
  (cd "$REPO" && PATH="$WORK/bin:$PATH" timeout 60 "${HOOK[@]}") >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

hook
[ "$RC" -eq 0 ] || fail "the hook fails on the valid example twin (exit $RC)"

# A typo in a key: the commit is refused, with the file and line.
sed -i 's/^criticality: high/criticalty: high/' "$REPO/factory/assets/line-1/press-01.yaml"
hook
[ "$RC" -eq 2 ] || fail "the hook passes a broken twin (exit $RC)"
expect_err "factory/assets/line-1/press-01.yaml:"
expect_err "criticalty"
finish
