#!/usr/bin/env bash
# Producing to Kafka, against librdkafka's mock cluster (a separate process
# speaking the Kafka protocol on loopback; Kafka has no Debian package):
# `simulate sensors --publish kafka://…/plant` writes keyed readings to
# plant.readings, `replay kafka://…` judges them and writes its alerts with
# `-o alerts=kafka://…`; what kcat reads back replays, from a file, to the
# same alerts. Undeliverable alerts are exit 2; SASL settings come from the
# environment and the password is never printed.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/kafka.sh"
TWIN="$SRC/examples/factory"
kafka_start --brokers 2 --topic plant.readings:4 --topic plant.alerts:2 --topic alerts:2

run simulate sensors --twin "$TWIN" --duration 1h --seed 11 --out "$WORK/s" --publish "kafka://$BROKERS/plant" --speed max
expect_rc 0 "simulate sensors --publish kafka://"
published=$(sed -n 's/.*published \([0-9]*\) readings to .*/\1/p' <<<"$ERR")
[ -n "$published" ] && [ "$published" -gt 10000 ] || fail "published count: $ERR"

run replay "kafka://$BROKERS/plant.readings?group=judge&until=end" --twin "$TWIN" -o alerts="kafka://$BROKERS/alerts" \
  -o json --fail-on none
expect_rc 0 "replay kafka:// -o alerts=kafka://"
[ "$(jq .readings <<<"$OUT")" = "$published" ] || fail "replay read $(jq .readings <<<"$OUT") of $published readings"
[ "$(jq .kafka.misrouted <<<"$OUT")" = 0 ] || fail "twinctl's own producer misroutes: $(jq .kafka <<<"$OUT")"

# What is in the topics, read back with kcat: keys are machineIds, the readings
# replay from a file to the alerts the consumer wrote.
kcat -C -b "$BROKERS" -t plant.readings -e -q -f '%k\t%s\n' >"$WORK/readings.tsv" || fail "kcat -C"
[ "$(wc -l <"$WORK/readings.tsv")" = "$published" ] || fail "the topic holds $(wc -l <"$WORK/readings.tsv") readings"
python3 - "$WORK/readings.tsv" <<'PY' || fail "a reading keyed by something else than its machineId"
import json, sys
for line in open(sys.argv[1]):
    key, payload = line.rstrip("\n").split("\t", 1)
    if json.loads(payload)["machineId"] != key:
        print(line, file=sys.stderr); sys.exit(1)
PY
cut -f2 "$WORK/readings.tsv" >"$WORK/readings.jsonl"
run replay "$WORK/readings.jsonl" --twin "$TWIN" -o alerts="$WORK/file.jsonl" --fail-on none
expect_rc 0 "replay of what kcat read"
kcat -C -b "$BROKERS" -t alerts -e -q -f '%s\n' | sort >"$WORK/kafka.sorted"
sort "$WORK/file.jsonl" >"$WORK/file.sorted"
[ -s "$WORK/file.sorted" ] || fail "no alerts to compare"
diff -u "$WORK/file.sorted" "$WORK/kafka.sorted" || fail "alerts on the topic differ from a replay of the file"

# --- alerts that cannot be delivered: exit 2, never a silent loss -------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run replay "$WORK/readings.jsonl" --twin "$TWIN" -o alerts="kafka://127.0.0.1:$port/alerts?timeout=2" --fail-on none
expect_rc 2 "undeliverable alerts"
expect_err "messages not delivered"

# --- SASL from the environment: the password is never printed ------------------
# The mock cluster speaks no SASL: the handshake fails, which is exit 3
# (the brokers cannot be used), and no output holds the password.
secret="pw-$RANDOM-s3cr3t"
export TWINCTL_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT TWINCTL_KAFKA_SASL_MECHANISM=PLAIN
export TWINCTL_KAFKA_SASL_USERNAME=reader TWINCTL_KAFKA_SASL_PASSWORD="$secret"
run replay "kafka://$BROKERS/plant.readings?group=sasl&until=end&timeout=3" -o json --fail-on none
expect_rc 3 "SASL against a cluster without it"
grep -qF -- "$secret" <<<"$OUT$ERR" && fail "the SASL password was printed"
export TWINCTL_KAFKA_SASL_MECHANISM=NOT-A-MECHANISM
run replay "kafka://$BROKERS/plant.readings?group=sasl&until=end&timeout=3"
expect_rc 2 "an unknown SASL mechanism"
expect_err "Unsupported SASL mechanism"
grep -qF -- "$secret" <<<"$OUT$ERR" && fail "the SASL password was printed"
finish
