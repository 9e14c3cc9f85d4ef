#!/usr/bin/env bash
# The three ways to read a twin give the same result: working tree, --ref (no
# checkout, bare repos too) and --repo URL (cloned into the cache).
source "$(dirname "$0")/lib.sh"
export TWINCTL_CACHE_DIR="$WORK/cache"

mkdir -p "$WORK/plant"
cp -r "$SRC/examples/factory" "$WORK/plant/twin"
(cd "$WORK/plant" && tgit init -q && tgit add -A && tgit commit -qm "plant-a twin")
RUN_DIR=$WORK/plant

run validate --now 2026-11-22 -o json --fail-on none
expect_rc 0 "working tree, twin found below the current directory"
python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["findings"]))' <<<"$OUT" >"$WORK/n.wt"
strip() { python3 -c 'import json,sys; d=json.load(sys.stdin); d["twin"]["ref"]=None; print(json.dumps(d, sort_keys=True))'; }
strip <<<"$OUT" >"$WORK/wt.json"

run validate --ref HEAD --now 2026-11-22 -o json --fail-on none
expect_rc 0 "--ref HEAD"
strip <<<"$OUT" >"$WORK/ref.json"
cmp -s "$WORK/wt.json" "$WORK/ref.json" || fail "--ref HEAD differs from the working tree"

# A change in the working tree is seen there, not at --ref HEAD.
sed -i 's/^name: .*/name: Renamed in the working tree/' "$WORK/plant/twin/twin.yaml"
run validate --ref HEAD --now 2026-11-22 -o json --fail-on none
grep -q "Renamed in the working tree" <<<"$OUT" && fail "--ref HEAD read the working tree"
(cd "$WORK/plant" && tgit checkout -q -- twin/twin.yaml)

# A bare mirror, read without a checkout.
tgit clone -q --bare "$WORK/plant" "$WORK/plant.git"
RUN_DIR=$WORK
run validate --repo "$WORK/plant.git" --now 2026-11-22 -o json --fail-on none
expect_rc 0 "bare repo"
strip <<<"$OUT" >"$WORK/bare.json"
cmp -s "$WORK/wt.json" "$WORK/bare.json" || fail "bare repo differs from the working tree"

# A URL, cloned into the cache.
run validate --repo "file://$WORK/plant.git" --now 2026-11-22 -o json --fail-on none
expect_rc 0 "file:// URL"
strip <<<"$OUT" >"$WORK/url.json"
cmp -s "$WORK/wt.json" "$WORK/url.json" || fail "cloned URL differs from the working tree"
ls "$WORK/cache/repos/" | grep -q '\.git$' || fail "no clone in the cache"

# Errors name the revision; a URL that fails does not print its credentials.
run validate --repo "$WORK/plant.git" --ref no-such-branch
expect_rc 2 "bad ref"
expect_err "no-such-branch"
run validate --repo "http://alice:hunter2@127.0.0.1:9/plant.git"
expect_rc 2 "unreachable URL"
grep -q hunter2 <<<"$OUT$ERR" && fail "the password was printed"

# A shallow clone (as actions/checkout makes) degrades to unknown commits.
tgit clone -q --depth 1 "file://$WORK/plant.git" "$WORK/shallow"
RUN_DIR=$WORK/shallow
run validate --now 2026-11-22 -o json --fail-on none
expect_rc 0 "shallow clone"
finish
