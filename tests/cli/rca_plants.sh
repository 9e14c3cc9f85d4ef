#!/usr/bin/env bash
# `twinctl rca --all` on small plants drawn by hand (tests/data/rca/plants/*: a twin, its live state
# written by hand, sometimes alerts), each with the answer an experienced controls engineer gives
# (written at the top of its twin.yaml). The incidents must be exactly those: their roots and the
# abnormal assets each one explains; assets that answer and run must not be blamed.
source "$(dirname "$0")/lib.sh"
P=tests/data/rca/plants

# rca_json PLANT [ARGS...]: rca on the plant, JSON in $WORK/PLANT.json (schema-checked).
rca_json() {
  local plant=$1
  shift
  local alerts=()
  [ -f "$SRC/$P/$plant/alerts.jsonl" ] && alerts=(--alerts "$P/$plant/alerts.jsonl")
  run rca "$@" --twin "$P/$plant" --live "$P/$plant/live.json" "${alerts[@]}" -o json="$WORK/$plant.json"
  expect_rc 0 "rca $plant"
  /usr/bin/python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/rca.schema.json" "$WORK/$plant.json" ||
    fail "$plant: the JSON does not validate against schemas/rca.schema.json"
}

# expect PLANT 'ROOTS:FAILURES; ...' 'NOT BLAMED' 'UNEXPLAINED': the incidents, exactly.
expect() {
  /usr/bin/python3 - "$WORK/$1.json" "$2" "$3" "$4" <<'PY' || fail "$1: not the engineer's answer"
import json, sys
d = json.load(open(sys.argv[1]))
want = set()
for inc in filter(None, (x.strip() for x in sys.argv[2].split(";"))):
    roots, failures = inc.split(":")
    want.add((frozenset(roots.split()), frozenset(failures.split())))
got = {(frozenset(i["roots"]), frozenset(i["failures"])) for i in d["incidents"]}
show = lambda s: sorted((sorted(r), sorted(f)) for r, f in s)
assert got == want, f"incidents {show(got)}, expected {show(want)}"
for inc in d["incidents"]:
    assert inc["candidates"][0]["asset"] == inc["roots"][0] and inc["candidates"][0]["root"], inc["candidates"][0]
    assert inc["isolated"] == (inc["roots"] == inc["failures"] and len(inc["roots"]) == 1), inc
blamed = {r for i in d["incidents"] for r in i["roots"]}
for asset in sys.argv[3].split():
    assert asset not in blamed, f"{asset} is blamed"
assert d["unexplained_alerts"] == sys.argv[4].split(), d["unexplained_alerts"]
PY
}

rca_json cell-10 --all
expect cell-10 'ups-1: plc-a plc-b hmi-1; drive-9: drive-9' 'sw-1 sw-2 historian-1' ''
# Asked about one asset: the incident it belongs to, its root first.
rca_json cell-10 plc-a
expect cell-10 'ups-1: plc-a plc-b hmi-1' 'sw-1' ''
rca_json cell-10 drive-9
expect cell-10 'drive-9: drive-9' 'sw-1 ups-1' ''
run rca drive-9 --twin "$P/cell-10" --live "$P/cell-10/live.json"
expect_out "INC-1: drive-9 failed on its own (1 abnormal asset)"
expect_out "drive-9 (fault) failed on its own"

rca_json mcc-power-tree --all
expect mcc-power-tree 'mcc-1: drv-1 drv-2 drv-3' 'feed-main' ''
rca_json access-switch --all
expect access-switch 'sw-a: plc-p1 hmi-p1 cam-p1 rio-p1' 'pdu-1 sw-b' ''
rca_json lone-plc --all
expect lone-plc 'plc-pal: plc-pal' 'sw-pal ups-p' ''
rca_json data-chain --all
expect data-chain 'plc-dose: plc-dose scada mes' 'sw-dose fm-1' ''
rca_json redundant-psu --all
expect redundant-psu 'psu-a: psu-a' 'cb-a plc-safe' ''
rca_json common-mode --all
expect common-mode 'db-1: psu-a psu-b plc-safe hmi-safe' 'psu-a psu-b' ''
rca_json two-incidents --all
expect two-incidents 'sw-a: plc-a hmi-a rc-a; mcc-b: pump-b1 pump-b2' 'feed-site sw-office' ''
rca_json false-alarm --all
expect false-alarm '' 'plc-skid sw-skid pump-2' 'pump-2'
rca_json plc-fault --all
expect plc-fault 'plc-f: plc-f hmi-f oee' 'ups-f' ''
rca_json opc-gateway --all
expect opc-gateway 'gw-opc: scada historian' 'cnc-1 cnc-2 cnc-3 cnc-4' ''
rca_json switch-chain --all
expect switch-chain 'sw-dist: sw-acc-1 sw-acc-2 plc-s1 hmi-s1 plc-s2 hmi-s2' 'sw-core' ''
rca_json ups-cabinet --all
expect ups-cabinet 'ups-m: plc-m sw-m ppc-m io-m1 io-m2' 'sw-m' ''
finish
