#!/usr/bin/env bash
# audit without history: the outputs (JSON validates), the incidents, the due list,
# alerts from a replay file, the exit codes 0/1/2/3 and bad input.
source "$(dirname "$0")/lib.sh"
cp -r "$SRC/examples/factory" "$WORK/factory"
cp -r "$SRC/examples/live" "$WORK/live"
RUN_DIR=$WORK
ARGS=(audit --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --no-history --color never)

# The example snapshot has a failed source: exit 3, or the gate with --allow-partial.
run "${ARGS[@]}"
expect_rc 3 "incomplete audit"
expect_out "Run INCOMPLETE"
run "${ARGS[@]}" --allow-partial -o json
expect_rc 1 "audit --allow-partial"
printf '%s\n' "$OUT" >"$WORK/audit.json"
/usr/bin/python3 - "$SRC/schemas/report.schema.json" "$WORK/audit.json" <<'PY' || fail "audit JSON does not validate"
import json, sys, jsonschema
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, json.load(open(sys.argv[1])))
a = doc["audit"]
assert doc["command"] == "audit"
assert a["history"] is None, "history recorded with --no-history"
assert a["incidents"] or a["isolated"], "nothing from the failed assets of the snapshot"
assert a["contacts"], "no contacts"
kinds = {f["kind"] for f in doc["findings"]}
assert "policy" in kinds and "changed" in kinds, kinds
# Every due item is an expiry finding of the same asset, with a date.
fields = {(f["asset"], f["field"]) for f in doc["findings"] if f["rule"] in ("TWIN201", "TWIN202")}
for d in a["due"]:
    assert (d["asset"], d["kind"] + ":" + d["item"]) in fields, d
PY
[ -e "$WORK/.twinctl" ] && fail "--no-history created .twinctl"

# The same findings as drift: audit adds sections, not findings.
run drift --twin factory --live live/snapshot.json --now 2026-05-04T10:00:00Z --allow-partial -o json
python3 -c '
import json,sys
a=json.load(open(sys.argv[1])); d=json.loads(sys.stdin.read())
assert [f["fingerprint"] for f in a["findings"]] == [f["fingerprint"] for f in d["findings"]]
' "$WORK/audit.json" <<<"$OUT" || fail "audit and drift disagree on the findings"

for fmt in table markdown github sarif junit; do
  run "${ARGS[@]}" --allow-partial -o "$fmt"
  expect_rc 1 "audit -o $fmt"
  [ -n "$OUT" ] || fail "-o $fmt wrote nothing"
done
run "${ARGS[@]}" --allow-partial -o markdown
expect_out "### Incidents"
expect_out "isolated: plc-l2-01"
run "${ARGS[@]}" --allow-partial -o table
expect_out "Incidents ("
# A year later, certificates and calibrations are overdue: the due list, in days.
run audit --twin factory --now 2027-06-01 --no-history --fail-on none -o table -o markdown="$WORK/due.md"
expect_rc 0 "audit --now 2027-06-01"
expect_out "Due (certificates, calibrations and maintenance):"
expect_out "2026-10-31  press-02 certificate PI-2025-1031-P02  213 days overdue"
grep -q "### Certificates, calibrations and maintenance due" "$WORK/due.md" || fail "markdown lacks the due section"

# Without live state: only the intended state (policy, expiry); a gate that passes exits 0.
run audit --twin factory --now 2026-05-04T10:00:00Z --no-history --fail-on critical -o json
expect_rc 0 "audit without --live, fail-on critical"
python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["coverage_percent"] is None and d["sources"] == [] and all(f["kind"] in ("policy","expiry") for f in d["findings"]) and d["findings"]' <<<"$OUT" \
  || fail "audit without --live checked something other than the intended state"

# Alerts from a replay file feed the incidents.
# Alerts from a replay file feed the incidents: everything line 2's power feed takes down alerts.
run simulate failure --twin factory feed-l2-dist -o json
/usr/bin/python3 -c '
import json, sys
for i, a in enumerate(json.loads(sys.stdin.read())["affected"]):
    print(json.dumps({"ts": "2026-05-04T03:%02d:00Z" % (i % 60), "asset": a["asset"], "detector": "gap",
                      "event": "raise", "severity": "critical"}))
print(json.dumps({"ts": "2026-05-04T03:59:00Z", "asset": "no-such-asset", "detector": "gap", "event": "raise", "severity": "warning"}))
' <<<"$OUT" >"$WORK/alerts.jsonl"
run audit --twin factory --alerts alerts.jsonl --now 2026-05-04T10:00:00Z --no-history --fail-on none -o json
expect_rc 0 "audit --alerts"
expect_err "no-such-asset"
python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); a=d["audit"]; assert a["alerting"] >= 10 and a["incidents"][0]["roots"][0] == "feed-l2-dist" and a["incidents"][0]["team"], a["incidents"]' <<<"$OUT" \
  || fail "the alerts did not give the incident of feed-l2-dist"

# Bad input: exit 2 with a clear message, nothing recorded.
printf '{"ts": "2026-05-04T03:00:00Z", "asset": \n' >"$WORK/bad.jsonl"
run audit --twin factory --alerts bad.jsonl --history "$WORK/h.db"
expect_rc 2 "malformed alerts"
expect_err "bad.jsonl:1"
[ -e "$WORK/h.db" ] && fail "a failed audit created the history database"
echo "not a database, just text" >"$WORK/text.db"
run audit --twin factory --live live/snapshot.json --allow-partial --history text.db
expect_rc 2 "--history on a text file"
expect_err "not a twinctl history database"
run audit --twin factory --fail-on sometimes
expect_rc 2 "bad --fail-on"
run audit --twin nowhere --no-history
expect_rc 2 "missing twin"
run audit --help
expect_rc 0 "--help"
expect_out "EXAMPLES:"
expect_out "EXIT STATUS:"
finish
