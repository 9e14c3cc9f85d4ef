#!/usr/bin/env bash
# validate on the example factory: no errors, the expected policy findings, golden table and JSON.
source "$(dirname "$0")/lib.sh"

# A copy outside any Git repo, so the output does not depend on this repo's history.
cp -r "$SRC/examples/factory" "$WORK/factory"
RUN_DIR=$WORK

run validate --twin factory --now 2026-11-22 --color never
expect_rc 1 "validate example (expired certificate, fail-on high)"
expect_out "TWIN201"
expect_out "press-02"
expect_out "pt-l1-press02"
expect_out "Gate: FAILED (fail-on high)"
[ -z "$ERR" ] || fail "validate printed on stderr"
golden validate_example.table

run validate --twin factory --now 2026-11-22 -o json
expect_rc 1 "validate -o json"
golden validate_example.json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["schema_version"]==1 and d["gate"]["failed"] and d["summary"]["errors"]==0' <<<"$OUT" \
  || fail "JSON is not the expected document"

# Several outputs in one run, one to a file.
run validate --twin factory --now 2026-11-22 -o table -o json="$WORK/v.json" --fail-on critical
expect_rc 0 "fail-on critical passes: no critical findings"
expect_out "Gate: passed (fail-on critical)"
[ -s "$WORK/v.json" ] || fail "json file not written"

# Inside this repo: locations are repo-relative, and the last commit is named.
RUN_DIR=$SRC
run validate --twin examples/factory --now 2026-11-22 --fail-on none -o json
expect_rc 0 "fail-on none"
python3 - "$OUT" <<'PY' || fail "repo-relative path or commit missing"
import json, sys
d = json.loads(sys.argv[1])
f = [x for x in d["findings"] if x["asset"] == "press-02"][0]
assert f["location"]["path"] == "examples/factory/assets/line-1/press-02.yaml", f["location"]
assert f["last_commit"] is None or len(f["last_commit"]["sha"]) == 40
PY
finish
