#!/usr/bin/env bash
# `twinctl simulate sensors` -> `twinctl replay` on the example factory: files,
# determinism by seed, alerts and summary against their schemas, CSV = JSONL,
# stdin, exit codes 0/1/2, bad lines with file:line and --strict.
source "$(dirname "$0")/lib.sh"
twin="$SRC/examples/factory"

# --- simulate: files, summary on stderr, same seed = same bytes ----------------
run simulate sensors --twin "$twin" --duration 6h --seed 3 --fault-rate 1 --out "$WORK/s"
expect_rc 0 "simulate sensors"
expect_err "injected faults"
[ -s "$WORK/s/readings.csv" ] && [ -s "$WORK/s/truth.csv" ] || fail "readings.csv or truth.csv missing"
head -1 "$WORK/s/readings.csv" | grep -qx "timestamp,machineId,sensorType,value,unit,quality" || fail "no CSV header"
grep -q ",spike," "$WORK/s/truth.csv" || fail "no spike in the truth"
run simulate sensors --twin "$twin" --duration 6h --seed 3 --fault-rate 1 --out "$WORK/s2" --quiet
cmp -s "$WORK/s/readings.csv" "$WORK/s2/readings.csv" || fail "same seed, different readings"
cmp -s "$WORK/s/truth.csv" "$WORK/s2/truth.csv" || fail "same seed, different truth"
run simulate sensors --twin "$twin" --duration 6h --seed 4 --fault-rate 1 --out "$WORK/s3" --quiet
! cmp -s "$WORK/s/readings.csv" "$WORK/s3/readings.csv" || fail "another seed, same readings"

# --- replay: alerts + JSON summary, validated against the schemas -------------
run replay "$WORK/s/readings.csv" --twin "$twin" -o alerts="$WORK/alerts.jsonl" -o json="$WORK/summary.json" \
  -o table --fail-on none
expect_rc 0 "replay --fail-on none"
expect_out "ASSET"
expect_out "readings from"
[ -s "$WORK/alerts.jsonl" ] || fail "no alerts written"
/usr/bin/python3 - "$SRC/schemas" "$WORK/alerts.jsonl" "$WORK/summary.json" <<'PY' || fail "alerts or summary do not match their schemas"
import json, sys
from jsonschema import Draft7Validator
schemas, alerts, summary = sys.argv[1:]
va = Draft7Validator(json.load(open(schemas + "/alert.schema.json")))
vs = Draft7Validator(json.load(open(schemas + "/replay-summary.schema.json")))
bad = 0
events = set()
for n, line in enumerate(open(alerts), 1):
    a = json.loads(line)
    events.add(a["event"])
    for e in va.iter_errors(a):
        print(f"alerts:{n}: {e.message}", file=sys.stderr); bad += 1
doc = json.load(open(summary))
for e in vs.iter_errors(doc):
    print(f"summary: /{'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr); bad += 1
if events != {"raise", "clear"}:
    print("expected raise and clear events, got", events, file=sys.stderr); bad += 1
if not any(s["out_of_order"] for s in doc["sensors"]) or not any(s["duplicates"] for s in doc["sensors"]):
    print("out-of-order/duplicate readings not counted", file=sys.stderr); bad += 1
if not any(a["energy_kwh"] for a in doc["assets"]) or not any(a["co2_kg"] for a in doc["assets"]):
    print("no energy/CO2 figure for the power sensors", file=sys.stderr); bad += 1
sys.exit(1 if bad else 0)
PY

# The gate: injected faults raise warnings; exit 1 at --fail-on warning.
run replay "$WORK/s/readings.csv" --twin "$twin" --fail-on warning -o json --quiet
expect_rc 1 "replay --fail-on warning"
expect_out '"schema_version": 1'

# The same readings as JSONL and through stdin give the same alerts.
run simulate sensors --twin "$twin" --duration 6h --seed 3 --fault-rate 1 --format jsonl --out "$WORK/j" --quiet
run replay "$WORK/j/readings.jsonl" --twin "$twin" -o alerts="$WORK/alerts-jsonl.jsonl" --fail-on none
expect_rc 0 "replay jsonl"
cmp -s "$WORK/alerts.jsonl" "$WORK/alerts-jsonl.jsonl" || fail "CSV and JSONL give different alerts"
set +e
"$TWINCTL" replay - --twin "$twin" -o alerts=- --fail-on none <"$WORK/s/readings.csv" >"$WORK/stdin.jsonl" 2>/dev/null
set -e
cmp -s "$WORK/alerts.jsonl" "$WORK/stdin.jsonl" || fail "stdin gives different alerts"

# --- messy input: bad lines are reported with file:line; more than 1 % is exit 3 (what was judged is
# not the input), --strict exits 2 ------
{
  echo "timestamp,machineId,sensorType,value,unit,quality"
  echo "2026-05-04T00:00:00Z,press-1,hyd-pressure,210,bar,good"
  echo "this is garbage"
  echo "2026-05-04T00:00:01Z,press-1,hyd-pressure,NaN,bar,good"
  echo "2026-05-04T00:00:02Z,press-1,hyd-pressure,abc!,bar,good"
  printf '2026-05-04T00:00:03Z,press-1,hyd-pressure,211,bar,good'
} >"$WORK/messy.csv"
run replay "$WORK/messy.csv" -o json
expect_rc 3 "replay with bad lines: 2 of 5 lines were not judged"
expect_err "2 of 5 lines could not be read and were not judged (exit 3"
expect_err "messy.csv:3: expected 6 comma-separated fields"
expect_err "messy.csv:5: value is not a number"
expect_out '"bad_lines": 2'
expect_out '"readings": 3'
run replay "$WORK/messy.csv" --strict
expect_rc 2 "replay --strict"
expect_err "twinctl: error: $WORK/messy.csv:3:"

# Binary garbage and a line longer than a read block: counted, never a crash or a hang.
{
  echo "2026-05-04T00:00:00Z,m,s,1,u,good"
  head -c 200000 /dev/urandom | tr -d '\n'
  echo
  head -c 5000000 /dev/zero | tr '\0' 'x'
  echo
  echo "2026-05-04T00:00:01Z,m,s,2,u,good"
} >"$WORK/garbage.csv"
run replay "$WORK/garbage.csv" -o json
expect_rc 3 "replay of garbage: half the lines were not judged"
expect_out '"readings": 2'
expect_out '"bad_lines": 2'
expect_err "garbage.csv:3: line longer than 4 MiB"

# --- usage and input errors exit 2 ---------------------------------------------
run replay "$WORK/does-not-exist.csv"
expect_rc 2 "missing file"
expect_err "does-not-exist.csv: cannot open"
run replay "$WORK/messy.csv" --set zscore.limt=3
expect_rc 2 "unknown --set"
expect_err "unknown detector or parameter"
run replay "$WORK/messy.csv" --speed fast
expect_rc 2 "bad --speed"
run replay
expect_rc 2 "no file"
run simulate sensors --sensors 5 --duration soon --out "$WORK/x"
expect_rc 2 "bad --duration"

# --- --speed N paces the stream: 3 s of data at 10x takes >= 0.25 s ----------
start=$(date +%s%N)
run replay "$WORK/messy.csv" --speed 10 --quiet
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 3 "replay --speed 10 (messy.csv's bad lines: exit 3)"
[ "$elapsed" -ge 250 ] || fail "--speed 10 took only ${elapsed} ms"

# --- aggregates -----------------------------------------------------------------
run replay "$WORK/messy.csv" -o aggregates="$WORK/agg.csv" --window 2 --quiet
expect_rc 3 "aggregates (messy.csv's bad lines: exit 3)"
grep -qx "window_start,machineId,sensorType,count,min,mean,max" "$WORK/agg.csv" || fail "no aggregates header"
grep -q "^2026-05-04T00:00:00Z,press-1,hyd-pressure,1,210,210,210$" "$WORK/agg.csv" || fail "aggregates: $(cat "$WORK/agg.csv")"

# --- hostile input and bounds (issue #17) ---------------------------------------
# A UTF-8 byte-order mark before the CSV header (spreadsheet exports).
printf '\xef\xbb\xbftimestamp,machineId,sensorType,value,unit,quality\n2026-05-04T00:00:00Z,m,s,1,u,good\n' >"$WORK/bom.csv"
run replay "$WORK/bom.csv" -o json --strict
expect_rc 0 "CSV with a BOM"
expect_out '"readings": 1'
expect_out '"bad_lines": 0'
# JSONL escapes are decoded: the same sensor as the plain spelling.
printf '%s\n' '{"timestamp":"2026-05-04T00:00:00Z","machineId":"press\u002d01","sensorType":"t","value":1}' \
  '{"timestamp":"2026-05-04T00:00:01Z","machineId":"press-01","sensorType":"t","value":2}' >"$WORK/esc.jsonl"
run replay "$WORK/esc.jsonl" -o json
expect_rc 0 "JSONL with escapes"
expect_out '"asset": "press-01"'
[ "$(grep -c "\"asset\": \"press" "$WORK/out")" -le 2 ] || fail "press\\u002d01 and press-01 are two sensors"
# A newest-first file: nearly every reading is dropped as out of order -> exit 3, --strict exit 2.
{
  echo "timestamp,machineId,sensorType,value,unit,quality"
  for i in $(seq 200 -1 1); do printf '2026-05-04T00:%02d:%02dZ,m,s,%d,u,good\n' $((i / 60)) $((i % 60)) "$i"; done
} >"$WORK/newest-first.csv"
run replay "$WORK/newest-first.csv" -o json
expect_rc 3 "newest-first file"
expect_err "199 of 200 readings were older than"
expect_out '"out_of_order": 199'
run replay "$WORK/newest-first.csv" --strict
expect_rc 2 "newest-first file --strict"
# --max-sensors: further sensors are counted and skipped, exit 3; the default keeps them all.
{
  echo "timestamp,machineId,sensorType,value,unit,quality"
  for i in $(seq 1 50); do echo "2026-05-04T00:00:00Z,m,s$i,1,u,good"; done
} >"$WORK/many.csv"
run replay "$WORK/many.csv" -o json --max-sensors 20
expect_rc 3 "--max-sensors 20"
expect_out '"over_sensor_cap": 30'
expect_err "30 readings of sensors beyond the first 20 were skipped"
run replay "$WORK/many.csv" -o json --max-sensors 20 --strict
expect_rc 2 "--max-sensors --strict"
run replay "$WORK/many.csv" -o json
expect_rc 0 "50 sensors under the default cap"
# --speed is bounded: no overflow at 1e-300.
run replay "$WORK/messy.csv" --speed 1e-300
expect_rc 2 "--speed 1e-300"
expect_err "factor from 0.001"
run replay "$WORK/messy.csv" --speed inf
expect_rc 2 "--speed inf"
# simulate sensors: no years past 9999, no silent overwrite.
run simulate sensors --sensors 1 --duration 3000000d --out "$WORK/far"
expect_rc 2 "--duration past ten years"
run simulate sensors --sensors 1 --duration 2d --start 9999-12-31T00:00:00Z --out "$WORK/far"
expect_rc 2 "readings past 9999"
expect_err "9999-12-31T23:59:59Z"
run simulate sensors --sensors 1 --duration 1m --out "$WORK/s" --quiet
expect_rc 2 "simulate sensors over an existing output"
expect_err "already exists"
cmp -s "$WORK/s/readings.csv" "$WORK/s2/readings.csv" || fail "simulate sensors overwrote readings.csv"
run simulate sensors --sensors 1 --duration 1m --out "$WORK/s" --quiet --force
expect_rc 0 "simulate sensors --force"

# --- multivariate models: learned from a known-good file, written, read back ------
# Three sensors of one machine that move together (b = 2 a, c = a + 5), one row a second; in
# bad.csv b moves against a while every sensor stays in its range.
/usr/bin/python3 - "$WORK" <<'PY'
import math, sys
w = sys.argv[1]
def write(path, n, broken_from):
    with open(path, "w") as f:
        f.write("timestamp,machineId,sensorType,value,unit,quality\n")
        for t in range(n):
            a = 10 * math.sin(t / 30.0) + 0.1 * math.sin(t * 7.3)
            b = (-2 if t >= broken_from else 2) * a + 0.1 * math.cos(t * 5.1)
            ts = "2026-05-04T%02d:%02d:%02dZ" % (t // 3600, t // 60 % 60, t % 60)
            c = a + 5 + 0.1 * math.sin(t * 3.7)
            f.write("%s,pump-1,a,%.4f,,good\n%s,pump-1,b,%.4f,,good\n%s,pump-1,c,%.4f,,good\n" % (ts, a, ts, b, ts, c))
write(w + "/good.csv", 600, 10**9)
write(w + "/bad.csv", 600, 283)  # a crosses zero at t = 30 pi x 3: nothing jumps
PY
run replay "$WORK/good.csv" --model-out "$WORK/model.json" -o alerts="$WORK/good-alerts.jsonl" --fail-on none
expect_rc 0 "learn a model"
/usr/bin/python3 - "$SRC/schemas/multivariate-model.schema.json" "$WORK/model.json" <<'PY' || fail "model.json does not match its schema"
import json, sys
from jsonschema import Draft7Validator
errors = list(Draft7Validator(json.load(open(sys.argv[1]))).iter_errors(json.load(open(sys.argv[2]))))
for e in errors: print(e.message, file=sys.stderr)
doc = json.load(open(sys.argv[2]))
sys.exit(1 if errors or doc["assets"][0]["sensors"] != ["a", "b", "c"] else 0)
PY
run replay "$WORK/bad.csv" --model "$WORK/model.json" -o alerts=- --fail-on none
expect_rc 0 "judge with a model"
expect_out '"detector":"multivariate","event":"raise"'
expect_out 'most: b'
run replay "$WORK/bad.csv" --learn "$WORK/good.csv" -o alerts=- --fail-on none
expect_out '"detector":"multivariate","event":"raise"'
run replay "$WORK/good.csv" --model "$WORK/model.json" -o alerts=- --fail-on none
expect_no_out '"detector":"multivariate"'
echo '{"format": "twinctl-mv-model/v1", "assets": [{"asset": "x", "sensors": ["a"]}]}' >"$WORK/bad-model.json"
run replay "$WORK/bad.csv" --model "$WORK/bad-model.json"
expect_rc 2 "malformed model"
expect_err "bad-model.json: an asset model has 2 to 32 sensors"

for cmd in replay "simulate sensors"; do
  # shellcheck disable=SC2086
  run $cmd --help
  expect_rc 0 "$cmd --help"
  expect_out "EXIT STATUS:"
  expect_out "EXAMPLES:"
done
for page in twinctl-replay.1 twinctl-simulate-sensors.1; do
  [ -f "$SRC/man/$page" ] || fail "man page $page missing"
  MANPAGER=cat man -l "$SRC/man/$page" 2>"$WORK/man.err" | grep -q "EXIT STATUS" || fail "man $page does not render"
  [ ! -s "$WORK/man.err" ] || fail "man $page: $(cat "$WORK/man.err")"
done
finish
