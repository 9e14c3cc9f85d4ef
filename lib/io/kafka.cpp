// librdkafka behind kafka.hpp. Every handle is created and freed here; every
// text that leaves this file (errors, why()) goes through scrub(), which takes
// out the values of the secret settings of the environment.
#include "lib/io/kafka.hpp"

#include "lib/util/error.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <exception>

namespace twinctl::io {

namespace {

using Clock = std::chrono::steady_clock;

bool valid_topic(std::string_view t) {
  return !t.empty() && t.size() <= 249 && t != "." && t != ".." &&
         std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
         });
}

double seconds_in(const std::string& key, const std::string& v, double lo, double hi) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size() || !(d >= lo && d <= hi)) {
    throw Error("kafka URL: " + key + "=" + v + ": seconds from " + std::to_string(int(lo)) + " to " +
                std::to_string(int(hi)) + " expected");
  }
  return d;
}

// The secret values of the environment, longest first (so a password that
// holds another secret is taken out whole).
std::vector<std::string> secret_values() {
  std::vector<std::string> out;
  for (const KafkaSetting& s : kafka_env_settings()) {
    if (s.secret && !s.value.empty()) {
      out.push_back(s.value);
    }
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

std::string scrub(std::string text) {
  for (const std::string& secret : secret_values()) {
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value, const std::string& what) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    // librdkafka's message may repeat the value: name the setting only.
    throw Error(what + ": librdkafka does not accept this value of " + key);
  }
}

// The settings every client shares: brokers, timeouts, the environment's
// security settings; librdkafka's own logging off (errors come through error_cb).
rd_kafka_conf_t* base_conf(const KafkaUrl& url) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  try {
    set(conf, "bootstrap.servers", url.bootstrap, url.display);
    set(conf, "client.id", "twinctl", url.display);
    set(conf, "log_level", "0", url.display);
    // librdkafka's own log lines would go to stderr unasked: errors reach us through error_cb.
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
    const int timeout_ms = std::max(100, int(url.timeout * 1000));
    set(conf, "socket.timeout.ms", std::to_string(std::max(10, timeout_ms)), url.display);
    for (const KafkaSetting& s : kafka_env_settings()) {
      set(conf, s.property, s.value, s.env);
    }
  } catch (...) {
    rd_kafka_conf_destroy(conf);
    throw;
  }
  return conf;
}

struct PartitionList {
  rd_kafka_topic_partition_list_t* p;
  explicit PartitionList(int n) : p(rd_kafka_topic_partition_list_new(n)) {}
  ~PartitionList() { rd_kafka_topic_partition_list_destroy(p); }
  PartitionList(const PartitionList&) = delete;
  PartitionList& operator=(const PartitionList&) = delete;
};

} // namespace

bool is_kafka_url(std::string_view text) { return text.substr(0, 8) == "kafka://"; }

KafkaUrl parse_kafka_url(const std::string& text) {
  if (!is_kafka_url(text)) {
    throw Error("not a kafka:// URL");
  }
  KafkaUrl u;
  const std::string rest = text.substr(8);
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (authority.find('@') != std::string::npos) {
    throw Error("kafka URL kafka://***@…: credentials do not go in the URL; set TWINCTL_KAFKA_SASL_USERNAME and "
                "TWINCTL_KAFKA_SASL_PASSWORD (man twinctl-replay)");
  }
  u.display = text;
  if (slash == std::string::npos) {
    throw Error(text + ": kafka://HOST:PORT[,HOST:PORT…]/TOPIC expected");
  }
  size_t begin = 0;
  while (begin <= authority.size()) {
    const size_t comma = std::min(authority.find(',', begin), authority.size());
    const std::string broker = authority.substr(begin, comma - begin);
    const size_t colon = broker.rfind(':');
    int port = 0;
    if (colon == std::string::npos || colon == 0 ||
        std::from_chars(broker.data() + colon + 1, broker.data() + broker.size(), port).ptr !=
            broker.data() + broker.size() ||
        port < 1 || port > 65535) {
      throw Error(text + ": broker '" + broker + "': HOST:PORT expected");
    }
    begin = comma + 1;
  }
  u.bootstrap = authority;
  const std::string path_query = rest.substr(slash + 1);
  const size_t q = path_query.find('?');
  u.topic = path_query.substr(0, q);
  if (!valid_topic(u.topic)) {
    throw Error(text + ": topic '" + u.topic + "': 1 to 249 of a-z A-Z 0-9 . _ - expected");
  }
  std::string query = q == std::string::npos ? "" : path_query.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string kv = query.substr(0, amp);
    query = amp == std::string::npos ? "" : query.substr(amp + 1);
    const size_t eq = kv.find('=');
    const std::string key = kv.substr(0, eq), value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (key == "group") {
      if (value.empty() || value.size() > 255 ||
          std::any_of(value.begin(), value.end(), [](char c) { return (unsigned char)c < 0x21 || c == 0x7f; })) {
        throw Error(text + ": group: 1 to 255 printable characters expected");
      }
      u.group = value;
    } else if (key == "until") {
      if (value != "end") {
        throw Error(text + ": until=" + value + ": only until=end is known");
      }
      u.until_end = true;
    } else if (key == "timeout") {
      u.timeout = seconds_in(key, value, 1, 3600);
    } else if (key == "session_timeout") {
      u.session_timeout = seconds_in(key, value, 1, 3600);
    } else if (key == "fetch_bytes") {
      int n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1024 || n > (64 << 20)) {
        throw Error(text + ": fetch_bytes=" + value + ": 1024 to 67108864 expected");
      }
      u.fetch_bytes = n;
    } else {
      throw Error(text + ": unknown query key '" + key + "' (group, until, timeout, session_timeout, fetch_bytes)");
    }
  }
  return u;
}

std::vector<KafkaSetting> kafka_env_settings() {
  static const struct {
    const char* env;
    const char* property;
    bool secret;
  } k_table[] = {
      {"TWINCTL_KAFKA_SECURITY_PROTOCOL", "security.protocol", false},
      {"TWINCTL_KAFKA_SASL_MECHANISM", "sasl.mechanism", false},
      {"TWINCTL_KAFKA_SASL_USERNAME", "sasl.username", true},
      {"TWINCTL_KAFKA_SASL_PASSWORD", "sasl.password", true},
      {"TWINCTL_KAFKA_SSL_CA_LOCATION", "ssl.ca.location", false},
      {"TWINCTL_KAFKA_SSL_CERTIFICATE_LOCATION", "ssl.certificate.location", false},
      {"TWINCTL_KAFKA_SSL_KEY_LOCATION", "ssl.key.location", false},
      {"TWINCTL_KAFKA_SSL_KEY_PASSWORD", "ssl.key.password", true},
  };
  std::vector<KafkaSetting> out;
  for (const auto& t : k_table) {
    if (const char* v = std::getenv(t.env); v && *v) {
      out.push_back({t.env, t.property, v, t.secret});
    }
  }
  return out;
}

int32_t kafka_partition_of(std::string_view key, int32_t partitions) {
  // librdkafka's murmur2 partitioner: it hashes the key and reads no topic state.
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partitions, nullptr, nullptr);
}

// --- consumer -------------------------------------------------------------

struct KafkaConsumer::Impl {
  KafkaUrl url;
  Handler handler;
  rd_kafka_t* rk = nullptr;
  rd_kafka_message_t* msg = nullptr; // the message poll() returned last
  std::exception_ptr pending;        // thrown in a callback, rethrown by poll()
  std::string last_error;
  Clock::time_point last_ok = Clock::now();
  Clock::time_point last_probe = Clock::now();
  bool closed = false;

  int timeout_ms() const { return std::max(100, int(url.timeout * 1000)); }
  void ok() { last_ok = Clock::now(); }

  static void on_error(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    self->last_error = scrub(std::string(rd_kafka_err2str(rd_kafka_resp_err_t(err))) + ": " + reason);
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    try {
      if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        self->assign(parts);
      } else {
        std::vector<int32_t> ids;
        for (int i = 0; i < parts->cnt; ++i) {
          ids.push_back(parts->elems[i].partition);
        }
        if (self->handler.on_revoke) {
          self->handler.on_revoke(ids);
        }
        rd_kafka_assign(rk, nullptr);
      }
    } catch (...) {
      // Never through librdkafka's C frames: poll() rethrows it.
      self->pending = std::current_exception();
      rd_kafka_assign(rk, nullptr);
    }
  }

  void assign(rd_kafka_topic_partition_list_t* parts) {
    std::vector<Assigned> a;
    if (rd_kafka_committed(rk, parts, timeout_ms()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw Error(url.display + ": cannot read the group's committed offsets");
    }
    for (int i = 0; i < parts->cnt; ++i) {
      const int64_t c = parts->elems[i].offset;
      a.push_back({parts->elems[i].partition, c >= 0 ? c : -1, -1});
    }
    if (handler.on_assign) {
      handler.on_assign(a);
    }
    for (int i = 0; i < parts->cnt; ++i) {
      parts->elems[i].offset = a[size_t(i)].start >= 0       ? a[size_t(i)].start
                               : a[size_t(i)].committed >= 0 ? a[size_t(i)].committed
                                                             : RD_KAFKA_OFFSET_BEGINNING;
    }
    if (rd_kafka_resp_err_t e = rd_kafka_assign(rk, parts)) {
      throw Error(url.display + ": assigning partitions: " + rd_kafka_err2str(e));
    }
    ok();
  }

  // Asks the brokers for the topic's metadata: true when one answered.
  bool probe(int ms) {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, url.topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const bool answered = rd_kafka_metadata(rk, 0, t, &md, ms) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (md) {
      rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(t);
    return answered;
  }
};

KafkaConsumer::KafkaConsumer(const KafkaUrl& url, Handler handler) : m(std::make_unique<Impl>()) {
  m->url = url;
  m->handler = std::move(handler);
  rd_kafka_conf_t* conf = base_conf(url);
  try {
    set(conf, "group.id", url.group, url.display);
    set(conf, "enable.auto.commit", "false", url.display);
    set(conf, "enable.auto.offset.store", "false", url.display);
    set(conf, "auto.offset.reset", "earliest", url.display);
    set(conf, "enable.partition.eof", "true", url.display);
    set(conf, "allow.auto.create.topics", "false", url.display); // reading never creates a topic
    set(conf, "partition.assignment.strategy", "range,roundrobin", url.display);
    set(conf, "session.timeout.ms", std::to_string(int(url.session_timeout * 1000)), url.display);
    set(conf, "heartbeat.interval.ms", std::to_string(std::max(100, int(url.session_timeout * 1000) / 4)),
        url.display);
    set(conf, "fetch.message.max.bytes", std::to_string(url.fetch_bytes), url.display);
    set(conf, "message.max.bytes", std::to_string(4 << 20), url.display);
  } catch (...) {
    rd_kafka_conf_destroy(conf);
    throw;
  }
  rd_kafka_conf_set_opaque(conf, m.get());
  rd_kafka_conf_set_error_cb(conf, &Impl::on_error);
  rd_kafka_conf_set_rebalance_cb(conf, &Impl::on_rebalance);
  char err[512];
  m->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err); // owns conf on success
  if (!m->rk) {
    rd_kafka_conf_destroy(conf);
    throw Error(url.display + ": " + scrub(err));
  }
  rd_kafka_poll_set_consumer(m->rk);
  PartitionList topics(1);
  rd_kafka_topic_partition_list_add(topics.p, url.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t e = rd_kafka_subscribe(m->rk, topics.p)) {
    throw Error(url.display + ": subscribe: " + rd_kafka_err2str(e));
  }
}

KafkaConsumer::~KafkaConsumer() {
  if (m->msg) {
    rd_kafka_message_destroy(m->msg);
  }
  if (m->rk) {
    // Without the group handshake: close() did it, or the brokers are gone.
    rd_kafka_destroy_flags(m->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }
}

KafkaConsumer::Event KafkaConsumer::poll(int timeout_ms, KafkaMessage& out) {
  if (m->msg) {
    rd_kafka_message_destroy(m->msg);
    m->msg = nullptr;
  }
  rd_kafka_message_t* msg = rd_kafka_consumer_poll(m->rk, timeout_ms);
  if (m->pending) {
    if (msg) {
      rd_kafka_message_destroy(msg);
    }
    std::rethrow_exception(std::exchange(m->pending, nullptr));
  }
  char fatal[512];
  if (rd_kafka_fatal_error(m->rk, fatal, sizeof fatal)) {
    if (msg) {
      rd_kafka_message_destroy(msg);
    }
    throw Error(m->url.display + ": " + scrub(fatal));
  }
  if (msg && msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    m->msg = msg;
    m->ok();
    out.partition = msg->partition;
    out.offset = msg->offset;
    out.has_key = msg->key != nullptr;
    out.key = msg->key ? std::string_view(static_cast<const char*>(msg->key), msg->key_len) : std::string_view();
    out.payload = std::string_view(static_cast<const char*>(msg->payload), msg->len);
    return Event::message;
  }
  if (msg) {
    const rd_kafka_resp_err_t e = msg->err;
    if (e == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      m->ok();
      out.partition = msg->partition;
      out.offset = msg->offset;
      rd_kafka_message_destroy(msg);
      return Event::end;
    } else {
      m->last_error = scrub(std::string(rd_kafka_err2str(e)) + ": " + rd_kafka_message_errstr(msg));
    }
    rd_kafka_message_destroy(msg);
    if (e == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
        e == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
      throw Error(m->url.display + ": " + m->last_error);
    }
  }
  // Nothing came: ask the brokers now and then whether they are still there.
  const auto now = Clock::now();
  if (now - m->last_ok > std::chrono::seconds(1) && now - m->last_probe > std::chrono::seconds(1)) {
    m->last_probe = now;
    if (m->probe(std::min(1000, m->timeout_ms()))) {
      m->ok();
    }
  }
  if (Clock::now() - m->last_ok > std::chrono::milliseconds(m->timeout_ms())) {
    return Event::unreachable;
  }
  return Event::idle;
}

std::string KafkaConsumer::why() const {
  return m->last_error.empty() ? "no broker answered" : m->last_error;
}

std::optional<std::vector<int64_t>> KafkaConsumer::end_offsets() {
  rd_kafka_topic_t* t = rd_kafka_topic_new(m->rk, m->url.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t e = rd_kafka_metadata(m->rk, 0, t, &md, m->timeout_ms());
  rd_kafka_topic_destroy(t);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    m->last_error = std::string("topic metadata: ") + rd_kafka_err2str(e);
    return std::nullopt;
  }
  if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const std::string why = md->topic_cnt != 1 ? "no such topic" : rd_kafka_err2str(md->topics[0].err);
    rd_kafka_metadata_destroy(md);
    throw Error(m->url.display + ": topic " + m->url.topic + ": " + why);
  }
  const int n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  std::vector<int64_t> ends(size_t(std::max(n, 0)), 0);
  for (int p = 0; p < n; ++p) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_resp_err_t we =
            rd_kafka_query_watermark_offsets(m->rk, m->url.topic.c_str(), p, &lo, &hi, m->timeout_ms())) {
      m->last_error = "end offset of partition " + std::to_string(p) + ": " + rd_kafka_err2str(we);
      return std::nullopt;
    }
    ends[size_t(p)] = hi;
  }
  m->ok();
  return ends;
}

std::optional<std::vector<int64_t>> KafkaConsumer::committed(size_t partitions) {
  PartitionList list{int(partitions)};
  for (size_t p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.p, m->url.topic.c_str(), int32_t(p));
  }
  if (rd_kafka_resp_err_t e = rd_kafka_committed(m->rk, list.p, m->timeout_ms())) {
    m->last_error = std::string("committed offsets: ") + rd_kafka_err2str(e);
    return std::nullopt;
  }
  std::vector<int64_t> out(partitions, -1);
  for (int i = 0; i < list.p->cnt; ++i) {
    const auto& el = list.p->elems[i];
    if (el.partition >= 0 && size_t(el.partition) < partitions) {
      out[size_t(el.partition)] = el.offset >= 0 ? el.offset : -1;
    }
  }
  m->ok();
  return out;
}

KafkaConsumer::Commit KafkaConsumer::commit(const std::vector<std::pair<int32_t, int64_t>>& offsets) {
  if (offsets.empty()) {
    return Commit::ok;
  }
  PartitionList list(int(offsets.size()));
  for (const auto& [p, off] : offsets) {
    rd_kafka_topic_partition_list_add(list.p, m->url.topic.c_str(), p)->offset = off;
  }
  rd_kafka_resp_err_t e = rd_kafka_commit(m->rk, list.p, 0);
  for (int i = 0; e == RD_KAFKA_RESP_ERR_NO_ERROR && i < list.p->cnt; ++i) {
    e = list.p->elems[i].err;
  }
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    m->last_error = std::string("committing offsets: ") + rd_kafka_err2str(e);
    const bool rebalancing = e == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || e == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
                             e == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID || e == RD_KAFKA_RESP_ERR__STATE ||
                             e == RD_KAFKA_RESP_ERR__NO_OFFSET;
    return rebalancing ? Commit::rebalancing : Commit::failed;
  }
  m->ok();
  return Commit::ok;
}

void KafkaConsumer::pause(int32_t partition) {
  PartitionList list(1);
  rd_kafka_topic_partition_list_add(list.p, m->url.topic.c_str(), partition);
  rd_kafka_pause_partitions(m->rk, list.p);
}

void KafkaConsumer::close() {
  if (m->closed) {
    return;
  }
  m->closed = true;
  rd_kafka_consumer_close(m->rk); // runs on_revoke for the partitions still assigned
  if (m->pending) {
    std::rethrow_exception(std::exchange(m->pending, nullptr));
  }
}

// --- producer -------------------------------------------------------------

struct KafkaProducer::Impl {
  KafkaUrl url;
  rd_kafka_t* rk = nullptr;
  std::atomic<uint64_t> delivered{0}, failed{0};
  std::string first_failure;

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (msg->err) {
      if (self->failed++ == 0) {
        self->first_failure = scrub(rd_kafka_err2str(msg->err));
      }
    } else {
      ++self->delivered;
    }
  }
};

KafkaProducer::KafkaProducer(const KafkaUrl& url) : m(std::make_unique<Impl>()) {
  m->url = url;
  rd_kafka_conf_t* conf = base_conf(url);
  try {
    set(conf, "partitioner", "murmur2_random", url.display);
    set(conf, "linger.ms", "5", url.display);
    set(conf, "message.timeout.ms", std::to_string(std::max(1000, int(url.timeout * 1000))), url.display);
  } catch (...) {
    rd_kafka_conf_destroy(conf);
    throw;
  }
  rd_kafka_conf_set_opaque(conf, m.get());
  rd_kafka_conf_set_dr_msg_cb(conf, &Impl::on_delivery);
  char err[512];
  m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!m->rk) {
    rd_kafka_conf_destroy(conf);
    throw Error(url.display + ": " + scrub(err));
  }
}

KafkaProducer::~KafkaProducer() {
  if (m->rk) {
    rd_kafka_destroy(m->rk);
  }
}

void KafkaProducer::send(std::string_view topic, std::string_view key, std::string_view payload) {
  const std::string t(topic);
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(100, int(m->url.timeout * 1000)));
  for (;;) {
    const rd_kafka_resp_err_t e = rd_kafka_producev(
        m->rk, RD_KAFKA_V_TOPIC(t.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_poll(m->rk, 0);
      return;
    }
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || Clock::now() > deadline) {
      throw Error(m->url.display + ": producing to " + t + ": " + rd_kafka_err2str(e));
    }
    rd_kafka_poll(m->rk, 50); // the queue is full: wait for deliveries
  }
}

void KafkaProducer::idle() { rd_kafka_poll(m->rk, 0); }

void KafkaProducer::flush() {
  const rd_kafka_resp_err_t e = rd_kafka_flush(m->rk, std::max(1000, int(m->url.timeout * 1000)));
  const uint64_t unsent = uint64_t(std::max(0, rd_kafka_outq_len(m->rk)));
  const uint64_t bad = m->failed + unsent;
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || bad > 0) {
    throw Error(m->url.display + ": " + std::to_string(bad) + " of " + std::to_string(m->delivered + bad) +
                " messages not delivered: " + (m->first_failure.empty() ? "timed out" : m->first_failure));
  }
}

uint64_t KafkaProducer::delivered() const { return m->delivered; }
uint64_t KafkaProducer::failed() const { return m->failed; }

} // namespace twinctl::io
