#!/usr/bin/env bash
# End to end: simulate factory -> simulate failure (probability 1) -> the
# affected assets (the root too) as alert events -> rca --alerts names the injected root,
# for two cell PLCs, a SCADA server and a historian. (A line switch and the
# line feed that powers it are indistinguishable without timestamps: see bench/RESULTS.md.)
source "$(dirname "$0")/lib.sh"
plant="$WORK/plant"
run simulate factory --assets 400 --seed 11 --out "$plant" --quiet
expect_rc 0 "simulate factory"

for root in plc-01-03 plc-02-05 scada-01 historian-b01; do
  run simulate failure --twin "$plant" "$root" -o json="$WORK/$root.json"
  expect_rc 0 "simulate failure $root"
  /usr/bin/python3 - "$WORK/$root.json" >"$WORK/$root.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, a in enumerate(d["affected"]):
    print(json.dumps({"ts": "2026-05-04T03:%02d:00Z" % (i % 60), "asset": a["asset"], "detector": "gap",
                      "event": "raise", "severity": "critical"}))
PY
  [ -s "$WORK/$root.jsonl" ] || fail "$root took nothing down"
  run rca --all --twin "$plant" --alerts "$WORK/$root.jsonl" -o json
  expect_rc 0 "rca $root"
  top=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["incidents"][0]["candidates"][0]["asset"])' <<<"$OUT")
  [ "$top" = "$root" ] || fail "rca ranked $top first, injected root was $root"
done
finish
