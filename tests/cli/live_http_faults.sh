#!/usr/bin/env bash
# HTTP sources fail closed: 500s, 429 with Retry-After, a slow response past the
# timeout, a cut connection, truncated or wrong JSON, refused connections, and TLS
# (verified with --ca-file, refused without it, accepted with --insecure and a warning).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
SNAP="$SRC/examples/live/snapshot.json"
now_ms() { date +%s%3N; }

# snap_url URL ARGS...: a snapshot of a bare URL with the example twin.
snap_url() { run snapshot --twin factory --live "$@" -o out.json --now $NOW; }

start_server --from-snapshot "$SNAP" --fault 500
factory_with_ditto "$PORT"
mark
snap_url "http://127.0.0.1:$PORT" --retries 1
expect_rc 3 "500"
expect_err "HTTP 500 Internal Server Error after 2 attempts"
[ "$(since_mark | wc -l)" = 2 ] || fail "500: expected 2 attempts: $(since_mark)"
grep -q '"ok": false' "$WORK/out.json" || fail "500: failure not recorded"
grep -q '"observations": \[\]' "$WORK/out.json" || fail "500: a failed source kept observations"

start_server --from-snapshot "$SNAP" --fault 503x2
mark
snap_url "http://127.0.0.1:$PORT" --retries 2
expect_rc 0 "two 503s, then success within the retries"
[ "$(since_mark | wc -l)" = 3 ] || fail "503x2: expected 3 requests: $(since_mark)"

start_server --from-snapshot "$SNAP" --fault 429
T0=$(now_ms)
snap_url "http://127.0.0.1:$PORT"
T1=$(now_ms)
expect_rc 0 "429 with Retry-After 1, then success"
[ $((T1 - T0)) -ge 1000 ] || fail "Retry-After: 1 was not honoured ($((T1 - T0)) ms)"

start_server --from-snapshot "$SNAP" --fault 429-long
snap_url "http://127.0.0.1:$PORT"
expect_rc 3 "Retry-After longer than twinctl waits"
expect_err "HTTP 429 Too Many Requests (Retry-After 3600 s is longer than twinctl waits, 60 s)"

start_server --from-snapshot "$SNAP" --fault slow --slow 10
T0=$(now_ms)
snap_url "http://127.0.0.1:$PORT" --timeout 1 --retries 0
T1=$(now_ms)
expect_rc 3 "slow response"
expect_err "timed out after 1 s"
[ $((T1 - T0)) -lt 5000 ] || fail "the timeout did not cut the request ($((T1 - T0)) ms)"

start_server --from-snapshot "$SNAP" --fault truncated
snap_url "http://127.0.0.1:$PORT" --retries 0
expect_rc 3 "connection cut mid-body"
expect_err "truncated response"

# A truncated JSON document on page 3 of the Source's 5-thing pages.
start_server --from-snapshot "$SNAP" --fault truncated-json --fault-page 3
factory_with_ditto "$PORT"
run drift --twin factory --live ditto-main --now $NOW -o json
expect_rc 3 "truncated JSON at page 3"
expect_err "(page 3"
expect_err "truncated JSON"
python3 -c "
import json, sys
d = json.loads(sys.stdin.read())
assert not [f for f in d['findings'] if f['rule'] == 'TWIN106'], 'reported missing'
assert len(d['unobserved']) > 20, d['unobserved']
" <<<"$OUT" || fail "truncated JSON: assets not unobserved"

start_server --from-snapshot "$SNAP" --fault wrong-json
snap_url "http://127.0.0.1:$PORT"
expect_rc 3 "wrong JSON shape"
expect_err "not a Ditto search page"
start_server --from-snapshot "$SNAP" --fault not-json
snap_url "http://127.0.0.1:$PORT"
expect_rc 3 "not JSON"
expect_err "invalid JSON"

# Nothing listens on port 1; no such host.
snap_url "http://127.0.0.1:1" --retries 0
expect_rc 3 "connection refused"
expect_err "127.0.0.1"
snap_url "http://no-such-host.invalid" --retries 0 --connect-timeout 2
expect_rc 3 "DNS"
expect_err "no-such-host.invalid"

# HTTPS with a certificate made here.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
start_server --from-snapshot "$SNAP" --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem"
snap_url "https://127.0.0.1:$PORT" --retries 0
expect_rc 3 "unknown CA"
expect_err "TLS:"
expect_err "--ca-file"
snap_url "https://127.0.0.1:$PORT" --ca-file cert.pem
expect_rc 0 "verified with --ca-file"
grep -q '"items": 33' "$WORK/out.json" || fail "https: not 33 items"
snap_url "https://127.0.0.1:$PORT" --insecure
expect_rc 0 "--insecure"
expect_err "warning: --insecure: TLS certificates and host names are NOT verified"

if grep -v '^GET ' "$WORK/requests.log"; then fail "twinctl sent something else than GET"; fi
finish
