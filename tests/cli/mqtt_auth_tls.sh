#!/usr/bin/env bash
# Live MQTT: anonymous, password from the environment, wrong password (exit 3), TLS with and
# without the CA, mutual TLS, the IPv6 loopback, all through the command line; the password
# never appears in any output; twinctl never publishes.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/mqtt.sh"
broker_start
cp -r "$SRC/tests/data/mqtt-twin" "$WORK/twin"
RUN_DIR=$WORK
NOW=2026-05-04T10:00:00Z
Q="settle_seconds=0.3&timeout_seconds=20"
pub plant/press-07/state '{"status":"running","firmware":"4.2.1","ip":"10.20.3.17"}'
pub plant/plc-l2-01/state '{"status":"running","firmware":"V3.1.7"}'
mkdir -p "$WORK/twin/sources"
source_yaml() { # ID PORT SCHEME
  cat >"$WORK/twin/sources/$1.yaml" <<YAML
apiVersion: twinctl/v1
kind: Source
id: $1
adapter: plain-json
endpoint: $3://127.0.0.1:$2
topics: [plant/+/state]
options: {settle_seconds: 0.3, timeout_seconds: 20, client_id: twinctl-ro-$1}
YAML
}
source_yaml anon "$PORT" mqtt
source_yaml secured "$AUTH_PORT" mqtt
source_yaml tls "$TLS_PORT" mqtts

# Anonymous: the gate passes.
run drift --twin twin --live anon --now $NOW
expect_rc 0 "anonymous"
expect_out "source anon (plain-json): 2 items"

# Without credentials the password listener refuses: a failed source, exit 3, nothing missing.
run drift --twin twin --live secured --now $NOW
expect_rc 3 "no credentials"
expect_out "FAILED"
expect_out "not authorised"
expect_no_out "TWIN106"
expect_err "source secured could not be read"

# The password from the environment (TWINCTL_<SOURCE>_USERNAME/_PASSWORD).
export TWINCTL_SECURED_USERNAME=reader
TWINCTL_SECURED_PASSWORD=$MQTT_PASSWORD run drift --twin twin --live secured --now $NOW
expect_rc 0 "password auth"
expect_out "source secured (plain-json): 2 items"

# A wrong password: exit 3, and no output or report names either password.
TWINCTL_SECURED_PASSWORD="wrong-$MQTT_PASSWORD" run drift --twin twin --live secured --now $NOW \
  -o table -o json=drift.json -o sarif=drift.sarif -o markdown=drift.md
expect_rc 3 "wrong password"
expect_out "not authorised"
for f in "$WORK/out" "$WORK/err" "$WORK/drift.json" "$WORK/drift.sarif" "$WORK/drift.md"; do
  ! grep -qF -- "$MQTT_PASSWORD" "$f" || fail "the password appears in $f"
done
jq -e '.sources[] | select(.name == "secured") | .ok == false' "$WORK/drift.json" >/dev/null || fail "json: failed source"
jq -e '.runs[0].invocations[0].executionSuccessful == false' "$WORK/drift.sarif" >/dev/null || fail "sarif: incomplete"

# Credentials in the URL work and are redacted everywhere.
run drift --twin twin --live "mqtt://reader:$MQTT_PASSWORD@127.0.0.1:$AUTH_PORT/plant/+/state?profile=plain-json&$Q" \
  --now $NOW -o table -o json=url.json
expect_rc 0 "credentials in the URL"
for f in "$WORK/out" "$WORK/err" "$WORK/url.json"; do
  ! grep -qF -- "$MQTT_PASSWORD" "$f" || fail "the password appears in $f"
done
run drift --twin twin --live "mqtt://reader:wrong-$MQTT_PASSWORD@127.0.0.1:$AUTH_PORT/plant/+/state?$Q" --now $NOW
expect_rc 3 "wrong password in the URL"
! grep -qF -- "$MQTT_PASSWORD" "$WORK/out" "$WORK/err" || fail "the wrong password appears in the output"

# TLS through the command line's --ca-file: verified against the test CA; without it the broker's
# certificate is not trusted.
items() { jq -r '[.sources[].items] | add' "$WORK/$1"; }
TLS_URL="mqtts://127.0.0.1:$TLS_PORT/plant/+/state?profile=plain-json&$Q"
run snapshot --twin twin --live "$TLS_URL" --ca-file broker/ca.crt -o tls.json --now $NOW
expect_rc 0 "TLS with the CA"
[ "$(items tls.json)" = 2 ] || fail "TLS: $(items tls.json) items, expected 2"
run snapshot --twin twin --live "mqtts://localhost:$TLS_PORT/plant/+/state?profile=plain-json&$Q" \
  --ca-file broker/ca.crt -o tls-name.json --now $NOW
expect_rc 0 "TLS with the CA, by host name"
run drift --twin twin --live tls --now $NOW
expect_rc 3 "TLS without the CA"
expect_out "TLS handshake failed"
expect_out "certificate verify failed"
run snapshot --twin twin --live "$TLS_URL" --insecure -o insecure.json --now $NOW
expect_rc 0 "TLS, insecure"
expect_err "insecure"
run snapshot --twin twin --live "mqtt://127.0.0.1:$TLS_PORT/plant/+/state?profile=plain-json&settle_seconds=0.3&timeout_seconds=3" \
  -o plain.json --now $NOW
expect_rc 3 "plain MQTT to a TLS listener fails"

# Mutual TLS: the listener requires a client certificate signed by the CA (--cert --key).
MTLS_URL="mqtts://127.0.0.1:$MTLS_PORT/plant/+/state?profile=plain-json&$Q"
run snapshot --twin twin --live "$MTLS_URL" --ca-file broker/ca.crt --cert broker/client.crt --key broker/client.key \
  -o mtls.json --now $NOW
expect_rc 0 "mutual TLS with the client certificate"
[ "$(items mtls.json)" = 2 ] || fail "mutual TLS: $(items mtls.json) items, expected 2"
run snapshot --twin twin --live "$MTLS_URL" --ca-file broker/ca.crt -o mtls-nocert.json --now $NOW
expect_rc 3 "mutual TLS without a client certificate"
jq -e '.sources[0].ok == false' "$WORK/mtls-nocert.json" >/dev/null || fail "no client certificate: source not failed"
run drift --twin twin --live "$MTLS_URL" --ca-file broker/ca.crt --cert broker/client.crt --key broker/client.key \
  --now $NOW
expect_rc 0 "drift over mutual TLS"

# The IPv6 loopback.
run snapshot --twin twin --live "mqtt://[::1]:$V6_PORT/plant/+/state?profile=plain-json&$Q" -o v6.json --now $NOW
expect_rc 0 "mqtt://[::1]"
[ "$(items v6.json)" = 2 ] || fail "IPv6: $(items v6.json) items, expected 2"

# Read-only: the broker's log shows twinctl's clients subscribing and never publishing.
grep -qF "Received SUBSCRIBE from twinctl-ro-anon" "$BROKER_LOG" || fail "the broker log does not show the subscription"
grep -qF "New client connected from 127.0.0.1" "$BROKER_LOG" || fail "the broker log lacks connections"
if grep -E "Received PUBLISH from twinctl" "$BROKER_LOG"; then
  fail "twinctl published"
fi
if grep -E "Received PUBLISH from" "$BROKER_LOG" | grep -vE "from (mosq|auto)-" ; then
  fail "a client other than mosquitto_pub published"
fi
finish
