#!/usr/bin/env bash
# HTTP live sources against a real server on loopback: Ditto cursor paging, Basic
# and Bearer auth, the generic adapter (cursor and Link paging), proxies,
# read-only (GET only), and `snapshot` = the live sources for drift.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
TOKEN=tok-Zq81xW
start_server --from-snapshot "$SRC/examples/live/snapshot.json" --bearer "$TOKEN" --basic "ops:pw-K7uu3"
factory_with_ditto "$PORT"

mark
# Ditto preset: 33 things over 7 pages of 5, Bearer token from TWINCTL_<SOURCE>_TOKEN.
TWINCTL_DITTO_MAIN_TOKEN=$TOKEN run snapshot --twin factory --live ditto-main -o snap.json --now $NOW
expect_rc 0 "snapshot of ditto-main"
python3 - "$WORK/snap.json" <<'PY' || fail "snapshot content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["taken_at"] == "2026-05-04T10:00:00Z", d["taken_at"]
[s] = d["sources"]
assert s["name"] == "ditto-main" and s["ok"] and s["items"] == 33 and s["adapter"] == "ditto", s
assert len(d["observations"]) == 33, len(d["observations"])
press = [o for o in d["observations"] if o["asset"] == "press-01"][0]
assert press["ref"] == "plant.a:press-01" and press["fields"]["status"], press
PY
[ "$(since_mark | grep -c 'search/things')" = 7 ] || fail "expected 7 page requests: $(since_mark)"
since_mark | grep -q 'cursor%28c30%29' || fail "the last page was not asked with the cursor"
since_mark | grep -q 'namespaces=plant.a' || fail "the Source's namespace was not sent"

# Progress on stderr on a terminal only (script(1) gives it one).
expect_no_err() { ! grep -qF -- "$1" <<<"$ERR" || fail "stderr has: $1"; }
expect_no_err "page 7"
TWINCTL_DITTO_MAIN_TOKEN=$TOKEN script -qec "cd '$WORK' && '$TWINCTL' snapshot --twin factory --live ditto-main -o tty.json" /dev/null >"$WORK/tty.out" 2>&1 || true
grep -q "ditto-main (ditto): page 7, 33 items" "$WORK/tty.out" || { ERR=$(cat "$WORK/tty.out"); fail "no progress on a terminal"; }

# Basic auth from TWINCTL_<SOURCE>_USERNAME/_PASSWORD; from the URL's userinfo for a bare URL.
TWINCTL_DITTO_MAIN_USERNAME=ops TWINCTL_DITTO_MAIN_PASSWORD=pw-K7uu3 run snapshot --twin factory --live ditto-main -o basic.json --now $NOW
expect_rc 0 "basic auth"
run snapshot --twin factory --live "http://ops:pw-K7uu3@127.0.0.1:$PORT" -o url.json --now $NOW
expect_rc 0 "basic auth from the URL"
grep -q '"items": 33' "$WORK/url.json" || fail "bare URL: not 33 items"

# drift on the live source == drift on its snapshot, in every format.
for fmt in json sarif markdown junit baseline; do
  TWINCTL_DITTO_MAIN_TOKEN=$TOKEN run drift --twin factory --live ditto-main --now $NOW -o $fmt=live.$fmt
  RC_LIVE=$RC
  run drift --twin factory --live snap.json --now $NOW -o $fmt=file.$fmt
  [ "$RC" = "$RC_LIVE" ] || fail "$fmt: exit $RC_LIVE live, $RC from the snapshot"
  cmp -s "$WORK/live.$fmt" "$WORK/file.$fmt" || fail "$fmt: drift differs between the live source and its snapshot"
done
expect_rc 1 "the example's ditto drift fails the gate"
TWINCTL_DITTO_MAIN_TOKEN=$TOKEN run drift --twin factory --live ditto-main --now $NOW
expect_out "source ditto-main (ditto): 33 items"
expect_out "TWIN104"

# Wrong credentials: exit 3, the ditto assets unobserved (never missing), the reason names the variable.
TWINCTL_DITTO_MAIN_TOKEN=wrong run drift --twin factory --live ditto-main --now $NOW -o json
expect_rc 3 "401 makes the run incomplete"
expect_err "HTTP 401 Unauthorized"
expect_err "TWINCTL_DITTO_MAIN_TOKEN"
python3 - <<PY || fail "401: unobserved/missing"
import json
d = json.loads('''$OUT''')
assert not [f for f in d["findings"] if f["rule"] == "TWIN106"], "an asset of the failed source was reported missing"
assert any(u["asset"] == "press-01" for u in d["unobserved"]), d["unobserved"]
PY
TWINCTL_DITTO_MAIN_TOKEN=wrong run drift --twin factory --live ditto-main --now $NOW --allow-partial --fail-on none
expect_rc 0 "--allow-partial gates on what was read"
TWINCTL_DITTO_MAIN_TOKEN=wrong run snapshot --twin factory --live ditto-main -o failed.json --now $NOW
expect_rc 3 "snapshot of a failed source"
grep -q '"ok": false' "$WORK/failed.json" || fail "the failure is not recorded in the snapshot"
run drift --twin factory --live failed.json --now $NOW
expect_rc 3 "drift on a snapshot with a failed source"
TWINCTL_DITTO_MAIN_TOKEN=wrong run snapshot --twin factory --live ditto-main -o failed.json --now $NOW --allow-partial
expect_rc 0 "snapshot --allow-partial"

# Generic adapter: cursor paging in the body, then Link header paging.
cat >"$WORK/factory/sources/api.yaml" <<YAML
apiVersion: twinctl/v1
kind: Source
id: plant-api
adapter: generic
endpoint: http://127.0.0.1:$PORT/generic/cursor
mapping: {status: /state, ip: /net/address, firmware: /sw, observed_at: /updated}
options: {items: /data, id: /name, cursor: /next, page_size: 10, page_size_param: limit, metrics: /telemetry}
---
apiVersion: twinctl/v1
kind: Source
id: plant-links
adapter: generic
endpoint: http://127.0.0.1:$PORT/generic/link?per_page=4
mapping: {status: /state, ip: /net/address, firmware: /sw, observed_at: /updated}
options: {id: /name}
---
apiVersion: twinctl/v1
kind: Source
id: plant-pages
adapter: generic
endpoint: http://127.0.0.1:$PORT/generic/pages
mapping: {status: /state}
options: {id: /name, page_param: page, page_size_param: per_page, page_size: 10}
YAML
mark
TWINCTL_TOKEN=$TOKEN run snapshot --twin factory --live plant-api --live plant-links --live plant-pages -o generic.json --now $NOW
expect_rc 0 "generic sources"
python3 - "$WORK/generic.json" <<'PY' || fail "generic content"
import json, sys
d = json.load(open(sys.argv[1]))
assert [(s["name"], s["items"], s["adapter"]) for s in d["sources"]] == [("plant-api", 33, "generic"), ("plant-links", 33, "generic"), ("plant-pages", 33, "generic")], d["sources"]
o = [o for o in d["observations"] if o["asset"] == "press-01" and o["source"] == "plant-api"][0]
assert o["fields"]["ip"] and o["fields"]["firmware"] and o["observed_at"], o
PY
[ "$(since_mark | grep -c 'generic/cursor')" = 4 ] || fail "cursor paging: $(since_mark)"
[ "$(since_mark | grep -c 'generic/link')" = 9 ] || fail "Link paging: $(since_mark)"
[ "$(since_mark | grep -c 'generic/pages?per_page=10&page=')" = 4 ] || fail "page-number paging: $(since_mark)"

# Proxies from the environment (libcurl): the request reaches the proxy in absolute form.
mark
http_proxy=http://127.0.0.1:$PORT no_proxy= TWINCTL_TOKEN=$TOKEN run snapshot --twin factory --live http://ditto.plant-a.invalid -o proxied.json --now $NOW
expect_rc 0 "through http_proxy"
since_mark | grep -q '^GET http://ditto.plant-a.invalid/api/2/search/things' || fail "the proxy was not used"

# Configuration errors: exit 2.
printf 'apiVersion: twinctl/v1\nkind: Source\nid: typo\nadapter: ditto\nendpoint: http://127.0.0.1:1\noptions: {pagesize: 5}\n' >"$WORK/factory/sources/typo.yaml"
run snapshot --twin factory --live typo -o x.json
expect_rc 2 "unknown option"
expect_err "unknown option 'pagesize' for adapter ditto"
run snapshot --twin factory --live "http://127.0.0.1:$PORT" --adapter aws-shadow -o x.json
expect_rc 2 "adapter that cannot read HTTP"
expect_err "adapter 'aws-shadow' cannot read an http(s) endpoint"

# Read-only: the server saw nothing but GET, in this whole test.
if grep -v '^GET ' "$WORK/requests.log"; then fail "twinctl sent something else than GET"; fi
finish
