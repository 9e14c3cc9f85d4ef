#!/usr/bin/env bash
# `twinctl graph`: DOT that Graphviz parses, Mermaid and JSON of a
# neighbourhood (golden), live colours, type filters, exit 2 and 3.
source "$(dirname "$0")/lib.sh"
twin=(--twin examples/factory)

run graph "${twin[@]}"
expect_rc 0 "dot"
expect_out 'subgraph "cluster_line-1"'
expect_out '"ups-l1-01" -> "plc-l1-01" [color="#d93025", penwidth=1.4];'
expect_out '"plc-l1-01" -> "sw-l1-ctl-a" [color="#80868b", style=dashed, arrowhead=none];'
printf '%s\n' "$OUT" | dot -Tsvg >"$WORK/plant.svg" 2>"$WORK/dot.err" || { cat "$WORK/dot.err" >&2; fail "dot cannot render the graph"; }
grep -q "<svg" "$WORK/plant.svg" || fail "no SVG from dot"

run graph "${twin[@]}" --around plc-l1-01 --depth 1 -o mermaid
expect_rc 0 "mermaid"
golden graph_plc_l1_01.mermaid

run graph "${twin[@]}" --around ups-l1-01 --depth 1 --type POWERS -o json="$WORK/g.json"
expect_rc 0 "json"
/usr/bin/python3 "$SRC/tests/schema/validate_json.py" "$SRC/schemas/graph.schema.json" "$WORK/g.json" ||
  fail "JSON does not validate against schemas/graph.schema.json"
/usr/bin/python3 - "$WORK/g.json" <<'PY' || fail "POWERS neighbourhood of ups-l1-01 is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert {e["type"] for e in d["edges"]} == {"POWERS"}
assert all(e["from"] == "ups-l1-01" or e["to"] == "ups-l1-01" for e in d["edges"])
assert "plc-l1-01" in {n["id"] for n in d["nodes"]} and "scada-01" not in {n["id"] for n in d["nodes"]}
PY

# Live colours: the faulted PLC is red; the failed source makes it exit 3.
run graph "${twin[@]}" --live examples/live/snapshot.json --around plc-l2-01 --depth 1
expect_rc 3 "live with a failed source"
expect_out '"plc-l2-01" [label="plc-l2-01\nplc", fillcolor="#f28b82"'
run graph "${twin[@]}" --live tests/data/rca/ups-outage.json -o json
expect_rc 0 "live"
expect_out '"status": "failed"'

run graph "${twin[@]}" --type POWER
expect_rc 2 "bad type"
expect_err "unknown relationship type 'POWER'"
run graph "${twin[@]}" --around plc-l1-0
expect_rc 2 "unknown asset"
expect_err "did you mean"
run graph --help
expect_rc 0 "help"
expect_out "EXIT STATUS"
finish
