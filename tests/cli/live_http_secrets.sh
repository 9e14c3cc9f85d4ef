#!/usr/bin/env bash
# Secrets (tokens, passwords, credentials in URLs) never appear in any output,
# log or error: every output format, the snapshot file and stderr, for sources
# that succeed and sources that fail.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
TOKEN=tok-9fQx2LmZ
PASSWORD=pw-Hh4sEcr3t
start_server --from-snapshot "$SRC/examples/live/snapshot.json" --bearer "$TOKEN" --basic "ops:$PASSWORD"
factory_with_ditto "$PORT"
FORMATS=(-o table=out.table -o json=out.json -o sarif=out.sarif -o markdown=out.md -o github=out.github
  -o junit=out.junit -o baseline=out.baseline)

check_no_secrets() { # what
  local hits
  hits=$(grep -rlE -- "$TOKEN|$PASSWORD" "$WORK" --include='out*' --include='*.snap' 2>/dev/null || true)
  [ -z "$hits" ] || fail "$1: a secret is in $hits"
  if grep -qE -- "$TOKEN|$PASSWORD" <<<"$OUT$ERR"; then fail "$1: a secret is on stdout or stderr"; fi
  rm -f "$WORK"/out.* "$WORK"/*.snap
}

# Success: a token from the environment, a password in a URL.
TWINCTL_DITTO_MAIN_TOKEN=$TOKEN run drift --twin factory --live ditto-main --now $NOW "${FORMATS[@]}"
expect_rc 1 "drift with a token"
[ -s "$WORK/out.sarif" ] || fail "no SARIF written"
check_no_secrets "token, success"
run drift --twin factory --live "http://ops:$PASSWORD@127.0.0.1:$PORT" --now $NOW "${FORMATS[@]}"
expect_rc 1 "drift with a password in the URL"
check_no_secrets "URL password, success"
run snapshot --twin factory --live "http://ops:$PASSWORD@127.0.0.1:$PORT" -o url.snap --now $NOW
expect_rc 0 "snapshot with a password in the URL"
grep -q "\"endpoint\": \"http://127.0.0.1:$PORT/api/2/search/things\"" "$WORK/url.snap" || fail "the endpoint is not named"
check_no_secrets "URL password, snapshot"

# Failure: the server refuses them; the error names the variable, not the value.
TWINCTL_DITTO_MAIN_TOKEN=${TOKEN}x run drift --twin factory --live ditto-main --now $NOW "${FORMATS[@]}"
expect_rc 3 "wrong token"
expect_err "TWINCTL_DITTO_MAIN_TOKEN"
check_no_secrets "wrong token"
run drift --twin factory --live "http://ops:${PASSWORD}x@127.0.0.1:$PORT" --now $NOW "${FORMATS[@]}"
expect_rc 3 "wrong password"
check_no_secrets "wrong password"
run snapshot --twin factory --live "https://ops:${PASSWORD}@127.0.0.1:$PORT" -o fail.snap --now $NOW --retries 0
expect_rc 3 "TLS to a plain HTTP server, with a password"
check_no_secrets "TLS failure with a password"
run snapshot --twin factory --live "http://ops:${PASSWORD}@127.0.0.1:1" -o fail.snap --now $NOW --retries 0
expect_rc 3 "refused, with a password"
check_no_secrets "refused with a password"
# A redirect to another host does not take the credentials along (libcurl auth, not a header).
mark
TWINCTL_TOKEN=$TOKEN run snapshot --twin factory --adapter generic -o redirect.snap --now $NOW --retries 0 \
  --live "http://127.0.0.1:$PORT/redirect?to=http://localhost:$PORT/generic/link"
expect_rc 3 "redirected to another host, without the token"
expect_err "HTTP 401"
since_mark | grep -q '^GET /redirect?to=.* \[auth\]$' || fail "the first request had no credentials: $(since_mark)"
since_mark | grep -q '^GET /generic/link$' || fail "the redirect was not followed, or took the token along: $(since_mark)"
check_no_secrets "redirect"
finish
