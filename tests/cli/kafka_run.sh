#!/usr/bin/env bash
# Runs a Kafka CLI test (tests/cli/kafka_*.sh) and, only when librdkafka's mock
# cluster died during it (exit 75, tests/support/kafka.sh: the mock's own
# assertion, not twinctl), runs it again on a fresh cluster, at most 3 times.
# Any other result is the test's.
set -u
for attempt in 1 2 3; do
  bash "$1"
  rc=$?
  if [ "$rc" != 75 ]; then
    exit "$rc"
  fi
  echo "note: librdkafka's mock cluster died during $(basename "$1") (attempt $attempt of 3)" >&2
done
echo "FAIL: the mock cluster died in each of 3 attempts" >&2
exit 1
