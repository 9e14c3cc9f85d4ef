#!/usr/bin/env bash
# `twinctl simulate factory --sites N`: N distinct site twins, each its own Git repository that
# validates and audits with exactly the drift its truth file lists, all recorded into one history;
# the same options give the same bytes; --force replaces a generated fleet and nothing else.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
now=2026-05-04T09:42:00Z

run simulate factory --sites 3 --assets 120 --seed 5 --out fleet --commit
expect_rc 0 "simulate factory --sites 3"
[ -z "$OUT" ] || fail "simulate factory wrote to stdout"
[ "$(grep -c 'twinctl: simulated factory site-0[123]: 120 assets' <<<"$ERR")" -eq 3 ] || fail "no summary line per site"
[ "$(cd "$WORK/fleet" && echo site-*)" = "site-01 site-02 site-03" ] || fail "sites: $(ls "$WORK/fleet")"
[ -f "$WORK/fleet/.twinctl-generated" ] || fail "no generator marker at the top of the fleet"

# Distinct sites: twin ids, names and snapshots differ; each is a repository with one commit.
ids=""
for s in site-01 site-02 site-03; do
  dir=$WORK/fleet/$s
  ids="$ids $(sed -n 's/^id: //p' "$dir/twin.yaml")"
  [ "$(git -C "$dir" log --format=%s)" = "twinctl simulate factory --assets 120 --seed 5 --sites 3 ($s)" ] ||
    fail "$s: commits: $(git -C "$dir" log --format=%s)"
  [ -z "$(git -C "$dir" status --porcelain)" ] || fail "$s: files left uncommitted"
done
[ "$ids" = " site-01 site-02 site-03" ] || fail "twin ids:$ids"
[ "$(sed -n 's/^name: //p' "$WORK"/fleet/site-0*/twin.yaml | sort -u | wc -l)" -eq 3 ] || fail "site names repeat"
[ "$(sha256sum "$WORK"/fleet/site-0*/live/snapshot.json | cut -d' ' -f1 | sort -u | wc -l)" -eq 3 ] ||
  fail "two sites have the same snapshot"

# Each site validates, and its audit finds exactly the drift its truth file lists.
for s in site-01 site-02 site-03; do
  run validate --twin "fleet/$s" --now "$now" --fail-on none
  expect_rc 0 "validate $s"
  run audit --twin "fleet/$s" --live "fleet/$s/live/snapshot.json" --now "$now" --history fleet.db -o json
  expect_rc 3 "audit $s (its azure-energy source fails by design)"
  run audit --twin "fleet/$s" --live "fleet/$s/live/snapshot.json" --now "$now" --history fleet.db \
    --allow-partial -o "json=$s.json"
  expect_rc 1 "audit $s --allow-partial"
  /usr/bin/python3 - "$WORK/$s.json" "$WORK/fleet/$s/live/truth.json" "$s" <<'PY' || fail "$s: audit findings differ from the truth"
import json, sys
audit, truth, site = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert audit["twin"]["site"] == site == truth["site"], (audit["twin"]["site"], truth.get("site"))
found = {(f["asset"], f["kind"], f.get("field") or None) for f in audit["findings"] if f["rule"].startswith("TWIN1")}
want = {(d["asset"], d["kind"], d["field"]) for d in truth["drift"] if d["kind"] != "unobserved"}
unobserved = {u["asset"] for u in audit["unobserved"]}
want_unobserved = {d["asset"] for d in truth["drift"] if d["kind"] == "unobserved"}
for what, a, b in (("findings", found, want), ("unobserved", unobserved, want_unobserved)):
    if a != b:
        print(f"{site} {what}: not in truth {sorted(a - b)[:5]}, missed {sorted(b - a)[:5]}", file=sys.stderr)
        sys.exit(1)
assert want and want_unobserved
PY
done

# One history holds the three sites, each with its own runs.
run history --history fleet.db list -o json
expect_rc 0 "history list"
sites=$(/usr/bin/python3 -c 'import json, sys; print(" ".join(sorted({r["site"] for r in json.load(sys.stdin)["runs"]})))' <<<"$OUT")
[ "$sites" = "site-01 site-02 site-03" ] || fail "history sites: $sites"
run report --history fleet.db --site site-02 -o markdown
expect_rc 0 "report --site site-02"
expect_out "site-02"

# Same options, same bytes (the commits too: their time is --now).
run simulate factory --sites 3 --assets 120 --seed 5 --out again --commit --quiet
expect_rc 0 "again"
[ -z "$ERR" ] || fail "--quiet still printed"
diff -r -x .git "$WORK/fleet" "$WORK/again" >/dev/null || fail "same options, different files"
for s in site-01 site-02 site-03; do
  [ "$(git -C "$WORK/fleet/$s" rev-parse HEAD)" = "$(git -C "$WORK/again/$s" rev-parse HEAD)" ] || fail "$s: commits differ"
done

# --force replaces a generated fleet by a smaller one, and a single twin by a fleet.
run simulate factory --sites 2 --assets 60 --out fleet
expect_rc 2 "non-empty without --force"
expect_err "not empty"
run simulate factory --sites 2 --assets 60 --out fleet --force --quiet
expect_rc 0 "--force --sites 2"
[ "$(cd "$WORK/fleet" && echo site-*)" = "site-01 site-02" ] || fail "--force left site-03: $(ls "$WORK/fleet")"
run simulate factory --assets 60 --out single --quiet
run simulate factory --sites 2 --assets 60 --out single --force --quiet
expect_rc 0 "--force: a fleet over a single twin"
[ ! -e "$WORK/single/twin.yaml" ] && [ -f "$WORK/single/site-02/twin.yaml" ] || fail "single twin not replaced by the fleet"

# A directory named like a site inside a hand-made tree is never removed.
mkdir -p "$WORK/hand/site-01"
echo keep >"$WORK/hand/site-01/notes.txt"
run simulate factory --sites 2 --assets 60 --out hand --force
expect_rc 2 "--force on a hand-made directory"
[ -f "$WORK/hand/site-01/notes.txt" ] || fail "--force removed a hand-made site-01"

# Usage errors.
for bad in 0 -1 abc 1000; do
  run simulate factory --sites "$bad" --out "bad-$bad"
  expect_rc 2 "--sites $bad"
  [ ! -e "$WORK/bad-$bad" ] || fail "--sites $bad created its output directory"
done
run simulate factory --help
expect_out "--sites"
expect_out "simulate factory --sites 40"
finish
