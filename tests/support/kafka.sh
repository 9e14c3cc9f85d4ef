# Kafka helpers for the CLI tests. Kafka itself has no Debian package: the
# cluster is librdkafka's mock cluster (tests/support/kafka_mock.cpp, built as
# $KAFKA_MOCK), a process of its own that speaks the Kafka protocol on loopback
# ports; twinctl and kcat (Debian `kcat`/`kafkacat`) connect to it like to any
# cluster. The mock keeps about 5 MB per partition (older messages are
# deleted), so test topics stay small or compressed. Source after lib.sh.
#
#   kafka_start ARGS...          starts a mock cluster (ARGS: --brokers N --topic T:P --rtt MS
#                                --down-file F); sets BROKERS (host:port,...) and KAFKA_PID
#   kafka_produce TOPIC CSV [KCAT_ARGS...]
#                                sends each reading of a CSV file (header skipped) as one
#                                message keyed by its machineId, with the murmur2_random
#                                partitioner (the Java clients' and twinctl's)
#   kafka_committed GROUP TOPIC  "PARTITION COMMITTED END" per partition (COMMITTED -1001:
#                                nothing committed; END: the partition's high watermark)
: "${KAFKA_MOCK:?set KAFKA_MOCK to the twinctl_kafka_mock binary}"

KAFKA_PIDS=()
KAFKA_LOGS=()
kafka_cleanup() {
  local i died=0
  for i in "${!KAFKA_PIDS[@]}"; do
    # A mock that died before the end (librdkafka's mock has aborted on its own
    # assertions under load) is said, with its last words, not left to guess;
    # the test then exits 75 and tests/cli/kafka_run.sh runs it again.
    if ! kill -0 "${KAFKA_PIDS[$i]}" 2>/dev/null; then
      echo "the mock cluster (pid ${KAFKA_PIDS[$i]}) died during the test: $(tail -5 "${KAFKA_LOGS[$i]}")" >&2
      died=1
    fi
    kill "${KAFKA_PIDS[$i]}" 2>/dev/null || true
    wait "${KAFKA_PIDS[$i]}" 2>/dev/null || true
  done
  cleanup
  if [ "$died" = 1 ]; then
    exit 75
  fi
}
trap kafka_cleanup EXIT

kafka_start() {
  local out="$WORK/kafka-mock.$RANDOM"
  "$KAFKA_MOCK" "$@" >"$out" 2>"$out.err" &
  KAFKA_PID=$!
  KAFKA_PIDS+=("$KAFKA_PID")
  KAFKA_LOGS+=("$out.err")
  for _ in $(seq 100); do
    if [ -s "$out" ]; then
      BROKERS=$(head -1 "$out")
      return 0
    fi
    sleep 0.05
  done
  echo "the mock cluster did not start: $(cat "$out.err")" >&2
  return 1
}

kafka_produce() {
  local topic=$1 csv=$2
  shift 2
  tail -n +2 "$csv" | awk -F, '{print $2 "\t" $0}' |
    kcat -P -b "$BROKERS" -t "$topic" -K '\t' -X partitioner=murmur2_random "$@"
}

kafka_committed() { "$KAFKA_MOCK" --committed "$BROKERS" "$1" "$2"; }
