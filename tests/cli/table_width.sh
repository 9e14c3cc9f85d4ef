#!/usr/bin/env bash
# The table fits COLUMNS, also in a pipe or a file (the user asked for it); without COLUMNS a
# table sent to a pipe is not fitted (one finding a line, for grep). Wrapping loses no word and
# leaves no trailing blank; JSON ignores COLUMNS. (The terminal case is in cli_manners.sh.)
source "$(dirname "$0")/lib.sh"

args=(drift --twin examples/factory --live examples/live/snapshot.json --now 2026-05-04T10:00:00Z --allow-partial)

run "${args[@]}"
expect_rc 1 "drift to a pipe (the example's gate fails)"
cp <(printf '%s\n' "$OUT") "$WORK/plain.txt"
grep -q "^critical  TWIN105  gw-l2-opcua .*zone is line-2-control, intended line-2-supervisory$" "$WORK/plain.txt" ||
  fail "without COLUMNS a finding is not on one line: $(grep TWIN105 "$WORK/plain.txt")"
awk 'length($0) > 100 { n++ } END { exit n > 0 ? 0 : 1 }' "$WORK/plain.txt" || fail "without COLUMNS the table was fitted"

run "${args[@]}" -o json
cp <(printf '%s\n' "$OUT") "$WORK/plain.json"

for width in 60 72 80 120; do
  OUT=$(cd "$SRC" && COLUMNS=$width "$TWINCTL" "${args[@]}" 2>/dev/null) || true
  printf '%s\n' "$OUT" >"$WORK/fit.txt"
  python3 - "$WORK/plain.txt" "$WORK/fit.txt" "$width" "$WORK/plain.json" <<'PY' || fail "COLUMNS=$width: the table does not fit"
import json, sys
plain = open(sys.argv[1], encoding="utf-8").read()
report = json.load(open(sys.argv[4], encoding="utf-8"))
fit = open(sys.argv[2], encoding="utf-8").read()
width = int(sys.argv[3])
bad = [l for l in fit.splitlines() if len(l) > width and " " in l.strip()]  # a path longer than a line stays whole
trailing = [l for l in fit.splitlines() if l != l.rstrip()]
if bad or trailing:
    print("too wide:", *bad, "trailing blanks:", *map(repr, trailing), sep="\n", file=sys.stderr)
    sys.exit(1)
# Every message, suppression reason and the verdict are all there, word for word: only
# line breaks changed (the asset and field columns may be clipped with ~).
text = " ".join(fit.split())
wanted = [f["message"] for f in report["findings"] if not f["suppressed"]] + [plain.strip().splitlines()[-1]]
wanted += [f["suppression"]["reason"] for f in report["findings"] if f["suppressed"]]
lost = [w for w in wanted if " ".join(w.split()) not in text]
if lost:
    print("lost in wrapping:", *lost, sep="\n", file=sys.stderr)
    sys.exit(1)
PY
done

OUT=$(cd "$SRC" && COLUMNS=60 "$TWINCTL" "${args[@]}" 2>/dev/null) || true
grep -q "^critical  TWIN105  gw-l2-opcua *zone$" <<<"$OUT" || fail "COLUMNS=60: the message does not go below its finding: $(grep -A1 TWIN105 <<<"$OUT")"

# Nonsense COLUMNS is ignored.
OUT=$(cd "$SRC" && COLUMNS=abc "$TWINCTL" "${args[@]}" 2>/dev/null) || true
[ "$OUT" = "$(cat "$WORK/plain.txt")" ] || fail "COLUMNS=abc changed the table"
OUT=$(cd "$SRC" && COLUMNS=5 "$TWINCTL" "${args[@]}" 2>/dev/null) || true
[ "$OUT" = "$(cat "$WORK/plain.txt")" ] || fail "COLUMNS=5 (below 40) changed the table"

# JSON is data: COLUMNS does not touch it.
OUT=$(cd "$SRC" && COLUMNS=60 "$TWINCTL" "${args[@]}" -o json 2>/dev/null) || true
[ "$OUT" = "$(cat "$WORK/plain.json")" ] || fail "COLUMNS changed the JSON"
finish
