#!/usr/bin/env bash
# Smaller edges of hostile or odd input, each a clear message and the right exit
# code: --baseline errors at file:line (no "internal error", no undefined
# behaviour on 1e300), symlinked directories and FIFOs in the twin said and
# counted (errors under --strict), duplicate keys in live files at line:col,
# and `history prune --keep 0` refused without --all.
source "$(dirname "$0")/lib.sh"
NOW=2026-05-04T10:00:00Z
RUN_DIR=$WORK
cp -r "$SRC/examples/factory" "$WORK/factory"
cp "$SRC/examples/live/snapshot.json" "$WORK/live.json"
no_internal_error() { ! grep -qiE 'internal error|terminate called|AddressSanitizer|runtime error' <<<"$ERR" || fail "$1: $ERR"; }

# --- --baseline --------------------------------------------------------------
run drift --twin factory --live live.json --allow-partial --now $NOW --fail-on none -o baseline=base.json
expect_rc 0 "writing a baseline"
python3 - "$WORK/base.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["findings"][1]["location"]["line"] = "7"      # a string
json.dump(d, open(sys.argv[1].replace("base", "string"), "w"), indent=2)
d["findings"][1]["location"]["line"] = 1e300    # a float far beyond int
json.dump(d, open(sys.argv[1].replace("base", "huge"), "w"), indent=2)
d["findings"][1]["location"] = [1, 2]           # not an object
json.dump(d, open(sys.argv[1].replace("base", "list"), "w"), indent=2)
del d["findings"][1]["fingerprint"]
json.dump(d, open(sys.argv[1].replace("base", "nofp"), "w"), indent=2)
PY
# Each broken baseline points at the second finding: the line of its '{'.
line=$(grep -n '^    {' "$WORK/string.json" | sed -n 2p | cut -d: -f1)
for f in string huge list nofp; do
  run drift --twin factory --live live.json --allow-partial --now $NOW --baseline $f.json
  expect_rc 2 "--baseline $f.json"
  expect_err "$f.json:$line:5: finding 2: "
  no_internal_error "--baseline $f.json"
  [ $f != list ] || expect_err '"location" must be an object'
done
run drift --twin factory --live live.json --allow-partial --now $NOW --baseline huge.json
expect_err '"location".line must be a whole number from 0 to 2147483647, not 1e+300'
# A number beyond a double (found by fuzz_baseline): nlohmann's out_of_range, not a parse error.
sed "0,/\"line\": [0-9]*/s//\"line\": 3e1441/" "$WORK/base.json" >"$WORK/overflow.json"
run drift --twin factory --live live.json --allow-partial --now $NOW --baseline overflow.json
expect_rc 2 "--baseline with a number beyond a double"
expect_err "overflow.json:$(grep -n 3e1441 "$WORK/overflow.json" | cut -d: -f1):"
expect_err "not valid JSON (number overflow parsing '3e1441')"
no_internal_error "--baseline overflow.json"

# --- skipped entries of the twin ----------------------------------------------
mkdir -p "$WORK/elsewhere"
printf 'apiVersion: twinctl/v1\nkind: Asset\nid: linked-01\nclass: machine\n' >"$WORK/elsewhere/linked-01.yaml"
ln -s ../../elsewhere "$WORK/factory/assets/linked"
mkfifo "$WORK/factory/assets/pipe.yaml"
run validate --twin factory --now $NOW --fail-on none
expect_rc 0 "a twin with a symlinked directory and a FIFO"
expect_err "factory/assets/linked: warning: skipped: a symlink to a directory: not followed"
expect_err "factory/assets/pipe.yaml: warning: skipped: not a regular file (a FIFO, socket or device)"
expect_err "twinctl: 2 entries of the twin skipped (not read); --strict makes them errors"
run validate --twin factory --now $NOW --fail-on none --strict
expect_rc 2 "--strict with skipped entries"
expect_err "factory/assets/linked: error: a symlink to a directory"
run drift --twin factory --live live.json --now $NOW --fail-on none --strict -o json
expect_rc 2 "drift --strict with skipped entries"
rm "$WORK/factory/assets/linked" "$WORK/factory/assets/pipe.yaml"

# --- duplicate keys in a live file -------------------------------------------
python3 - "$WORK/live.json" "$WORK/dup.json" <<'PY'
import json, sys
text = json.dumps(json.load(open(sys.argv[1])), indent=2)
# The first observation's status, twice: the second would silently win.
i = text.index('"status": ')
text = text[:i] + '"status": "fault",\n      ' + text[i:]
open(sys.argv[2], "w").write(text)
PY
dup_line=$(grep -n '"status": "fault"' "$WORK/dup.json" | head -1 | cut -d: -f1)
run drift --twin factory --live dup.json --now $NOW
expect_rc 2 "a live file with a duplicate key"
expect_err "dup.json:$((dup_line + 1)):7: duplicate key \"status\" in one object"
no_internal_error "duplicate key"

# --- history prune --keep 0 ----------------------------------------------------
run audit --twin factory --live live.json --allow-partial --history h.db --now $NOW --fail-on none
expect_rc 0 "audit"
run history --history h.db prune --keep 0
expect_rc 2 "prune --keep 0"
expect_err "history prune --keep 0 would delete every run of every site"
run history --history h.db list -o json
[ "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))' <<<"$OUT")" = 1 ] ||
  fail "prune --keep 0 deleted runs"
run history --history h.db prune
expect_rc 2 "prune without --keep or --all"
run history --history h.db prune --all
expect_rc 0 "prune --all"
expect_out "Pruned 1 runs"
run history --history h.db prune --all --keep 3
expect_rc 2 "--all with --keep"
finish
