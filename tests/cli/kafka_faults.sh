#!/usr/bin/env bash
# `replay kafka://` when things fail, against librdkafka's mock cluster (a
# separate process speaking the Kafka protocol on loopback; Kafka has no
# Debian package):
#  - a member killed with kill -9 mid-stream: after its session times out its
#    partitions move to the other member, which restores their checkpoints;
#    no reading is lost and the alerts of both, as a set, are the alerts of a
#    replay of the same readings from a file (the dead member may have written
#    some of them twice: at-least-once);
#  - the brokers disappear: exit 3 within the timeout, never "no alerts", and
#    the group's committed offsets do not pass what was read;
#  - no broker at all: exit 3 within the timeout.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/kafka.sh"
TWIN="$SRC/examples/factory"

"$TWINCTL" simulate sensors --twin "$TWIN" --duration 3h --seed 7 --out "$WORK/s" >/dev/null 2>&1 ||
  fail "simulate sensors"
total=$(($(wc -l <"$WORK/s/readings.csv") - 1))
run replay "$WORK/s/readings.csv" --twin "$TWIN" -o alerts="$WORK/file.jsonl" --fail-on none
expect_rc 0 "replay of the file"

# --- kill -9 mid-stream -----------------------------------------------------
# Every answer of the brokers is delayed 100 ms, a fetch brings 16 KiB and the
# producer's batches hold 500 messages (a broker hands out whole batches: with
# kcat's default of 10,000 a partition came in two fetches and the victim could
# finish before the kill), so reading takes seconds and the kill lands while the
# victim has messages to read.
kafka_start --brokers 2 --topic readings:8 --rtt 100
kafka_produce readings "$WORK/s/readings.csv" -X batch.num.messages=500 || fail "kcat could not produce"
url="kafka://$BROKERS/readings?group=takeover&until=end&session_timeout=6&fetch_bytes=16384"
member() { # NAME: one member in the background, its pid (twinctl's own: exec) in PID
  (cd "$WORK" && exec "$TWINCTL" replay "$url" --twin "$TWIN" --checkpoint-dir "$WORK/ck" \
    -o alerts="$WORK/$1.jsonl" -o json="$WORK/$1.json" --fail-on none >"$WORK/$1.out" 2>"$WORK/$1.err") &
  PID=$!
}
member victim
victim=$PID
member survivor
survivor=$PID
for _ in $(seq 600); do
  grep -q assigned "$WORK/victim.err" && grep -q assigned "$WORK/survivor.err" && break
  sleep 0.1
done
mine=$(sed -n 's/.*readings\[\([0-9]*\)\]: assigned.*/\1/p' "$WORK/victim.err" | tr '\n' ' ')
[ -n "$mine" ] || fail "the victim was never assigned a partition: $(cat "$WORK/victim.err")"
# Killed after its first checkpoint of one of its partitions: mid-stream, state on disk.
for _ in $(seq 600); do
  for p in $mine; do
    ls "$WORK/ck/readings/takeover/p$p-"* >/dev/null 2>&1 && break 2
  done
  sleep 0.05
done
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
set +e
wait "$survivor"
rc=$?
set -e
[ "$rc" = 0 ] || fail "survivor: exit $rc: $(cat "$WORK/survivor.err")"
# Each partition of the victim: finished by it before the kill, or taken over
# from its checkpoint. What the victim judged (that prefix) plus what the
# survivor read is every reading, exactly.
victim_share=0
taken=0
for p in $mine; do
  done_at=$(sed -n "s/.*readings\[$p\]: end offset \([0-9]*\) reached.*/\1/p" "$WORK/victim.err")
  # A kill between the checkpoint and the offset commit adds "(the committed offset is N)".
  from=$(sed -n "s/.*readings\[$p\]: assigned, reading from checkpoint at offset \([0-9]*\)\( (the committed offset is -\{0,1\}[0-9]*)\)\{0,1\}\$/\1/p" "$WORK/survivor.err")
  if [ -n "$done_at" ]; then
    victim_share=$((victim_share + done_at))
  elif [ -n "$from" ]; then
    victim_share=$((victim_share + from))
    taken=$((taken + 1))
  else
    fail "partition $p of the victim was neither finished nor taken over from its checkpoint: $(cat "$WORK/survivor.err")"
  fi
done
[ "$taken" -ge 1 ] || fail "the victim finished all its partitions before the kill: nothing was taken over"
[ "$(jq .readings "$WORK/survivor.json")" -eq $((total - victim_share)) ] ||
  fail "readings do not add up: survivor read $(jq .readings "$WORK/survivor.json"), victim judged $victim_share, total $total"
# The victim's last line may be cut by the kill: only whole lines count.
python3 - "$WORK/victim.jsonl" "$WORK/survivor.jsonl" "$WORK/file.jsonl" <<'PY' || fail "alerts of the group differ from the file's"
import json, sys
def lines(path):
    out = set()
    for l in open(path):
        try:
            out.add(json.dumps(json.loads(l), sort_keys=True))
        except json.JSONDecodeError:
            pass
    return out
group = lines(sys.argv[1]) | lines(sys.argv[2])
want = lines(sys.argv[3])
if group != want:
    print("missing:", sorted(want - group)[:5], "extra:", sorted(group - want)[:5], file=sys.stderr)
    sys.exit(1)
PY
kafka_committed takeover readings >"$WORK/committed"
awk '$2 != $3 {bad = 1} END {exit bad}' "$WORK/committed" || fail "not committed to the end: $(cat "$WORK/committed")"

# --- the brokers disappear ---------------------------------------------------
kafka_start --brokers 1 --topic live:2 --down-file "$WORK/down"
kafka_produce live "$WORK/s/readings.csv" -z snappy || fail "kcat could not produce"
(cd "$WORK" && exec timeout 120 "$TWINCTL" replay "kafka://$BROKERS/live?group=stream&timeout=3" --twin "$TWIN" \
  -o alerts="$WORK/live.jsonl" -o json="$WORK/live.json" --fail-on none >"$WORK/live.out" 2>"$WORK/live.err") &
streamer=$!
for _ in $(seq 600); do # until everything produced is read and committed
  kafka_committed stream live >"$WORK/committed" 2>/dev/null || true
  [ "$(awk '$2 == $3 {n++} END {print n + 0}' "$WORK/committed")" = 2 ] && break
  sleep 0.2
done
touch "$WORK/down"
start=$SECONDS
set +e
wait "$streamer"
rc=$?
set -e
elapsed=$((SECONDS - start))
[ "$rc" = 3 ] || fail "brokers gone: exit $rc, expected 3: $(cat "$WORK/live.err")"
[ "$elapsed" -le 20 ] || fail "brokers gone: exit after $elapsed s (timeout=3)"
grep -q "stopped before the end" "$WORK/live.err" || fail "no reason given: $(cat "$WORK/live.err")"
[ "$(jq -r '.kafka.incomplete | type' "$WORK/live.json")" = string ] || fail "summary does not say incomplete"
rm "$WORK/down"
kafka_committed stream live >"$WORK/committed"
committed=$(awk '{s += $2} END {print s}' "$WORK/committed")
[ "$committed" = "$(jq .readings "$WORK/live.json")" ] ||
  fail "committed $committed offsets, read $(jq .readings "$WORK/live.json")"

# --- no broker at all ------------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start=$SECONDS
run replay "kafka://127.0.0.1:$port/readings?group=g&timeout=2"
expect_rc 3 "no broker"
expect_err "stopped before the end"
[ $((SECONDS - start)) -le 15 ] || fail "no broker: took $((SECONDS - start)) s with timeout=2"
finish
