#!/usr/bin/env bash
# twinctl firmware on a line written by hand: two UPSs that feed a press with redundancy
# {POWERS: 1} never share a wave; PLCs of a vendor go least critical first; --write sets the new
# version in the YAML as engineers write it (block and flow mappings, quotes, comments) and the twin
# still validates; --branch makes the same change as a commit on a new branch of a real Git
# repository and leaves the working tree alone; status shows who is behind, in the twin and live;
# bad input is exit 2.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
mkdir -p "$WORK/twin/assets"
cat >"$WORK/twin/twin.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Twin
id: plant-f
name: Plant F
---
apiVersion: twinctl/v1
kind: Space
id: line-1
name: Line 1
type: line
---
apiVersion: twinctl/v1
kind: Team
id: maint
name: Maintenance
oncall: "+49 711 555 0100"
YAML
cat >"$WORK/twin/assets/line-1.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: ups-a
name: UPS A
class: power
vendor: Eaton
model: 9PX 11000i
located_in: line-1
owned_by: maint
expected:
  status: running
  firmware: "2.1.5"   # Network-M2 card
relationships:
  - {type: POWERS, target: press-1}
---
apiVersion: twinctl/v1
kind: Asset
id: ups-b
name: UPS B
class: power
vendor: Eaton
model: 9PX 11000i
located_in: line-1
owned_by: maint
expected: {status: running, firmware: 2.1.5}
relationships:
  - {type: POWERS, target: press-1}
---
apiVersion: twinctl/v1
kind: Asset
id: ups-c
name: UPS C (spare rack)
class: power
vendor: Eaton
model: 9PX 11000i
located_in: line-1
criticality: low
expected:
  firmware: '2.0.9'
---
apiVersion: twinctl/v1
kind: Asset
id: press-1
name: Press 1
class: machine
criticality: high
located_in: line-1
redundancy: {POWERS: 1}
YAML
cp -r "$WORK/twin" "$WORK/orig"

run firmware plan --twin twin --vendor eaton --model '9PX 11000i' --to 2.2.0 -o json=plan.json -o table
expect_rc 0 "plan"
expect_out "kept apart: ups-b and ups-a both POWERS press-1 (needs 1 of 2)"
expect_out "call: Maintenance (+49 711 555 0100)"
# ups-c (low criticality) goes first, with one of the pair; the other member of the pair waits.
jq -e '[.waves[] | .assets] == [["ups-c", "ups-a"], ["ups-b"]]' "$WORK/plan.json" >/dev/null ||
  fail "waves: $(jq -c '.waves' "$WORK/plan.json")"

run firmware plan --twin twin --model '9PX 11000i' --to 2.2.0 --wave-size 1 -o json=one.json
jq -e '[.waves[] | .assets | length] == [1, 1, 1]' "$WORK/one.json" >/dev/null || fail "--wave-size 1"

# --write: every planned asset's expected.firmware, whatever the YAML style; comments kept.
run firmware plan --twin twin --model '9PX 11000i' --to 2.2.0 --write
expect_rc 0 "plan --write"
expect_err "set expected.firmware to 2.2.0 for 3 assets in 1 file"
grep -q '  firmware: "2.2.0"   # Network-M2 card' "$WORK/twin/assets/line-1.yaml" || fail "block value: $(grep -n firmware "$WORK/twin/assets/line-1.yaml")"
grep -q 'expected: {status: running, firmware: "2.2.0"}' "$WORK/twin/assets/line-1.yaml" || fail "flow value"
grep -q '  firmware: "2.2.0"$' "$WORK/twin/assets/line-1.yaml" || fail "single-quoted value"
[ "$(diff "$WORK/orig/assets/line-1.yaml" "$WORK/twin/assets/line-1.yaml" | grep -c '^>')" = 3 ] || fail "only 3 lines change"
run validate --twin twin
expect_rc 0 "the written twin validates"
run firmware plan --twin twin --model '9PX 11000i' --to 2.2.0 -o json=again.json
expect_rc 0 "plan again"
jq -e '.waves == [] and .already == ["ups-a", "ups-b", "ups-c"]' "$WORK/again.json" >/dev/null || fail "already at 2.2.0"
run firmware plan --twin twin --model '9PX 11000i' --to 2.1.9 -o json=down.json
jq -e '.downgrade == ["ups-a", "ups-b", "ups-c"]' "$WORK/down.json" >/dev/null || fail "no downgrade"

# --branch: the same edit as one commit on a new branch; HEAD, the index and the files stay as they are.
mkdir -p "$WORK/repo" && cp -r "$WORK/orig" "$WORK/repo/plant"
git -C "$WORK/repo" init -q && git -C "$WORK/repo" add . &&
  git -C "$WORK/repo" -c user.name=Setup -c user.email=setup@example.com commit -qm "the plant"
head_before=$(git -C "$WORK/repo" rev-parse HEAD)
RUN_DIR=$WORK/repo
export GIT_AUTHOR_NAME="Ann Engineer" GIT_AUTHOR_EMAIL=ann@plant.example
run firmware plan --twin plant --model '9PX 11000i' --to 2.2.0 --branch fw/ups-2.2.0
expect_rc 0 "plan --branch"
expect_err "on branch fw/ups-2.2.0 (on "
[ "$(git -C "$WORK/repo" rev-parse HEAD)" = "$head_before" ] || fail "--branch moved HEAD"
[ -z "$(git -C "$WORK/repo" status --porcelain)" ] || fail "--branch changed the working tree: $(git -C "$WORK/repo" status --porcelain)"
[ "$(git -C "$WORK/repo" rev-parse fw/ups-2.2.0^)" = "$head_before" ] || fail "the branch is not one commit on HEAD"
[ "$(git -C "$WORK/repo" diff HEAD fw/ups-2.2.0 | grep -c '^+[^+].*2\.2\.0')" = 3 ] ||
  fail "the commit: $(git -C "$WORK/repo" diff HEAD fw/ups-2.2.0)"
[ "$(git -C "$WORK/repo" diff --stat HEAD fw/ups-2.2.0 | tail -n 1)" = " 1 file changed, 3 insertions(+), 3 deletions(-)" ] ||
  fail "only the 3 firmware lines: $(git -C "$WORK/repo" diff --stat HEAD fw/ups-2.2.0)"
git -C "$WORK/repo" log -1 --format='%an <%ae>%n%B' fw/ups-2.2.0 >"$WORK/msg"
grep -q '^Ann Engineer <ann@plant.example>$' "$WORK/msg" || fail "author: $(cat "$WORK/msg")"
grep -q '^firmware: roll out 2.2.0 to 3 assets in 2 waves$' "$WORK/msg" || fail "subject: $(cat "$WORK/msg")"
grep -q 'Wave 1' "$WORK/msg" || fail "the plan in the message: $(cat "$WORK/msg")"
run validate --twin plant --ref fw/ups-2.2.0
expect_rc 0 "the branch's twin validates"
run firmware plan --twin plant --ref fw/ups-2.2.0 --model '9PX 11000i' --to 2.2.0 -o "json=$WORK/branch.json"
jq -e '.already == ["ups-a", "ups-b", "ups-c"]' "$WORK/branch.json" >/dev/null || fail "the branch is at 2.2.0"
run firmware plan --twin plant --model '9PX 11000i' --to 2.2.0 --branch fw/ups-2.2.0
expect_rc 2 "--branch that exists"
expect_err "exists already"
run firmware plan --twin plant --model '9PX 11000i' --to 2.2.0 --branch 'fw..bad'
expect_rc 2 "--branch with a bad name"
echo "# tuned by hand" >>"$WORK/repo/plant/assets/line-1.yaml"
run firmware plan --twin plant --model '9PX 11000i' --to 2.2.1 --branch fw/ups-2.2.1
expect_rc 2 "--branch with uncommitted changes"
expect_err "has changes that are not committed"
run firmware plan --twin plant --ref HEAD --model '9PX 11000i' --to 2.2.1 --branch fw/ups-2.2.1
expect_rc 0 "--branch from --ref HEAD, whatever the working tree holds"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
HOME=$WORK/nohome GIT_CONFIG_NOSYSTEM=1 run firmware plan --twin plant --ref HEAD --model '9PX 11000i' --to 2.2.2 --branch fw/x
expect_rc 2 "--branch with no author"
expect_err "no author for the commit"
git -C "$WORK/repo" rev-parse -q --verify fw/x >/dev/null && fail "a branch without a commit"
RUN_DIR=$WORK

# status: in the original twin ups-c is behind its model's newest; live, ups-b runs an older build.
cat >"$WORK/live.json" <<'JSON'
{"format": "twinctl-live/v1", "taken_at": "2026-12-06T08:00:00Z",
 "observations": [{"asset": "ups-a", "fields": {"firmware": "2.1.5"}}, {"asset": "ups-b", "fields": {"firmware": "2.1.4"}}]}
JSON
run firmware status --twin orig --live live.json -o json=status.json -o table
expect_rc 0 "status"
expect_out "ups-c"
expect_out "twin: 1 minor version behind 2.1.5"
expect_out "live is behind the twin"
python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/firmware.schema.json" "$WORK/status.json" || fail "status JSON schema"
python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/firmware.schema.json" "$WORK/plan.json" || fail "plan JSON schema"
jq -e '.summary.live_behind == 1 and (.assets[] | select(.asset == "ups-b") | .live_vs_intended == "behind")' \
  "$WORK/status.json" >/dev/null || fail "status: $(jq -c .summary "$WORK/status.json")"

# Bad input.
run firmware plan --twin orig --vendor Nobody --to 1.0
expect_rc 2 "no matching asset"
expect_err "no asset matches"
run firmware plan --twin orig --to $'1.0\e[2J'
expect_rc 2 "a control character in --to"
run firmware plan --twin orig --to 3.0 --ref HEAD --write
expect_rc 2 "--write with --ref"
expect_err "--write changes the working tree"
finish
