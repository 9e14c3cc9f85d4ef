#!/usr/bin/env bash
# PR mode: `drift --base REV` and `validate --base REV` report what a change of the
# intended state opens and closes against the twin at REV (read from Git objects)
# and the same live state, and gate only on what it opens. A real repository made
# with git: main holds the example factory, the working tree is the change.
source "$(dirname "$0")/lib.sh"
REPO=$WORK/repo
mkdir -p "$REPO"
cp -r "$SRC/examples/factory" "$REPO/factory"
RUN_DIR=$REPO
NOW=2026-05-04T10:00:00Z
# The live state without the failed source, so runs are complete.
python3 - "$SRC/examples/live/snapshot.json" "$REPO/live.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sources"] = [s for s in d["sources"] if s["ok"]]
json.dump(d, open(sys.argv[2], "w"))
PY
tgit -C "$REPO" init -q
tgit -C "$REPO" add factory
tgit -C "$REPO" commit -qm "the plant as it is"

# The plant itself has high findings (plc-l2-01 in FAULT): a plain gate fails on them.
run drift --twin factory --live live.json --now $NOW
expect_rc 1 "the full gate fails on the state of the plant"

# A change that touches nothing of it opens nothing and passes, whatever the plant.
run drift --twin factory --live live.json --now $NOW --base main
expect_rc 0 "an unrelated change passes"
expect_out "This change opens 0 findings and closes 0, against main"

# The change: press-01's intended firmware becomes what it runs (closes a drift),
# plc-l1-01's intended address moves (opens one).
sed -i 's/firmware: "4.12.3"/firmware: "4.12.1"/' "$REPO/factory/assets/line-1/press-01.yaml"
sed -i 's/ip: 10.21.1.10$/ip: 10.21.1.11/' "$REPO/factory/assets/line-1/plc-l1-01.yaml"
run drift --twin factory --live live.json --now $NOW --base main -o table -o json="$REPO/plan.json" \
  -o sarif="$REPO/plan.sarif" -o markdown="$REPO/plan.md" -o github="$REPO/plan.github"
expect_rc 1 "the opened high finding gates"
expect_out "This change opens 1 finding and closes 1, against main (commit "
expect_out "Opened by this change:"
expect_out "plc-l1-01"
expect_out "Closed by this change:"
expect_out "press-01 firmware — firmware intended 4.12.3, live V4.12.1"
expect_no_out "plc-l2-01"
python3 - "$SRC/schemas/report.schema.json" "$REPO/plan.json" <<'PY' || fail "plan JSON wrong or invalid"
import json, sys, jsonschema
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, json.load(open(sys.argv[1])))
assert [(f["asset"], f["rule"]) for f in doc["findings"]] == [("plc-l1-01", "TWIN102")], doc["findings"]
assert doc["findings"][0]["intended"] == "10.21.1.11" and doc["findings"][0]["live"] == "10.21.1.10"
assert [(f["asset"], f["rule"]) for f in doc["resolved"]] == [("press-01", "TWIN103")], doc["resolved"]
p = doc["plan"]
assert p["base_ref"] == "main" and len(p["base_commit"]) == 40 and p["introduced"] == 1 and p["resolved"] == 1, p
assert p["unchanged"] > 0, p  # plc-l2-01 and the rest: not this change's doing
assert doc["gate"]["failed"] is True
PY
/usr/bin/python3 "$SRC/tests/schema/validate_sarif.py" "$REPO/plan.sarif" || fail "PR-mode SARIF does not validate"
python3 - "$REPO/plan.sarif" <<'PY' || fail "PR-mode SARIF must carry the introduced findings only"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert [r["ruleId"] for r in run["results"]] == ["TWIN102/high"], run["results"]
assert run["properties"]["base"] == "main" and run["properties"]["resolved"] == 1
PY
grep -q "### Opened by this change: 1" "$REPO/plan.md" || fail "markdown lacks the opened list"
grep -q "### Closed by this change: 1" "$REPO/plan.md" || fail "markdown lacks the closed list"
grep -q "press-01" "$REPO/plan.md" || fail "markdown lacks the closed finding"
[ "$(grep -c '^::' "$REPO/plan.github")" -ge 1 ] || fail "no annotation for the opened finding"
grep -q "plc-l2-01" "$REPO/plan.github" && fail "an annotation for a finding the change did not open"

# Suppressing a finding in the change closes it, and says so.
cat >>"$REPO/factory/policy/ignore.yaml" <<'YAML'
  - asset: plc-l2-01
    rule: TWIN101
    reason: PLC replaced next week, fault known
    owner: controls-l2
    expires: 2026-06-30
YAML
run drift --twin factory --live live.json --now $NOW --base main
expect_out "suppressed by this change: PLC replaced next week"
git -C "$REPO" checkout -q -- factory/policy/ignore.yaml

# --ref and --base together: both sides from Git objects.
tgit -C "$REPO" checkout -qb change
tgit -C "$REPO" commit -qam "move plc-l1-01, accept press-01's firmware"
run drift --twin factory --live live.json --now $NOW --ref change --base main -o json="$REPO/ref.json"
expect_rc 1 "--ref and --base"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["plan"]["introduced"] == 1 and d["plan"]["resolved"] == 1' \
  "$REPO/ref.json" || fail "--ref change --base main"

# A base without the twin (the change adds it): everything is opened, with a warning.
tgit -C "$REPO" checkout -q --orphan empty
tgit -C "$REPO" rm -rq --cached factory
tgit -C "$REPO" commit -q --allow-empty -m "empty"
tgit -C "$REPO" checkout -qf change
run drift --twin factory --live live.json --now $NOW --base empty --fail-on none
expect_rc 0 "fail-on none"
expect_err "no twin at empty"
# An unknown revision is an error, never "everything is new".
run drift --twin factory --live live.json --now $NOW --base no-such-branch
expect_rc 2 "unknown base revision"

# validate --base: a change that adds an expired certificate opens a TWIN201 and gates;
# the gate ignores the ones already there.
run validate --twin factory --now 2026-11-22
expect_rc 1 "validate fails on certificates that expired before the change"
run validate --twin factory --now 2026-11-22 --base change
expect_rc 0 "validate --base: nothing opened"
sed -i '/PI-2025-1031-P02/a\  - {id: PI-2024-0101-X, kind: safety-inspection, issued: 2024-01-01, expires: 2025-01-01}' \
  "$REPO/factory/assets/line-1/press-02.yaml"
grep -q "PI-2024-0101-X" "$REPO/factory/assets/line-1/press-02.yaml" || fail "test setup: certificate not added"
run validate --twin factory --now 2026-11-22 --base change -o table -o sarif="$REPO/v.sarif" -o junit="$REPO/v.junit" \
  -o github="$REPO/v.github" -o markdown="$REPO/v.md"
expect_rc 1 "validate --base: an opened expired certificate gates"
expect_out "This change opens 1 finding"
/usr/bin/python3 "$SRC/tests/schema/validate_sarif.py" "$REPO/v.sarif" || fail "validate SARIF does not validate"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$REPO/v.junit" || fail "validate JUnit is not XML"
grep -q "PI-2024-0101-X" "$REPO/v.github" || fail "validate -o github lacks the opened finding"
grep -q "Opened by this change: 1" "$REPO/v.md" || fail "validate -o markdown lacks the plan"
finish
