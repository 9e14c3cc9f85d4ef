#!/usr/bin/env bash
# Text from live data and from the twin cannot drive the operator's terminal or
# forge a line: ESC/OSC/BEL and line breaks show escaped (\x1b, \x07, \n) in
# table, Markdown, GitHub annotations and stderr; JSON keeps the exact text.
source "$(dirname "$0")/lib.sh"
NOW=2026-05-04T10:00:00Z
FORGED=$'V6.20\nGate: PASSED (fail-on high).\e]0;owned\a\e[2J'

python3 - "$SRC/examples/live/snapshot.json" "$WORK/hostile.json" "$FORGED" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["observations"][0]["fields"]["firmware"] = sys.argv[3]          # cnc-l3-01: a changed finding
for s in d["sources"]:
    if not s["ok"]:
        s["error"] = "HTTP 503 \x1b[2J\x1b]0;pwned\x07\nGate: PASSED"  # a failed source's reason
for u in d.get("unmatched", [])[:1]:
    u["ref"] = "rogue\x1b[8m\r\nGate: PASSED"                      # an unmanaged device's ref
json.dump(d, open(sys.argv[2], "w"))
PY

check_clean() { # FILE what
  if grep -qP '[\x00-\x08\x0b-\x1f\x7f]' "$1"; then fail "$2: a control character is in the output: $(grep -P '[\x00-\x08\x0b-\x1f\x7f]' "$1" | head -2 | od -c | head -5)"; fi
  if grep -q '^Gate: PASSED' "$1"; then fail "$2: a forged 'Gate: PASSED' line"; fi
  grep -qF 'Gate: PASSED' "$1" || fail "$2: the hostile text is not shown at all"
  grep -qF '\x1b' "$1" || fail "$2: ESC is not shown as \\x1b"
}

RUN_DIR=$SRC
run drift --twin examples/factory --live "$WORK/hostile.json" --now $NOW --color always \
  -o table -o markdown="$WORK/out.md" -o github="$WORK/out.gh" -o json="$WORK/out.json"
expect_rc 3 "drift with hostile live text (a failed source: incomplete)"
printf '%s\n' "$OUT" >"$WORK/out.table"
printf '%s\n' "$ERR" >"$WORK/out.err"
# The table's own colours are the only escape sequences: strip exactly those, then nothing may remain.
sed -E 's/\x1b\[[0-9;]*m//g' "$WORK/out.table" >"$WORK/out.table.plain"
check_clean "$WORK/out.table.plain" "table"
grep -qF 'V6.20\nGate: PASSED (fail-on high).\x1b]0;owned\x07\x1b[2J' "$WORK/out.table.plain" ||
  fail "table: the firmware is not shown escaped as a whole"
check_clean "$WORK/out.md" "markdown"
check_clean "$WORK/out.gh" "github"
check_clean "$WORK/out.err" "stderr"
# JSON keeps the exact value.
python3 - "$WORK/out.json" "$FORGED" <<'PY' || fail "json: the live value is not kept exactly"
import json, sys
d = json.load(open(sys.argv[1]))
assert any(f.get("live") == sys.argv[2] for f in d["findings"]), [f.get("live") for f in d["findings"]][:5]
PY

# The twin: a key with ESC and BEL (YAML "\e", "\a") is an error on stderr, shown escaped
# (with errors in the twin, only machine-readable outputs are written).
cp -r "$SRC/examples/factory" "$WORK/factory"
printf 'apiVersion: twinctl/v1\nkind: Asset\nid: evil-01\nclass: machine\n"x\\e]0;owned\\a\\e[2J\\nGate: PASSED": 1\n' \
  >"$WORK/factory/assets/evil-01.yaml"
RUN_DIR=$WORK
run validate --twin factory --now $NOW
expect_rc 2 "a hostile key in the twin"
printf '%s\n' "$ERR" >"$WORK/v.err"
check_clean "$WORK/v.err" "stderr, twin"
finish
