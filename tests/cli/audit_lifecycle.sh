#!/usr/bin/env bash
# A series of nightly audits of a twin in a real Git repository, over live
# snapshots that change between runs, with --now advancing: a finding is new,
# then open for N days, resolved when fixed, reopened when it comes back; an
# incomplete run resolves nothing it could not check; another site in the same
# database resolves nothing of this one.
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/repo"
cp -r "$SRC/examples/factory/." "$WORK/repo/"
(cd "$WORK/repo" && tgit init -q && tgit add -A && tgit commit -qm "the plant")
RUN_DIR=$WORK
DB=$WORK/state/history.db

# snap IN OUT [fix ASSET FIELD VALUE]... [fail]: a copy of a snapshot, with fields set and optionally a failed source.
snap() {
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
src, dst, *ops = sys.argv[1:]
d = json.load(open(src))
i = 0
while i < len(ops):
    if ops[i] == "fix":
        asset, field, value = ops[i + 1:i + 4]
        for o in d["observations"]:
            if o["asset"] == asset:
                o["fields"][field] = value
        i += 4
    elif ops[i] == "fail":
        d["sources"].append({"name": "opc-gw", "adapter": "generic", "ok": False, "items": 0,
                             "error": "connection refused", "endpoint": "https://opc.plant-a.example.com"})
        i += 1
json.dump(d, open(dst, "w"), indent=1)
PY
}
# The example snapshot without its failed source: a complete live state.
/usr/bin/python3 - "$SRC/examples/live/snapshot.json" "$WORK/s0.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["sources"] = [s for s in d["sources"] if s["ok"]]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY

audit() { # audit NOW SNAPSHOT [args]
  local now=$1 s=$2
  shift 2
  run audit --repo repo --ref main --live "$s" --now "$now" --history "$DB" --color never "$@"
}
# q EXPR: evaluates a Python expression over the JSON on stdout (d), prints the result.
q() { /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(($1))" <<<"$OUT"; }

# Run 1: everything is new.
audit 2026-05-04T10:00:00Z s0.json -o json
expect_rc 1 "run 1"
printf '%s\n' "$OUT" >"$WORK/run1.json"
[ "$(q 'd["audit"]["history"]["run_id"], d["audit"]["history"]["previous_run"]')" = "(1, None)" ] || fail "run 1 ids"
[ "$(q 'sorted({f["history"]["state"] for f in d["findings"]})')" = "['new']" ] || fail "run 1: not all findings new"
[ "$(q 'd["twin"]["commit"] is not None')" = True ] || fail "run 1: no commit recorded"
# Two changed findings on different assets, whose live value we will fix.
read -r X_ASSET X_FIELD X_VALUE X_FP Y_ASSET Y_FIELD Y_VALUE Y_FP < <(/usr/bin/python3 - "$WORK/run1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
seen, out = set(), []
for f in d["findings"]:
    if f["kind"] == "changed" and f["field"] in ("firmware", "ip") and f["asset"] not in seen:
        seen.add(f["asset"])
        out += [f["asset"], f["field"], f["intended"], f["fingerprint"]]
print(" ".join(out[:8]))
PY
)
[ -n "$Y_FP" ] || fail "the example snapshot has fewer than two firmware/ip drifts"

# Run 2, three days later, nothing changed: open for 3 days.
audit 2026-05-07T10:00:00Z s0.json -o json
expect_rc 1 "run 2"
[ "$(q "[(f['history']['state'], f['history']['open_days']) for f in d['findings'] if f['fingerprint']=='$X_FP']")" = "[('open', 3)]" ] \
  || fail "run 2: $X_ASSET $X_FIELD is not open for 3 days"
[ "$(q 'd["audit"]["history"]["previous_run"]')" = 1 ] || fail "run 2: previous run"
audit 2026-05-07T11:00:00Z s0.json -o table --no-history
expect_no_out "[new]"

# Run 3: X is fixed -> resolved since run 2, after 5 days.
snap "$WORK/s0.json" "$WORK/s1.json" fix "$X_ASSET" "$X_FIELD" "$X_VALUE"
audit 2026-05-09T10:00:00Z s1.json -o json -o table="$WORK/run3.txt" -o markdown="$WORK/run3.md" -o github="$WORK/run3.gh"
expect_rc 1 "run 3"
printf '%s\n' "$OUT" >"$WORK/run3.json"
[ "$(q "[(r['asset'], r['open_days']) for r in d['audit']['history']['resolved'] if r['fingerprint']=='$X_FP']")" = "[('$X_ASSET', 5)]" ] \
  || fail "run 3: $X_ASSET not resolved after 5 days"
[ "$(q "'$X_FP' in [f['fingerprint'] for f in d['findings']]")" = False ] || fail "run 3 still has X"
grep -q "Resolved since run 2" "$WORK/run3.txt" || fail "table lacks 'Resolved since run 2'"
grep -q "$X_ASSET" <(sed -n '/Resolved since run 2/,$p' "$WORK/run3.txt") || fail "table does not list $X_ASSET as resolved"
grep -q "### Resolved since run 2" "$WORK/run3.md" || fail "markdown lacks the resolved section"
grep -q "open 5d" "$WORK/run3.md" || fail "markdown lacks 'open 5d'"
grep -q "::notice title=twinctl history::.*%0Aresolved: [A-Z0-9]* $X_ASSET $X_FIELD" "$WORK/run3.gh" || fail "github output lacks the resolved finding"

# Run 4: Y fixed too, but a source failed (exit 3): Y is carried, not resolved.
snap "$WORK/s1.json" "$WORK/s2.json" fix "$Y_ASSET" "$Y_FIELD" "$Y_VALUE" fail
audit 2026-05-10T10:00:00Z s2.json -o json
expect_rc 3 "run 4 (incomplete)"
[ "$(q "[r['fingerprint'] for r in d['audit']['history']['resolved'] if r['fingerprint']=='$Y_FP']")" = "[]" ] \
  || fail "an incomplete run resolved a live-state finding"
[ "$(q 'd["audit"]["history"]["carried"] > 0')" = True ] || fail "run 4 carried nothing"
run history --history "$DB" findings --open --asset "$Y_ASSET" -o json
expect_rc 0 "history findings --open --asset"
[ "$(q "[f['fingerprint'] for f in d['findings'] if f['fingerprint']=='$Y_FP']")" = "['$Y_FP']" ] || fail "Y is not open after run 4"

# Run 5: complete; X drifts back (reopened), Y stays fixed (resolved, 8 days).
snap "$WORK/s0.json" "$WORK/s3.json" fix "$Y_ASSET" "$Y_FIELD" "$Y_VALUE"
audit 2026-05-12T10:00:00Z s3.json -o json -o markdown="$WORK/run5.md"
expect_rc 1 "run 5"
printf '%s\n' "$OUT" >"$WORK/run5.json"
[ "$(q "[f['history']['state'] for f in d['findings'] if f['fingerprint']=='$X_FP']")" = "['reopened']" ] || fail "X not reopened"
[ "$(q "[r['open_days'] for r in d['audit']['history']['resolved'] if r['fingerprint']=='$Y_FP']")" = "[8]" ] \
  || fail "Y not resolved by run 5 after 8 days"
grep -q "reopened" "$WORK/run5.md" || fail "markdown does not mark the reopened finding"
for f in run1 run3 run5; do
  /usr/bin/python3 - "$SRC/schemas/report.schema.json" "$WORK/$f.json" <<'PY' || fail "$f JSON does not validate"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
done

# The lifecycle as history sees it.
run history --history "$DB" findings --asset "$X_ASSET" -o json
[ "$(q "[(f['first_seen']['run'], f['last_seen']['run'], f['resolved'], f['reopened']) for f in d['findings'] if f['fingerprint']=='$X_FP']")" = "[(1, 5, None, 1)]" ] \
  || fail "history findings: X lifecycle"
run history --history "$DB" show 3 -o json
[ "$(q "[f['state'] for f in d['findings'] if f['fingerprint']=='$X_FP']")" = "['resolved']" ] || fail "history show 3: X not resolved"
run history --history "$DB" stats -o json
expect_rc 0 "history stats"
printf '%s\n' "$OUT" >"$WORK/stats.json"
/usr/bin/python3 - "$WORK/run1.json" "$WORK/stats.json" "$X_FP" "$Y_FP" <<'PY' || fail "mean time to resolve is wrong"
import json, sys
run1, stats = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["stats"]
# X's latest resolution was reopened since: only Y (8 days) and the expiry/policy findings count.
sev = {f["fingerprint"]: f["severity"] for f in run1["findings"]}[sys.argv[4]]
row = [r for r in stats["by_severity"] if r["key"] == sev][0]
assert row["resolved"] >= 1 and row["mean_days_to_resolve"] is not None, row
assert stats["by_team"], stats
PY

# Another site in the same database resolves nothing of plant A.
run history --history "$DB" findings --open -o json
open_a=$(q 'len(d["findings"])')
run simulate factory --assets 60 --seed 3 --out "$WORK/other" --now 2026-05-12T09:00:00Z --quiet
expect_rc 0 "simulate factory"
run audit --twin other --live other/live/snapshot.json --now 2026-05-13T10:00:00Z --history "$DB" --allow-partial -o json
[ "$RC" -le 1 ] || fail "audit of the other site: exit $RC"
[ "$(q 'd["audit"]["history"]["previous_run"], len(d["audit"]["history"]["resolved"])')" = "(None, 0)" ] \
  || fail "the other site's first run saw plant A's runs"
site_b=$(q 'd["twin"]["site"]')
run history --history "$DB" findings --open -o json
[ "$(q "len([f for f in d['findings'] if f['site'] != '$site_b'])")" = "$open_a" ] || fail "the other site resolved plant A's findings"

# The default database is .twinctl/history.db in the current directory.
mkdir -p "$WORK/cwd"
cp -r "$SRC/examples/factory" "$WORK/cwd/factory"
RUN_DIR=$WORK/cwd
run audit --twin factory --now 2026-05-04T10:00:00Z --fail-on none
expect_rc 0 "audit with the default database"
[ -f "$WORK/cwd/.twinctl/history.db" ] || fail "no .twinctl/history.db in the current directory"
run history list
expect_rc 0 "history list with the default database"
expect_out "plant-a"
finish
