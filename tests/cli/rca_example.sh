#!/usr/bin/env bash
# `twinctl rca` on the example factory: the line-1 UPS dies without a word
# (its network card went with it), everything it powers goes offline, one PLC
# on line 2 faults on its own and a CNC raises a false alert. The UPS must be
# named, with the evidence and the owner; plc-l2-01 faulted on its own (an incident of its own,
# ranked with the others); the alert is
# unexplained. Exit codes 0, 2 and 3.
source "$(dirname "$0")/lib.sh"
twin=(--twin examples/factory)
live=tests/data/rca/ups-outage.json
alerts=tests/data/rca/alerts.jsonl

/usr/bin/python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/alert.schema.json" "$SRC/$alerts" --jsonl ||
  fail "$alerts does not validate against schemas/alert.schema.json"

run rca --all "${twin[@]}" --live "$live" --alerts "$alerts"
expect_rc 0 "rca --all"
golden rca_ups_outage.table
expect_out "INC-1: root cause ups-l1-01 (12 abnormal assets)"
expect_out "INC-2: plc-l2-01 failed on its own (1 abnormal asset)"
expect_out "Unexplained alerts (no failure around them; likely false alarms): cnc-l3-02"
expect_out "Call the owner of ups-l1-01: Maintenance"

run rca --all "${twin[@]}" --live "$live" --alerts "$alerts" -o json="$WORK/rca.json" -o markdown
expect_rc 0 "rca json + markdown"
golden rca_ups_outage.markdown
/usr/bin/python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/rca.schema.json" "$WORK/rca.json" ||
  fail "JSON does not validate against schemas/rca.schema.json"
/usr/bin/python3 - "$WORK/rca.json" <<'PY' || fail "rca JSON: wrong root or evidence"
import json, sys
d = json.load(open(sys.argv[1]))
inc = d["incidents"][0]
assert inc["roots"] == ["ups-l1-01"], inc["roots"]
top = inc["candidates"][0]
assert top["asset"] == "ups-l1-01" and top["root"] and top["observed"] == "no alert", top
paths = {e["asset"]: e["path"] for e in top["explains"]}
assert paths["press-02"] == ["ups-l1-01", "sw-l1-ctl-b", "press-02"], paths["press-02"]
assert top["owner"]["oncall"], top["owner"]
assert [(i["asset"], i["observed"], i["incident"]) for i in d["isolated"]] == [("plc-l2-01", "fault", "INC-2")], d["isolated"]
iso = d["incidents"][1]
assert iso["isolated"] and iso["roots"] == ["plc-l2-01"] and iso["candidates"][0]["observed"] == "fault", iso
# Probabilities are rounded, not floats widened (0.9700000286102295).
probs = [e["probability"] for i in d["incidents"] for c in i["candidates"] for e in c["explains"]]
assert all(len(repr(p)) <= 5 for p in probs), [p for p in probs if len(repr(p)) > 5]
PY

# Focus: only the incident of the asset named.
run rca press-02 "${twin[@]}" --live "$live"
expect_rc 0 "focus"
expect_out "root cause ups-l1-01"
expect_no_out "plc-l2-01"
run rca plc-l2-01 "${twin[@]}" --live "$live"
expect_rc 0 "focus isolated"
expect_out "INC-1: plc-l2-01 failed on its own"
expect_out "plc-l2-01 (fault) failed on its own"
expect_no_out "ups-l1-01"

# The example snapshot has a failed source: exit 3 unless --allow-partial.
run rca --all "${twin[@]}" --live examples/live/snapshot.json
expect_rc 3 "incomplete"
expect_out "INCOMPLETE"
expect_err "azure-utilities could not be read"
run rca --all "${twin[@]}" --live examples/live/snapshot.json --allow-partial -o json
expect_rc 0 "allow partial"
expect_out '"incomplete": true'

# Errors: exit 2.
run rca ups-l1-1 "${twin[@]}" --live "$live"
expect_rc 2 "unknown asset"
expect_err "did you mean 'ups-l1-01'"
run rca "${twin[@]}" --live "$live"
expect_rc 2 "no asset, no --all"
expect_err "--all"
run rca --all "${twin[@]}"
expect_rc 2 "--all without evidence"
printf '{"ts":"2026-05-04T03:02:11Z","asset":"press-01","event":"raise","severity":"critical"}\n{"ts":"2026-05-04T03:02:11Z","asset":"press-01","event":"raise","severity":"major"}\n' >"$WORK/bad.jsonl"
run rca --all "${twin[@]}" --alerts "$WORK/bad.jsonl"
expect_rc 2 "bad alerts"
expect_err "bad.jsonl:2: \"severity\" must be critical, warning or info"
run rca --all "${twin[@]}" --alerts "$WORK/missing.jsonl"
expect_rc 2 "missing alerts file"
run rca --help
expect_rc 0 "help"
expect_out "EXAMPLES"
expect_out "EXIT STATUS"
finish
