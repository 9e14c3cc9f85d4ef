#!/usr/bin/env bash
# `replay kafka://…?group=G&until=end` against librdkafka's mock cluster (a
# separate process speaking the Kafka protocol on loopback; Kafka has no
# Debian package), fed by kcat: three processes of one group split the eight
# partitions, and their alerts, merged, are the alerts of one `replay` of the
# same readings from a file; every reading is read once; the group's offsets
# end committed at the end. Readings keyed or partitioned wrongly are counted
# and reported, bad messages are bad lines with their partition and offset.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/support/kafka.sh"
TWIN="$SRC/examples/factory"

"$TWINCTL" simulate sensors --twin "$TWIN" --duration 6h --seed 3 --out "$WORK/s" >/dev/null 2>&1 ||
  fail "simulate sensors"
total=$(($(wc -l <"$WORK/s/readings.csv") - 1))
run replay "$WORK/s/readings.csv" --twin "$TWIN" -o alerts="$WORK/file.jsonl" --fail-on none
expect_rc 0 "replay of the file"
[ "$(wc -l <"$WORK/file.jsonl")" -ge 5 ] || fail "the file replay raised too few alerts to compare: $(cat "$WORK/file.jsonl")"

# --- a group of three splits the partitions; merged alerts = the file's ------
# The mock cluster keeps a member that has left (LeaveGroup) until its session
# times out, so the next consumer of the group would wait 45 s (the default):
# the members that others follow use a session of 10 s.
# (librdkafka 2.0.2's mock cluster can abort on its own assertion when a JoinGroup is
# retried under load: tests/cli/kafka_run.sh then runs this test again, and says so.)
group_run() {
  kafka_start --brokers 3 --topic readings:8 --topic wrong:4 --topic bad:1
  kafka_produce readings "$WORK/s/readings.csv" -z snappy || fail "kcat could not produce"
  rm -rf "$WORK/ck"
  pids=()
  for i in 1 2 3; do
    (cd "$WORK" && timeout 120 "$TWINCTL" replay "kafka://$BROKERS/readings?group=nightly&until=end&session_timeout=10" --twin "$TWIN" \
      --checkpoint-dir "$WORK/ck" -o alerts="$WORK/g$i.jsonl" -o json="$WORK/g$i.json" --fail-on none \
      >"$WORK/g$i.out" 2>"$WORK/g$i.err"; echo $? >"$WORK/g$i.rc") &
    pids+=($!)
  done
  wait "${pids[@]}"
}
group_run
for i in 1 2 3; do
  [ "$(cat "$WORK/g$i.rc")" = 0 ] || fail "group member $i: exit $(cat "$WORK/g$i.rc"): $(cat "$WORK/g$i.err")"
  grep -q "assigned, reading from" "$WORK/g$i.err" || fail "member $i was never assigned a partition: $(cat "$WORK/g$i.err")"
done
cat "$WORK"/g?.jsonl | sort >"$WORK/group.sorted"
sort "$WORK/file.jsonl" >"$WORK/file.sorted"
diff -u "$WORK/file.sorted" "$WORK/group.sorted" >"$WORK/diff" || fail "the group's alerts differ from the file's: $(head -20 "$WORK/diff")"
sum=0
for i in 1 2 3; do
  sum=$((sum + $(jq .readings "$WORK/g$i.json")))
done
[ "$sum" -eq "$total" ] || fail "the group read $sum readings, the topic holds $total"
python3 - "$SRC/schemas/replay-summary.schema.json" "$WORK"/g?.json <<'PY' || fail "summaries do not validate"
import json, sys
from jsonschema import Draft7Validator
v = Draft7Validator(json.load(open(sys.argv[1])))
bad = 0
for path in sys.argv[2:]:
    doc = json.load(open(path))
    for e in v.iter_errors(doc):
        print(path, e.message, file=sys.stderr); bad += 1
    k = doc["kafka"]
    if k != {"misrouted": 0, "unkeyed": 0, "skipped": 0, "incomplete": None}:
        print(path, "kafka:", k, file=sys.stderr); bad += 1
sys.exit(1 if bad else 0)
PY
kafka_committed nightly readings >"$WORK/committed"
awk '$2 != $3 {bad = 1} END {exit bad}' "$WORK/committed" || fail "offsets not committed to the end: $(cat "$WORK/committed")"
[ "$(wc -l <"$WORK/committed")" -eq 8 ] || fail "8 partitions expected: $(cat "$WORK/committed")"

# Run again: the group has read everything; nothing is read twice.
run replay "kafka://$BROKERS/readings?group=nightly&until=end" --checkpoint-dir "$WORK/ck" -o json --fail-on none
expect_rc 0 "a second run of the finished group"
[ "$(jq .readings <<<"$OUT")" = 0 ] || fail "a finished group read again: $(jq .readings <<<"$OUT")"

# --- producers that key by something else, or not at all -------------------
# kcat's default partitioner (consistent_random: CRC32) puts machines on other
# partitions than murmur2 does; messages without a key land anywhere.
head -2001 "$WORK/s/readings.csv" >"$WORK/small.csv"
tail -n +2 "$WORK/small.csv" | awk -F, '{print $2 "\t" $0}' | kcat -P -b "$BROKERS" -t wrong -K '\t' || fail "kcat"
sed -n '2,51p' "$WORK/small.csv" | kcat -P -b "$BROKERS" -t wrong || fail "kcat"
run replay "kafka://$BROKERS/wrong?group=g&until=end&session_timeout=10" -o json --fail-on none
expect_rc 0 "misrouted readings are a warning"
expect_err "readings arrived on a partition their machineId does not belong to"
expect_err "hashes (murmur2) to partition"
misrouted=$(jq .kafka.misrouted <<<"$OUT")
[ "$misrouted" -gt 100 ] || fail "misrouted readings not counted: $misrouted"
[ "$(jq .kafka.unkeyed <<<"$OUT")" = 50 ] || fail "unkeyed messages: $(jq .kafka <<<"$OUT")"
[ "$(jq .readings <<<"$OUT")" = 2050 ] || fail "every reading is still judged: $(jq .readings <<<"$OUT")"

# --- bad messages: bad lines, located by partition and offset ----------------
printf 'press-01\t2026-05-04T00:00:00Z,press-01,oil-temp,41.5,Cel,good\npress-01\tnot a reading\npress-01\t{"timestamp":"2026-05-04T00:00:01Z","machineId":"press-01","sensorType":"oil-temp","value":41.6,"unit":"Cel","quality":"good"}\npress-01\t\n' |
  kcat -P -b "$BROKERS" -t bad -K '\t' -Z || fail "kcat"
run replay "kafka://$BROKERS/bad?group=g&until=end" -o json --fail-on none
expect_rc 3 "bad messages: 2 of 4 were not judged"
expect_err "bad[0]@1: expected 6 comma-separated fields"
expect_err "bad[0]@3: empty message"
[ "$(jq .readings <<<"$OUT")" = 2 ] || fail "a CSV and a JSONL reading: $(jq .readings <<<"$OUT")"
[ "$(jq .bad_lines <<<"$OUT")" -ge 1 ] || fail "bad lines: $(jq .bad_lines <<<"$OUT")"
run replay "kafka://$BROKERS/bad?group=g2&until=end" --strict -o json
expect_rc 2 "--strict: a bad message is an error"
expect_err "bad[0]@1"

# --- usage ---------------------------------------------------------------------
run replay "kafka://$BROKERS/readings"
expect_rc 2 "no group"
expect_err "?group=G is required"
run replay "kafka://user:s3cret@$BROKERS/readings?group=g"
expect_rc 2 "credentials in the URL"
expect_err "TWINCTL_KAFKA_SASL_PASSWORD"
grep -q s3cret <<<"$OUT$ERR" && fail "the URL's password was printed"
run replay "kafka://$BROKERS/readings?group=g&untill=end"
expect_rc 2 "a misspelt query key"
expect_err "unknown query key 'untill'"
finish
