#!/usr/bin/env bash
# drift exit codes: 0 clean, 1 gate failed, 2 error (beats the gate), 3 incomplete; baselines and --ignore.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z

# A snapshot of only successful sources, derived from the example.
python3 - "$SRC/examples/live/snapshot.json" "$WORK/ok.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sources"] = [s for s in d["sources"] if s["ok"]]
json.dump(d, open(sys.argv[2], "w"))
PY

run drift --twin factory --live ok.json --now $NOW
expect_rc 1 "gate failed on high findings"
run drift --twin factory --live ok.json --now $NOW --fail-on none
expect_rc 0 "fail-on none"
run drift --twin factory --live "$SRC/examples/live/snapshot.json" --now $NOW --fail-on none
expect_rc 3 "a failed source makes the run incomplete even with fail-on none"

# Baseline: record today's findings, then only new ones gate.
run drift --twin factory --live ok.json --now $NOW --fail-on none -o baseline="$WORK/baseline.json"
expect_rc 0 "writing a baseline"
[ -s "$WORK/baseline.json" ] || fail "no baseline written"
run drift --twin factory --live ok.json --now $NOW --baseline baseline.json
expect_rc 0 "everything is in the baseline"
expect_out "in the baseline"
python3 - "$WORK/ok.json" "$WORK/worse.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for o in d["observations"]:
    if o["asset"] == "plc-l1-01":
        o["fields"]["ip"] = "10.21.1.99"
json.dump(d, open(sys.argv[2], "w"))
PY
run drift --twin factory --live worse.json --now $NOW --baseline baseline.json
expect_rc 1 "a new finding gates"
expect_out "plc-l1-01"
# Fixed since the baseline: JSON lists it under baseline_absent (and validates).
run drift --twin factory --live worse.json --now $NOW --fail-on none -o baseline="$WORK/worse-baseline.json"
run drift --twin factory --live ok.json --now $NOW --baseline worse-baseline.json -o json="$WORK/fixed.json"
expect_rc 0 "a fixed finding does not gate"
python3 - "$SRC/schemas/report.schema.json" "$WORK/fixed.json" <<'PY' || fail "baseline_absent missing or invalid"
import json, sys, jsonschema
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, json.load(open(sys.argv[1])))
absent = doc["baseline_absent"]
assert [(a["asset"], a["rule"], a["field"]) for a in absent] == [("plc-l1-01", "TWIN102", "ip")], absent
assert absent[0]["location"]["path"].endswith("plc-l1-01.yaml"), absent
PY

# The baseline keeps the observed value: after baselining press-01's firmware V4.12.1
# (intended 4.12.3), a downgrade to 9.0.0 is a new finding, not "(in baseline)".
run drift --twin factory --live ok.json --now $NOW --baseline baseline.json --fail-on medium
expect_rc 0 "the baselined firmware drift does not gate"
python3 - "$WORK/baseline.json" <<'PY' || fail "the baseline lacks the observed firmware"
import json, sys
entries = [f for f in json.load(open(sys.argv[1]))["findings"] if f["asset"] == "press-01" and f["rule"] == "TWIN103"]
assert [e["observed"] for e in entries] == ["4.12.1"], entries
PY
python3 - "$WORK/ok.json" "$WORK/downgrade.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for o in d["observations"]:
    if o["asset"] == "press-01":
        o["fields"]["firmware"] = "9.0.0"
json.dump(d, open(sys.argv[2], "w"))
PY
run drift --twin factory --live downgrade.json --now $NOW --baseline baseline.json --fail-on medium -o table -o json="$WORK/down.json"
expect_rc 1 "a changed value of a baselined finding gates"
expect_out "changed since the baseline: was 4.12.1"
python3 - "$SRC/schemas/report.schema.json" "$WORK/down.json" <<'PY' || fail "updated baseline state missing or invalid"
import json, sys, jsonschema
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, json.load(open(sys.argv[1])))
fw = [f for f in doc["findings"] if f["asset"] == "press-01" and f["rule"] == "TWIN103"][0]
assert fw["baseline_state"] == "updated" and fw["baseline_observed"] == "4.12.1", fw
assert doc["baseline_absent"] == [], doc["baseline_absent"]
PY
# A baseline written before observed values (no "observed" keys) still reads: it
# matches by identity alone, and says so.
python3 - "$WORK/baseline.json" "$WORK/old-baseline.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    del f["observed"]
json.dump(d, open(sys.argv[2], "w"))
PY
run drift --twin factory --live downgrade.json --now $NOW --baseline old-baseline.json --fail-on medium
expect_rc 0 "an old baseline matches by identity"
expect_err "written before baselines recorded observed values"

# --ignore: an extra suppression with a reason takes a finding out of the gate.
cat >"$WORK/extra-ignore.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: IgnoreList
suppressions:
  - {asset: plc-l1-01, rule: TWIN102, reason: "re-addressing in progress", ticket: CHG-1}
YAML
run drift --twin factory --live worse.json --now $NOW --baseline baseline.json --ignore extra-ignore.yaml
expect_rc 0 "suppressed by --ignore"
expect_out "re-addressing in progress"

# Errors: exit 2, and an error beats a failed gate.
run drift --twin factory --now $NOW
expect_rc 2 "--live is required"
run drift --twin factory --live no-such-file.json --now $NOW
expect_rc 2 "missing live file"
expect_err "no-such-file.json"
printf '{"format": "twinctl-live/v1", "taken_at": "2026-05-04T09:42:00Z", "sources": [' >"$WORK/trunc.json"
run drift --twin factory --live trunc.json --now $NOW
expect_rc 2 "truncated live file"
expect_err "trunc.json:1:"
run drift --twin factory --live ok.json --baseline ok.json --now $NOW
expect_rc 2 "a snapshot is not a baseline"
echo "suppressions: [" >"$WORK/bad-ignore.yaml"
run drift --twin factory --live ok.json --ignore bad-ignore.yaml --now $NOW
expect_rc 2 "broken ignore file"
expect_err "bad-ignore.yaml:"
run drift --twin factory --live ftp://ditto.example.com --now $NOW
expect_rc 2 "unsupported URL scheme"
expect_err "unsupported scheme 'ftp'"
run drift --twin factory --live 'https://user:s3cret@[::1' --now $NOW
expect_rc 2 "malformed URL"
if grep -q s3cret <<<"$ERR$OUT"; then fail "the password of a malformed URL was printed"; fi
sed -i 's/owned_by: controls-l2/owned_by: controls-l9/' "$WORK/factory/assets/line-2/plc-l2-01.yaml"
run drift --twin factory --live ok.json --now $NOW
expect_rc 2 "error beats gate"
expect_err "unknown team 'controls-l9'"
finish
