#!/usr/bin/env bash
# simulate sensors --production against replay -o oee: a plant of two lines written by hand (three shifts,
# the night shift past midnight, a weekend and breaks as planned stops; machines that count good and
# rejects, all parts and rejects, all parts only, good parts only) gets statuses and part counters made
# to come near availability, performance and quality targets. The OEE replay computes from them must be
# the one built in (DIR/oee-truth.json) within 0.002 (0.2 percentage points) for every asset and line,
# with several seeds and targets; the built-in answer must be near its targets. Then the audit of such a
# line stores that OEE, and the report shows it.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
PY=/usr/bin/python3
mkdir -p "$WORK/twin/assets" "$WORK/twin/policy"
cat >"$WORK/twin/twin.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Twin
id: plant-s
name: Plant S
---
apiVersion: twinctl/v1
kind: Space
id: line-a
name: Stamping line A
type: line
---
apiVersion: twinctl/v1
kind: Space
id: line-b
name: Assembly line B
type: line
---
apiVersion: twinctl/v1
kind: Space
id: cell-b1
name: Cell B1
type: cell
parent: line-b
YAML
cat >"$WORK/twin/policy/shifts.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: ShiftCalendar
utc_offset: "-05:00"
shifts:
  - {name: first, start: "06:00", end: "14:00"}
  - {name: second, start: "14:00", end: "22:00"}
  - {name: night, start: "22:00", end: "06:00", days: [mon, tue, wed, thu]}
planned_stops:
  - {name: breakfast, start: "09:00", end: "09:20"}
  - {name: dinner, start: "18:00", end: "18:30"}
  - {name: weekend, days: [sat, sun]}
YAML
cat >"$WORK/twin/assets/line-a.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: press-a1
name: Transfer press A1
class: machine
located_in: line-a
sensors:
  - {id: state, type: status}
  - {id: good, type: counter}
  - {id: scrap, type: counter}
production: {ideal_cycle: 6, good: good, reject: scrap}
---
apiVersion: twinctl/v1
kind: Asset
id: trim-a2
name: Trim press A2
class: machine
located_in: line-a
sensors:
  - {id: mode, type: status}
  - {id: strokes, type: counter}
  - {id: rejected, type: counter}
production: {ideal_cycle: PT12S, total: strokes, reject: rejected, status: mode}
YAML
cat >"$WORK/twin/assets/line-b.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: robot-b1
name: Screwdriving robot B1
class: machine
located_in: cell-b1
sensors:
  - {id: state, type: status}
  - {id: cycles, type: counter}
production: {ideal_cycle: 25, total: cycles}
---
apiVersion: twinctl/v1
kind: Asset
id: tester-b2
name: End-of-line tester B2
class: machine
located_in: line-b
sensors:
  - {id: state, type: status}
  - {id: passed, type: counter}
production: {ideal_cycle: 30, good: passed}
YAML

# compare DIR: replay DIR/readings.* and hold every asset's and line's totals to DIR/oee-truth.json.
compare() {
  local dir=$1 file
  file=$(ls "$WORK/$dir"/readings.*)
  run replay "$file" --twin twin -o oee="$dir/oee.json"
  expect_rc 0 "replay of $dir"
  "$PY" "$SRC/tests/schema/validate_json.py" "$SRC/schemas/oee.schema.json" "$WORK/$dir/oee-truth.json" ||
    fail "$dir/oee-truth.json does not validate"
  "$PY" - "$WORK/$dir/oee.json" "$WORK/$dir/oee-truth.json" <<'PYC' || fail "$dir: replay's OEE is not the one built in"
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
def totals(doc):
    return {(p.get("asset") or "", p["line"]): p for p in doc["assets"] + doc["lines"] if p["day"] is None}
g, w = totals(got), totals(want)
assert set(g) == set(w), f"rows {sorted(g)} vs {sorted(w)}"
bad = []
for key, t in w.items():
    for f in ("oee", "availability", "performance", "quality"):
        if t[f] is None or g[key][f] is None or abs(g[key][f] - t[f]) > 0.002:
            bad.append(f"{key} {f}: replay {g[key][f]}, built in {t[f]}")
    # The losses the data tells apart, within 1 % of planned time.
    planned = t["seconds"]["planned"]
    for f in ("breakdowns", "setup_and_adjustments", "idling_and_small_stops", "small_stops_while_running",
              "startup_rejects"):
        if abs((g[key]["losses"][f] or 0) - (t["losses"][f] or 0)) > 0.01 * planned:
            bad.append(f"{key} {f}: replay {g[key]['losses'][f]}, built in {t['losses'][f]}")
print("\n".join(bad) or "ok", file=sys.stderr)
sys.exit(1 if bad else 0)
PYC
}
# near DIR A P Q: the built-in answer of every asset is near the targets (what the generator was asked for).
near() {
  "$PY" - "$WORK/$1/oee-truth.json" "$2" "$3" "$4" <<'PYN' || fail "$1: the built-in OEE is far from its targets"
import json, sys
doc = json.load(open(sys.argv[1])); a, p, q = map(float, sys.argv[2:5])
bad = []
for t in doc["assets"]:
    qt = q if t["asset"] in ("press-a1", "trim-a2") else 1  # without a reject counter, every part is good
    for f, v, tol in (("availability", a, 0.08), ("performance", p, 0.03), ("quality", qt, 0.02)):
        if abs(t[f] - v) > tol:
            bad.append(f"{t['asset']} {f} {t[f]:.3f}, target {v}")
print("\n".join(bad) or "ok", file=sys.stderr)
sys.exit(1 if bad else 0)
PYN
}

# Two weeks from a Monday, several seeds and targets; one in JSONL.
for spec in "1 0.85 0.90 0.97 csv" "2 0.60 0.75 0.90 csv" "3 0.95 0.98 0.995 jsonl" "4 1 1 1 csv"; do
  read -r seed a p q fmt <<<"$spec"
  run simulate sensors --twin twin --production --availability "$a" --performance "$p" --quality "$q" --seed "$seed" \
    --duration 14d --start 2026-11-02T00:00:00Z --format "$fmt" --out "sim-$seed"
  expect_rc 0 "simulate --production seed $seed"
  expect_err "built in: line line-a: OEE"
  compare "sim-$seed"
  near "sim-$seed" "$a" "$p" "$q"
done
# A perfect line is perfect.
jq -e '[.lines[] | .oee] == [1, 1]' "$WORK/sim-4/oee-truth.json" >/dev/null || fail "targets of 1 did not give OEE 1"
# The counters are realistic: they start anywhere, are reset at local midnight, and replay says so.
run replay sim-1/readings.csv --twin twin -o oee=/dev/null
expect_err "counter resets (a value lower than the last one counts from 0)"
# Small stops and reduced speed are both built in and told apart; so are rejects at startup (after a
# stop, setup or breakdown, before the first good part) and in production.
jq -e '[.assets[] | select(.asset == "press-a1" and .day == null) | .losses.small_stops_while_running > 0 and
  .losses.reduced_speed > 0 and .losses.startup_rejects > 0 and .losses.rejects > .losses.startup_rejects] == [true]' \
  "$WORK/sim-2/oee.json" >/dev/null || fail "press-a1's losses are not told apart: $(jq -c '.assets[-1].losses' "$WORK/sim-2/oee.json")"
jq -e '[.assets[] | select(.day == null and (.asset == "robot-b1" or .asset == "tester-b2")) | .parts.startup_reject] == [0, 0]' \
  "$WORK/sim-2/oee.json" >/dev/null || fail "startup rejects without a reject counter"

# Deterministic: the same options give the same bytes; another seed other readings.
run simulate sensors --twin twin --production --seed 1 --duration 14d --start 2026-11-02T00:00:00Z --out again
cmp -s "$WORK/sim-1/readings.csv" "$WORK/again/readings.csv" && cmp -s "$WORK/sim-1/oee-truth.json" "$WORK/again/oee-truth.json" ||
  fail "the same seed gave other readings"
! cmp -s "$WORK/sim-1/readings.csv" "$WORK/sim-2/readings.csv" || fail "another seed gave the same readings"

# The audit of a simulated week stores the built-in OEE, and the report shows it by line.
run audit --twin twin --history history.db --readings sim-2/readings.csv --now 2026-11-16T00:00:00Z
expect_rc 0 "audit of the simulated line"
run report --history history.db -o markdown
expect_rc 0 "report"
for line in line-a line-b; do
  pct=$(jq -r --arg l "$line" '.lines[] | select(.line == $l) | .oee * 1000 | round / 10 | tostring' "$WORK/sim-2/oee-truth.json")
  grep -qE "^\| $line \| \*\*$pct( |\.0 )%\*\* \|" <<<"$OUT" || fail "the report does not show $line at $pct %"
done

# Bad input: exit 2 with a clear message.
run simulate sensors --twin twin --production --availability 0 --out bad
expect_rc 2 "--availability 0"
run simulate sensors --twin twin --production --sensors 5 --out bad
expect_rc 2 "--production with --sensors"
expect_err "not with --sensors or --publish"
run simulate sensors --twin twin --production --interval 3600 --out bad
expect_rc 2 "--interval 3600"
expect_err "--interval must be 1 to 900 s"
run simulate sensors --twin twin --production --duration 1d --out sim-1
expect_rc 2 "an existing output"
expect_err "already exists"
mkdir -p "$WORK/plain"
printf 'apiVersion: twinctl/v1\nkind: Twin\nid: p\nname: P\n' >"$WORK/plain/twin.yaml"
run simulate sensors --twin plain --production --out bad
expect_rc 2 "a twin without production"
expect_err "no asset of the twin has 'production:'"
finish
