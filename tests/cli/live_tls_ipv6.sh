#!/usr/bin/env bash
# HTTP live sources: mutual TLS (the server requires a client certificate signed
# by its CA; `--cert --key` give one) and the IPv6 loopback (http://[::1]:PORT).
# Certificates are made here with openssl; no private key is committed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/http_lib.sh"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
SNAP="$SRC/examples/live/snapshot.json"
export no_proxy=127.0.0.1,localhost,::1

d=$WORK/pki
mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=twinctl-test-ca \
  -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
  -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n' >"$d/san.ext"
openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
  -extfile "$d/san.ext" -out "$d/server.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=twinctl-reader \
  -keyout "$d/client.key" -out "$d/client.csr" 2>/dev/null
openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
  -out "$d/client.crt" 2>/dev/null
# A client certificate from another CA, which the server must refuse.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=stranger \
  -keyout "$d/stranger.key" -out "$d/stranger.crt" 2>/dev/null

cp -r "$SRC/examples/factory" "$WORK/factory"
items() { jq -r '[.sources[].items] | add' "$WORK/$1"; }

# Mutual TLS.
start_server --from-snapshot "$SNAP" --tls-cert "$d/server.crt" --tls-key "$d/server.key" --tls-client-ca "$d/ca.crt"
URL="https://127.0.0.1:$PORT"
run snapshot --twin factory --live "$URL" --adapter ditto --ca-file pki/ca.crt --cert pki/client.crt \
  --key pki/client.key -o mtls.json --now $NOW --retries 0
expect_rc 0 "mutual TLS with the client certificate"
[ "$(items mtls.json)" = 33 ] || fail "mutual TLS: $(items mtls.json) items, expected 33"
run snapshot --twin factory --live "$URL" --adapter ditto --ca-file pki/ca.crt -o nocert.json --now $NOW --retries 0
expect_rc 3 "mutual TLS without a client certificate"
jq -e '.sources[0].ok == false' "$WORK/nocert.json" >/dev/null || fail "no client certificate: source not failed"
run snapshot --twin factory --live "$URL" --adapter ditto --ca-file pki/ca.crt --cert pki/stranger.crt \
  --key pki/stranger.key -o stranger.json --now $NOW --retries 0
expect_rc 3 "mutual TLS with a certificate of another CA"
run drift --twin factory --live "$URL" --adapter ditto --ca-file pki/ca.crt --cert pki/client.crt --key pki/client.key \
  --now $NOW --retries 0 --fail-on none
expect_rc 0 "drift over mutual TLS"
expect_out "33 items"

# IPv6 loopback, plain and with TLS (the certificate names ::1).
start_server --from-snapshot "$SNAP" --host ::1
run snapshot --twin factory --live "http://[::1]:$PORT" --adapter ditto -o v6.json --now $NOW --retries 0
expect_rc 0 "http://[::1]"
[ "$(items v6.json)" = 33 ] || fail "IPv6: $(items v6.json) items, expected 33"
jq -e --arg e "http://[::1]:$PORT" '.sources[0].endpoint | startswith($e)' "$WORK/v6.json" >/dev/null ||
  fail "IPv6: endpoint not kept: $(jq -c '.sources[0].endpoint' "$WORK/v6.json")"
start_server --from-snapshot "$SNAP" --host ::1 --tls-cert "$d/server.crt" --tls-key "$d/server.key" \
  --tls-client-ca "$d/ca.crt"
run snapshot --twin factory --live "https://[::1]:$PORT" --adapter ditto --ca-file pki/ca.crt --cert pki/client.crt \
  --key pki/client.key -o v6tls.json --now $NOW --retries 0
expect_rc 0 "https://[::1] with mutual TLS"
[ "$(items v6tls.json)" = 33 ] || fail "IPv6 TLS: $(items v6tls.json) items, expected 33"
run snapshot --twin factory --live "http://[::1]:1" --adapter ditto -o refused.json --now $NOW --retries 0
expect_rc 3 "IPv6 connection refused"
finish
