#!/usr/bin/env bash
# `twinctl simulate factory`: a committed synthetic twin that validates, a live
# snapshot that matches its schema, deterministic output, and exit 2 on bad usage.
# Env: TWINCTL = the binary, SRC = the source directory.
set -euo pipefail
: "${TWINCTL:?TWINCTL must name the twinctl binary}"
: "${SRC:?SRC must name the source directory}"

work=$(mktemp -d)
cleanup() {
  local rc=$?
  if [ "$rc" -eq 0 ]; then
    rm -rf "$work"
  else
    echo "kept $work" >&2
  fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run NAME ARGS...: runs twinctl, keeps stdout/stderr in $work/NAME.{out,err}, sets $rc.
run() {
  local name=$1
  shift
  set +e
  "$TWINCTL" "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  set -e
}

expect_rc() {
  local want=$1 name=$2
  if [ "$rc" -ne "$want" ]; then
    echo "--- stdout of $name" >&2
    cat "$work/$name.out" >&2
    echo "--- stderr of $name" >&2
    cat "$work/$name.err" >&2
    fail "$name: exit $rc, expected $want"
  fi
}

plant="$work/plant"
now=2026-05-04T09:42:00Z

# --- a committed twin of 500 assets -------------------------------------------
run gen simulate factory --assets 500 --seed 3 --out "$plant" --commit
expect_rc 0 gen
[ ! -s "$work/gen.out" ] || fail "simulate factory wrote to stdout (data only; the summary goes to stderr)"
grep -q "500 assets" "$work/gen.err" || fail "no summary on stderr: $(cat "$work/gen.err")"

for f in twin.yaml policy/zones.yaml policy/drift.yaml live/snapshot.json live/truth.json \
         assets/site.yaml assets/line-01/line.yaml assets/line-01/line-01-c01.yaml; do
  [ -f "$plant/$f" ] || fail "missing $f"
done

commits=$(git -C "$plant" log --oneline | wc -l)
[ "$commits" -eq 1 ] || fail "expected one commit, found $commits"
git -C "$plant" log -1 --format=%s | grep -q "twinctl simulate factory --assets 500 --seed 3" ||
  fail "unexpected commit message: $(git -C "$plant" log -1 --format=%s)"
[ -z "$(git -C "$plant" status --porcelain)" ] || fail "files left uncommitted"

# --- the snapshot against its schema; the truth lists every drift kind --------
schema="$SRC/schemas/live-snapshot.schema.json"
[ -f "$schema" ] || fail "no schema at $schema"
/usr/bin/python3 - "$schema" "$plant/live/snapshot.json" "$plant/live/truth.json" <<'EOF' ||
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
snapshot = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(snapshot), key=lambda e: list(e.path))
for e in errors[:20]:
    print("snapshot: /%s: %s" % ("/".join(map(str, e.path)), e.message), file=sys.stderr)
truth = json.load(open(sys.argv[3]))
kinds = {d["kind"] for d in truth["drift"]}
want = {"changed", "missing", "unmanaged", "stale", "unobserved"}
if kinds != want:
    print("truth: drift kinds %s, expected %s" % (sorted(kinds), sorted(want)), file=sys.stderr)
sys.exit(1 if errors or kinds != want else 0)
EOF
  fail "snapshot or truth invalid"

# Every YAML document of the generated twin against the intended-state schemas.
if [ -f "$SRC/tests/schema/check_schemas.py" ]; then
  /usr/bin/python3 "$SRC/tests/schema/check_schemas.py" "$SRC/schemas" "$plant" >"$work/schemas.out" 2>&1 ||
    { cat "$work/schemas.out" >&2; fail "generated twin does not match schemas/"; }
fi

# --- validate: 0 or 1 (policy findings such as expired certificates); 2 is a bug
run validate validate --twin "$plant" --now "$now"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  cat "$work/validate.err" >&2
  head -50 "$work/validate.out" >&2
  fail "validate of the generated twin exited $rc"
fi
if grep -qE "TWIN301|TWIN302" "$work/validate.out"; then
  grep -E "TWIN301|TWIN302" "$work/validate.out" | head >&2
  fail "generated twin has conduit or Purdue findings"
fi

# --- deterministic: the same options give the same files -----------------------
run again simulate factory --assets 500 --seed 3 --out "$work/again" --quiet
expect_rc 0 again
[ ! -s "$work/again.err" ] || fail "--quiet still printed: $(cat "$work/again.err")"
diff -r -x .git "$plant" "$work/again" >/dev/null || fail "same seed, different output"

# --- a non-empty DIR needs --force, which replaces the generated files --------
run notempty simulate factory --assets 60 --out "$plant"
expect_rc 2 notempty
grep -q "not empty" "$work/notempty.err" || fail "no reason given: $(cat "$work/notempty.err")"
run force simulate factory --assets 60 --out "$plant" --force
expect_rc 0 force
[ ! -e "$plant/assets/line-03" ] || fail "--force left files of the previous twin"
[ -d "$plant/.git" ] || fail "--force removed .git"
[ -f "$plant/.twinctl-generated" ] || fail "no generator marker in the generated twin"

# --- --force never replaces a twin twinctl did not generate ---------------------
mkdir -p "$work/hand"
cp -r "$SRC/examples/factory/." "$work/hand/"
(cd "$work/hand" && find . -type f | sort | xargs sha256sum) >"$work/hand.sums"
run handmade simulate factory --assets 60 --out "$work/hand" --force
expect_rc 2 handmade
grep -q "not replaced: it holds no twin generated by twinctl" "$work/handmade.err" ||
  fail "no reason given for refusing --force: $(cat "$work/handmade.err")"
(cd "$work/hand" && find . -type f | sort | xargs sha256sum) | diff -u "$work/hand.sums" - >/dev/null ||
  fail "--force changed a hand-written twin"
# A symlink named like the marker does not count.
ln -s "$plant/.twinctl-generated" "$work/hand/.twinctl-generated"
run handmade_link simulate factory --assets 60 --out "$work/hand" --force
expect_rc 2 handmade_link
[ -f "$work/hand/twin.yaml" ] && [ -d "$work/hand/assets" ] || fail "--force removed a hand-written twin"

# --- usage errors exit 2 --------------------------------------------------------
run neg simulate factory --assets -5 --out "$work/bad"
expect_rc 2 neg
run word simulate factory --assets abc --out "$work/bad"
expect_rc 2 word
run small simulate factory --assets 5 --out "$work/bad"
expect_rc 2 small
run rate simulate factory --drift-rate 2 --out "$work/bad"
expect_rc 2 rate
run badnow simulate factory --now yesterday --out "$work/bad"
expect_rc 2 badnow
grep -q "twinctl: error: --now" "$work/badnow.err" || fail "bad --now: $(cat "$work/badnow.err")"
run noout simulate factory --assets 60
expect_rc 2 noout
run nosub simulate
expect_rc 2 nosub
[ ! -e "$work/bad" ] || fail "a failed run created its output directory"

run help simulate factory --help
expect_rc 0 help
grep -q "EXAMPLES" "$work/help.out" || fail "--help has no EXAMPLES"
grep -q "EXIT STATUS" "$work/help.out" || fail "--help has no EXIT STATUS"

echo "ok"
