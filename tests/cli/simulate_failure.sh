#!/usr/bin/env bash
# `twinctl simulate failure` on the example factory: what a UPS takes down
# (golden table, markdown), JSON against schemas/failure.schema.json,
# redundancy survivors, depth, spaces as targets, and exit 2 on bad input.
source "$(dirname "$0")/lib.sh"
twin=(--twin examples/factory)

run simulate failure "${twin[@]}" ups-l1-01
expect_rc 0 "ups failure"
golden simulate_failure_ups.table
expect_out "19 assets affected: 13 stopped, 6 degraded (lost a data feed)"
expect_out "plc-l1-01        stopped   plc      line-1            controls-l1  ups-l1-01 -POWERS-> plc-l1-01"
# Losing the UPS starves SCADA and the ERP link of data: degraded, not stopped.
expect_out "scada-01         degraded  server"
expect_out "erp-link-01      degraded  server"
expect_out "ups-l1-01 -POWERS-> sw-l1-ctl-b -CONNECTS_TO-> press-02"

run simulate failure "${twin[@]}" ups-l1-01 -o markdown
expect_rc 0 "markdown"
golden simulate_failure_ups.markdown

# One of two redundant feeds: the server UPS survives and says why.
run simulate failure "${twin[@]}" feed-main-a -o json="$WORK/feed.json"
expect_rc 0 "feed json"
/usr/bin/python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/failure.schema.json" "$WORK/feed.json" ||
  fail "JSON does not validate against schemas/failure.schema.json"
/usr/bin/python3 - "$WORK/feed.json" <<'PY' || fail "feed-main-a: wrong survivors or affected"
import json, sys
d = json.load(open(sys.argv[1]))
surv = {s["asset"]: s for s in d["survivors"]}
assert "ups-srv-01" in surv and surv["ups-srv-01"]["down"] == 1 and surv["ups-srv-01"]["needed"] == 1, surv
affected = {a["asset"] for a in d["affected"]}
assert "ups-srv-01" not in affected and "feed-l1-dist" in affected, affected
impact = {a["asset"]: a["impact"] for a in d["affected"]}
assert d["summary"]["stopped"] + d["summary"]["degraded"] == d["summary"]["affected"], d["summary"]
assert d["summary"]["stopped"] == sum(1 for v in impact.values() if v == "stopped"), d["summary"]
assert d["summary"]["power_lost_kw"] > 0
PY

# Both feeds: the UPS goes too.
run simulate failure "${twin[@]}" feed-main-a feed-main-b -o json
expect_rc 0 "both feeds"
grep -q '"asset": "ups-srv-01"' <<<"$OUT" || fail "ups-srv-01 should fail when both feeds do"

# --depth 1: only direct dependents.
run simulate failure "${twin[@]}" ups-l1-01 --depth 1 -o json
expect_rc 0 "depth"
expect_no_out '"hop": 2'
expect_out '"hop": 1'

# A space fails everything in it.
run simulate failure "${twin[@]}" cell-1-1
expect_rc 0 "space"
expect_out "press-01"

# Deterministic, also with a propagation probability.
run simulate failure "${twin[@]}" feed-main-a --probability 0.5 --seed 3 -o json
first=$OUT
run simulate failure "${twin[@]}" feed-main-a --probability 0.5 --seed 3 -o json
[ "$first" = "$OUT" ] || fail "same seed, different output"

# Errors: exit 2 with a reason.
run simulate failure "${twin[@]}" ups-l1-1
expect_rc 2 "unknown asset"
expect_err "unknown asset 'ups-l1-1' (did you mean 'ups-l1-01'?)"
run simulate failure "${twin[@]}"
expect_rc 2 "no asset"
run simulate failure "${twin[@]}" ups-l1-01 --probability 2
expect_rc 2 "bad probability"
run simulate failure "${twin[@]}" ups-l1-01 --depth -1
expect_rc 2 "bad depth"
run simulate failure --twin "$SRC/tests/data/broken/06-dangling-relationship" plc-01
expect_rc 2 "broken twin"
expect_err "a.yaml"
run simulate failure --help
expect_rc 0 "help"
expect_out "EXAMPLES"
expect_out "EXIT STATUS"
finish
