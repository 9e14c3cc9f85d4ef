// Kafka (librdkafka): the consumer-group member of `replay kafka://…` and the
// keyed producer of `-o alerts=kafka://…` and `--publish kafka://…`.
//
// URL: kafka://HOST:PORT[,HOST:PORT…]/TOPIC[?group=G&until=end&timeout=S&session_timeout=S&fetch_bytes=N]
// Credentials never go in the URL: TLS and SASL settings come from the
// environment (kafka_env_settings()), and no message, summary or error text
// prints them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twinctl::io {

struct KafkaUrl {
  std::string bootstrap; // "host:port,host:port"
  std::string topic;
  std::string group;        // consumer group (replay), "" for a producer
  bool until_end = false;   // ?until=end
  double timeout = 30;      // ?timeout=S: no broker answer for this long = unreachable
  double session_timeout = 45; // ?session_timeout=S: a silent member's partitions move after this
  int fetch_bytes = 1 << 20;   // ?fetch_bytes=N: bytes fetched per partition and request (memory bound)
  std::string display;      // the URL as given (it holds no credentials): safe to print
};

bool is_kafka_url(std::string_view text);
// Throws twinctl::Error on a malformed URL, an unknown query key, or
// credentials in it (they belong in the environment).
KafkaUrl parse_kafka_url(const std::string& text);

// The client settings taken from the environment, as librdkafka property
// names and values: TWINCTL_KAFKA_SECURITY_PROTOCOL (security.protocol),
// TWINCTL_KAFKA_SASL_MECHANISM, _SASL_USERNAME, _SASL_PASSWORD,
// TWINCTL_KAFKA_SSL_CA_LOCATION, _SSL_CERTIFICATE_LOCATION, _SSL_KEY_LOCATION,
// _SSL_KEY_PASSWORD. `secret` marks the values no message may show.
struct KafkaSetting {
  std::string env, property, value;
  bool secret = false;
};
std::vector<KafkaSetting> kafka_env_settings();

// Kafka's murmur2 partition of a key (the Java client's default and
// librdkafka's murmur2_random for keyed messages).
int32_t kafka_partition_of(std::string_view key, int32_t partitions);

struct KafkaMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key; // empty when the message has none
  std::string_view payload;
  bool has_key = false;
};

// A member of a consumer group. Offsets are committed only by commit() (no
// auto commit); partitions are assigned eagerly (range, then roundrobin):
// on a rebalance every partition is revoked, then the new set assigned.
class KafkaConsumer {
public:
  struct Assigned {
    int32_t partition = 0;
    int64_t committed = -1; // the group's committed offset; -1 = none yet
    int64_t start = -1;     // set by on_assign: where to read from; -1 = committed, else the earliest
  };
  // on_assign may set `start`; on_revoke must commit what it processed of
  // those partitions before it returns (their next owner starts there).
  struct Handler {
    std::function<void(std::vector<Assigned>&)> on_assign;
    std::function<void(const std::vector<int32_t>&)> on_revoke;
  };
  // Creates the client and subscribes to url.topic as a member of url.group.
  // Throws twinctl::Error on bad settings.
  KafkaConsumer(const KafkaUrl& url, Handler handler);
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  enum class Event { message, end, idle, unreachable };
  // The next message within timeout_ms (Event::message, `out` valid until the
  // next poll), Event::end when a partition's last message was delivered
  // (out.partition, out.offset = the offset after it), Event::idle when none came, Event::unreachable when no broker
  // has answered for url.timeout seconds (why() says what failed). Throws
  // twinctl::Error on a fatal client error and what a handler threw.
  Event poll(int timeout_ms, KafkaMessage& out);
  std::string why() const;
  // The end (high watermark) of each partition of the topic, asked of the
  // brokers now; nullopt when they do not answer in time (why() says why).
  // Throws twinctl::Error when the topic does not exist.
  std::optional<std::vector<int64_t>> end_offsets();
  // The group's committed offset of every partition (-1 = none); nullopt
  // when the brokers do not answer.
  std::optional<std::vector<int64_t>> committed(size_t partitions);
  // Commits `next offset to read` per partition, synchronously. `rebalancing`:
  // the group is being rebalanced (or this member was fenced out of it): try
  // again after it; `failed`: the brokers refuse or do not answer (why()).
  enum class Commit { ok, rebalancing, failed };
  Commit commit(const std::vector<std::pair<int32_t, int64_t>>& offsets);
  // Stops fetching a partition (reached its end).
  void pause(int32_t partition);
  // Leaves the group (on_revoke runs for what is still assigned). Safe to call twice.
  void close();

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

// A producer of keyed messages (partitioner murmur2_random: the same
// partition as Java clients for the same key). Delivery failures are counted,
// never silent: close() throws when any message was not delivered.
class KafkaProducer {
public:
  explicit KafkaProducer(const KafkaUrl& url);
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Queues one message (copied); waits while the local queue is full. Throws
  // twinctl::Error when a message cannot be queued within url.timeout.
  void send(std::string_view topic, std::string_view key, std::string_view payload);
  // Serves delivery reports (call while idle).
  void idle();
  // Waits until every message sent so far is delivered (url.timeout at most).
  // Throws twinctl::Error "N of M messages not delivered: reason" when any
  // failed or is still waiting.
  void flush();
  uint64_t delivered() const;
  uint64_t failed() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

} // namespace twinctl::io
