#!/usr/bin/env bash
# The example line (examples/line), as the README's "Health, OEE and maintenance" runs it: it validates;
# simulate sensors --production makes two weeks of its statuses and part counters; replay's OEE is the
# one built in; and its part counters, which grow all shift, stand still at every stop and fall at every
# reset, raise no alert with the default detectors (a counter is judged for gaps and quality, not as a
# level), while `--set counter:stuck=on` brings the stuck detector back for them.
source "$(dirname "$0")/lib.sh"
LINE="$SRC/examples/line"
run validate --twin "$LINE"
expect_rc 0 "the example line validates"
run simulate sensors --twin "$LINE" --production --availability 0.8 --performance 0.9 --quality 0.95 \
  --duration 14d --seed 5 --out "$WORK/line"
expect_rc 0 "simulate sensors --production"
run replay "$WORK/line/readings.csv" --twin "$LINE" -o oee="$WORK/oee.json" -o alerts="$WORK/alerts.jsonl" -o json="$WORK/sum.json"
expect_rc 0 "replay of the simulated line"
python3 - "$WORK/oee.json" "$WORK/line/oee-truth.json" <<'PY' || fail "replay's OEE differs from the one built in"
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:])
def totals(doc):
    return {(l["line"], l.get("day"), l.get("shift")): l["oee"] for l in doc["lines"] if l.get("oee") is not None}
g, w = totals(got), totals(want)
assert w, "nothing built in"
bad = [(k, g.get(k), v) for k, v in w.items() if g.get(k) is None or abs(g[k] - v) > 0.002]
if bad:
    print(bad[:5], file=sys.stderr)
    sys.exit(1)
PY
[ "$(jq '[.sensors[] | select(.sensor | test("parts|rejects"))] | length' "$WORK/sum.json")" = 5 ] ||
  fail "the five counters were replayed: $(jq -c '[.sensors[].sensor]' "$WORK/sum.json")"
[ ! -s "$WORK/alerts.jsonl" ] || fail "alerts on the line's counters: $(head -3 "$WORK/alerts.jsonl")"
run replay "$WORK/line/readings.csv" --twin "$LINE" --set counter:stuck=on -o alerts="$WORK/stuck.jsonl"
expect_rc 0 "replay with the stuck detector on for counters"
grep -q '"detector":"stuck"' "$WORK/stuck.jsonl" || fail "counter:stuck=on raised nothing: $(head -3 "$WORK/stuck.jsonl")"
finish
