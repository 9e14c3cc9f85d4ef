#!/usr/bin/env bash
# A twinctl-live/v1 snapshot written by hand: the minimal example of docs/live-format.md (the same
# as man 5 twinctl-live's) is fed to drift and rca as it is; every default applies; what is really
# wrong is still reported at its file:line:col (exit 2).
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
# The first ```json block of the reference page, and the SYNOPSIS of the man page: one example.
awk '/^```json$/ {on = 1; next} on && /^```$/ {exit} on' "$SRC/docs/live-format.md" >"$WORK/state.json"
awk '/^\.SH SYNOPSIS/ {s = 1; next} s && /^\.nf$/ {on = 1; next} on && /^\.fi$/ {exit} on' "$SRC/man/twinctl-live.5" |
  sed 's/\\-/-/g' >"$WORK/man-state.json"
[ -s "$WORK/state.json" ] || fail "no example in docs/live-format.md"
cmp -s "$WORK/state.json" "$WORK/man-state.json" || fail "docs/live-format.md and man/twinctl-live.5 show different examples"

mkdir -p "$WORK/twin/assets"
printf 'apiVersion: twinctl/v1\nkind: Twin\nid: plant-a\nname: Plant A\n' >"$WORK/twin/twin.yaml"
cat >"$WORK/twin/assets/line-1.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: ups-l1-01
name: Line 1 UPS
class: power
expected: {status: running}
relationships:
  - {type: POWERS, target: plc-l1-01}
---
apiVersion: twinctl/v1
kind: Asset
id: plc-l1-01
name: Line 1 PLC
class: plc
expected: {status: running, firmware: V3.1.7}
relationships:
  - {type: FEEDS_DATA, target: hmi-l1-01}
---
apiVersion: twinctl/v1
kind: Asset
id: hmi-l1-01
name: Line 1 HMI
class: hmi
expected: {status: running}
YAML

# drift: the UPS that does not answer is the one finding; the source is the file, all 3 items.
run drift --twin twin --live state.json --now 2026-05-04T10:05:00Z -o json=drift.json -o table
expect_rc 1 "drift on the hand-written state"
expect_out "source state (file): 3 items"
jq -e '[.findings[] | select(.rule != "TWIN105" and .rule != "TWIN106")] | length == 1' "$WORK/drift.json" >/dev/null ||
  fail "one finding expected: $(jq -c '[.findings[] | [.rule, .asset, .message]]' "$WORK/drift.json")"
jq -e '.findings[0].asset == "ups-l1-01"' "$WORK/drift.json" >/dev/null || fail "the UPS is the finding"
# Nothing is stale: observed_at defaults to taken_at.
jq -e '[.findings[] | select(.rule == "TWIN105")] | length == 0' "$WORK/drift.json" >/dev/null || fail "stale findings"

# snapshot writes it back with every default filled in.
run snapshot --twin twin --live state.json -o full.json
expect_rc 0 "snapshot of the hand-written state"
jq -e '.sources == [{"name": "state", "adapter": "file", "ok": true, "items": 3, "error": null}]' "$WORK/full.json" \
  >/dev/null || fail "the default source: $(jq -c .sources "$WORK/full.json")"
jq -e '[.observations[] | select(.ref == .asset and .online == true and .observed_at == "2026-05-04T10:00:00Z"
        and .metrics == {})] | length == 2' "$WORK/full.json" >/dev/null || fail "observation defaults"

# What is really wrong is still an error at file:line:col, exit 2.
sed 's/"firmware"/"firmwre"/' "$WORK/state.json" >"$WORK/typo.json"
run drift --twin twin --live typo.json
expect_rc 2 "an unknown field"
expect_err "typo.json:5:"
expect_err "unknown field 'firmwre'"
cat >"$WORK/two.json" <<'JSON'
{
  "format": "twinctl-live/v1",
  "taken_at": "2026-05-04T10:00:00Z",
  "sources": [{"name": "scada"}, {"name": "mqtt"}],
  "observations": [
    {"asset": "plc-l1-01"}
  ]
}
JSON
run drift --twin twin --live two.json
expect_rc 2 "two sources, an observation that names none"
expect_err "two.json:6:"
expect_err "missing 'source' (the snapshot has 2 sources"
finish
