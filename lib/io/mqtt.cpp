#include "lib/io/mqtt.hpp"
#include "lib/io/mqtt_publish.hpp"
#include "lib/util/error.hpp"

#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>

namespace twinctl::io {

namespace {

using Clock = std::chrono::steady_clock;

struct MosquittoDeleter {
  void operator()(mosquitto* m) const noexcept { mosquitto_destroy(m); }
};
using Mosquitto = std::unique_ptr<mosquitto, MosquittoDeleter>;

// libmosquitto's global state. Its init is not thread-safe: once per process.
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    mosquitto_lib_init();
    std::atexit([] { mosquitto_lib_cleanup(); });
  });
}

constexpr size_t k_max_bytes = size_t(1) << 30; // what a live-state file may hold, too

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) {
    return std::strerror(errno);
  }
  if (rc == MOSQ_ERR_EAI) {
    return "cannot resolve the host name";
  }
  return mosquitto_strerror(rc);
}

// The text of a failed network loop; `log_error` is libmosquitto's last
// error log line (OpenSSL's reason for a TLS failure).
std::string loop_error_text(int rc, bool connected, const std::string& log_error) {
  std::string text = error_text(rc);
  if (rc == MOSQ_ERR_TLS) {
    text = "TLS handshake failed";
    if (!log_error.empty()) {
      text += ": " + log_error;
    }
  } else if (rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_NO_CONN) {
    text = connected ? "the broker closed the connection" : "the connection was closed before the broker answered";
  }
  return text;
}

// Protocol, credentials and TLS of a client (callbacks are the caller's);
// returns the failure, or "".
std::string configure_client(mosquitto* m, const MqttConnect& c) {
  mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (!c.user.empty() || !c.password.empty()) {
    if (mosquitto_username_pw_set(m, c.user.c_str(), c.password.empty() ? nullptr : c.password.c_str()) !=
        MOSQ_ERR_SUCCESS) {
      return "invalid username or password (not UTF-8 or too long)";
    }
  }
  if (!c.tls) {
    return "";
  }
  auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  int rc = mosquitto_tls_set(m, opt(c.ca_file), c.ca_file.empty() ? "/etc/ssl/certs" : nullptr, opt(c.cert_file),
                             opt(c.key_file), nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    return "TLS set-up failed (CA, certificate or key file unreadable): " + error_text(rc);
  }
  if (c.insecure) {
    mosquitto_tls_opts_set(m, 0 /* SSL_VERIFY_NONE */, nullptr, nullptr);
    mosquitto_tls_insecure_set(m, true);
  }
  return "";
}

// The state of one collection; libmosquitto's callbacks fill it.
class Collector {
public:
  Collector(const MqttConnect& c, const std::function<void(MqttMessage&&)>& sink)
      : m_c(c), m_sink(sink), m_where(c.host + ":" + std::to_string(c.port)) {}

  MqttCollected run() {
    MqttCollected out;
    out.error = collect();
    if (out.error.empty()) {
      out.messages = std::move(m_messages);
    }
    return out;
  }

private:
  std::string collect() {
    init_library();
    Mosquitto m(mosquitto_new(m_c.client_id.c_str(), true, this));
    if (!m) {
      return std::string("cannot create an MQTT client: ") + std::strerror(errno);
    }
    if (std::string e = configure(m.get()); !e.empty()) {
      return e;
    }
    m_start = Clock::now();
    int rc = mosquitto_connect_async(m.get(), m_c.host.c_str(), m_c.port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
      return m_where + ": " + loop_error_text(rc);
    }
    std::string result = loop(m.get());
    m_closing = true;
    mosquitto_disconnect(m.get());
    return result;
  }

  std::string configure(mosquitto* m) {
    mosquitto_connect_callback_set(m, &Collector::on_connect);
    mosquitto_subscribe_callback_set(m, &Collector::on_subscribe);
    mosquitto_message_callback_set(m, &Collector::on_message);
    mosquitto_disconnect_callback_set(m, &Collector::on_disconnect);
    mosquitto_log_callback_set(m, &Collector::on_log);
    return configure_client(m, m_c);
  }

  // Runs the network loop until the collection ends; returns the failure, or "".
  std::string loop(mosquitto* m) {
    Clock::time_point connect_deadline = after(m_start, m_c.connect_timeout);
    Clock::time_point deadline = after(m_start, m_c.timeout);
    while (m_error.empty()) {
      Clock::time_point now = Clock::now();
      if (!m_connected && now >= std::min(connect_deadline, deadline)) {
        return m_where + ": no answer from the broker within " +
               seconds_text(std::min(m_c.connect_timeout, m_c.timeout)) + " s";
      }
      if (m_subscribed && now >= after(m_last_retained, m_c.settle)) {
        return unanswered();
      }
      if (now >= deadline) {
        return m_where +
               (m_subscribed ? ": retained messages were still arriving after "
                             : ": the subscription was not acknowledged within ") +
               seconds_text(m_c.timeout) + " s (timeout)";
      }
      Clock::time_point next = m_connected ? deadline : std::min(connect_deadline, deadline);
      if (m_subscribed) {
        next = std::min(next, after(m_last_retained, m_c.settle));
      }
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
      int rc = mosquitto_loop(m, int(std::clamp<long long>(wait, 1, 1000)), 1);
      if (rc != MOSQ_ERR_SUCCESS && m_error.empty()) {
        m_error = m_where + ": " + loop_error_text(rc);
      }
      drain(m);
    }
    return m_error;
  }

  // mosquitto_loop reads one packet after a select(). While messages keep coming
  // (100k retained topics arrive back to back), read on without the select: a
  // read of an empty socket returns at once, and a partial packet ends the burst.
  // A bounded burst keeps the deadlines above checked.
  void drain(mosquitto* m) {
    for (int i = 0; i < 256 && m_error.empty(); ++i) {
      size_t before = m_count;
      if (int rc = mosquitto_loop_read(m, 1); rc != MOSQ_ERR_SUCCESS) {
        if (m_error.empty()) {
          m_error = m_where + ": " + loop_error_text(rc);
        }
        return;
      }
      if (m_count == before) {
        return;
      }
    }
  }

  std::string loop_error_text(int rc) const { return io::loop_error_text(rc, m_connected, m_log_error); }

  // Publishes the requests (empty, not retained) once everything is subscribed.
  void send_requests(mosquitto* m) {
    for (const std::string& topic : m_c.requests) {
      if (int e = mosquitto_publish(m, nullptr, topic.c_str(), 0, nullptr, m_c.qos, false); e != MOSQ_ERR_SUCCESS) {
        m_error = m_where + ": cannot publish the request to '" + topic + "': " + error_text(e);
        return;
      }
      m_unanswered.insert(topic);
    }
  }

  // A request's answer (TOPIC/accepted or TOPIC/rejected) counts it answered.
  bool answers_request(std::string_view topic) {
    for (std::string_view suffix : {"/accepted", "/rejected"}) {
      if (topic.size() > suffix.size() && topic.substr(topic.size() - suffix.size()) == suffix) {
        if (auto it = m_unanswered.find(std::string(topic.substr(0, topic.size() - suffix.size())));
            it != m_unanswered.end()) {
          m_unanswered.erase(it);
          return true;
        }
      }
    }
    return false;
  }

  std::string unanswered() const {
    if (m_unanswered.empty()) {
      return "";
    }
    return m_where + ": " + std::to_string(m_unanswered.size()) + " of " + std::to_string(m_c.requests.size()) +
           " requests got no answer within " + seconds_text(m_c.settle) + " s (first: '" + *m_unanswered.begin() +
           "'); is the shadow service reachable through this broker?";
  }

  static Collector& self(void* obj) { return *static_cast<Collector*>(obj); }

  static void on_connect(mosquitto* m, void* obj, int rc) {
    Collector& c = self(obj);
    if (rc != 0) {
      c.m_error = c.m_where + ": the broker refused the connection: " + mosquitto_connack_string(rc);
      return;
    }
    c.m_connected = true;
    for (const std::string& f : c.m_c.filters) {
      int mid = 0;
      if (int e = mosquitto_subscribe(m, &mid, f.c_str(), c.m_c.qos); e != MOSQ_ERR_SUCCESS) {
        c.m_error = c.m_where + ": cannot subscribe to '" + f + "': " + error_text(e);
        return;
      }
      c.m_pending[mid] = f;
    }
  }

  static void on_subscribe(mosquitto* m, void* obj, int mid, int count, const int* granted) {
    Collector& c = self(obj);
    auto it = c.m_pending.find(mid);
    if (it == c.m_pending.end()) {
      return;
    }
    for (int i = 0; i < count; ++i) {
      if (granted[i] > 2) {
        c.m_error = c.m_where + ": the broker refused the subscription to '" + it->second + "'";
        return;
      }
    }
    c.m_pending.erase(it);
    if (c.m_pending.empty()) {
      c.m_subscribed = true;
      c.m_last_retained = Clock::now();
      c.send_requests(m);
    }
  }

  static void on_message(mosquitto*, void* obj, const mosquitto_message* msg) {
    Collector& c = self(obj);
    ++c.m_count;
    size_t size = msg->payloadlen > 0 ? size_t(msg->payloadlen) : 0;
    c.m_bytes += size + std::strlen(msg->topic);
    if (c.m_bytes > k_max_bytes) {
      c.m_error = c.m_where + ": more than 1 GiB of messages; narrow the topic filters";
      return;
    }
    MqttMessage out;
    out.topic = msg->topic;
    out.payload.assign(static_cast<const char*>(msg->payload), size);
    if (msg->retain) {
      c.m_last_retained = Clock::now();
    } else {
      if (!c.m_unanswered.empty() && c.answers_request(msg->topic)) {
        c.m_last_retained = Clock::now();
      }
      out.received =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    }
    if (c.m_sink) {
      c.m_sink(std::move(out));
    } else {
      c.m_messages.push_back(std::move(out));
    }
  }

  static void on_disconnect(mosquitto*, void* obj, int rc) {
    Collector& c = self(obj);
    if (!c.m_closing && c.m_error.empty()) {
      c.m_error = c.m_where + ": " + c.loop_error_text(rc == 0 ? MOSQ_ERR_CONN_LOST : rc);
    }
  }

  static void on_log(mosquitto*, void* obj, int level, const char* text) {
    if (level == MOSQ_LOG_ERR && text) {
      self(obj).m_log_error = text;
    }
  }

  const MqttConnect& m_c;
  const std::function<void(MqttMessage&&)>& m_sink;
  std::string m_where; // host:port, for messages
  Clock::time_point m_start;
  Clock::time_point m_last_retained; // the last SUBACK or retained message
  bool m_connected = false;
  bool m_subscribed = false;
  bool m_closing = false;
  std::map<int, std::string> m_pending; // subscription mid -> filter
  std::set<std::string> m_unanswered;   // requests published, not yet answered
  std::vector<MqttMessage> m_messages;
  size_t m_bytes = 0;
  size_t m_count = 0; // messages received
  std::string m_error;
  std::string m_log_error; // libmosquitto's last error log line (OpenSSL's reason)
};

} // namespace

// Publishing.

namespace {

// Messages handed to libmosquitto but not yet written (QoS 0) or acknowledged
// (QoS 1, 2) before publish() waits: memory stays bounded on a slow broker.
constexpr uint64_t k_max_pending = 4096;

} // namespace

struct MqttPublisher::Impl {
  MqttConnect c;
  std::string where;
  Mosquitto m;
  bool connected = false;
  bool closing = false;
  std::string error;
  std::string log_error;
  uint64_t sent = 0; // handed to mosquitto_publish
  uint64_t done = 0; // written (QoS 0) or acknowledged
  Clock::time_point last_loop = Clock::now();

  static Impl& self(void* obj) { return *static_cast<Impl*>(obj); }
  static void on_connect(mosquitto*, void* obj, int rc) {
    Impl& p = self(obj);
    if (rc != 0) {
      p.error = p.where + ": the broker refused the connection: " + mosquitto_connack_string(rc);
      return;
    }
    p.connected = true;
  }
  static void on_publish(mosquitto*, void* obj, int) { ++self(obj).done; }
  static void on_disconnect(mosquitto*, void* obj, int rc) {
    Impl& p = self(obj);
    if (!p.closing && p.error.empty()) {
      p.error = p.where + ": " + loop_error_text(rc == 0 ? MOSQ_ERR_CONN_LOST : rc, p.connected, p.log_error);
    }
  }
  static void on_log(mosquitto*, void* obj, int level, const char* text) {
    if (level == MOSQ_LOG_ERR && text) {
      self(obj).log_error = text;
    }
  }

  // One turn of the network loop; throws when the connection failed.
  void turn(int timeout_ms) {
    const int rc = mosquitto_loop(m.get(), timeout_ms, 1);
    last_loop = Clock::now();
    if (rc != MOSQ_ERR_SUCCESS && error.empty()) {
      error = where + ": " + loop_error_text(rc, connected, log_error);
    }
    if (!error.empty()) {
      throw Error(error);
    }
  }
};

MqttPublisher::MqttPublisher(const MqttConnect& c) : m(std::make_unique<Impl>()) {
  init_library();
  Impl& p = *m;
  p.c = c;
  p.where = c.host + ":" + std::to_string(c.port);
  p.m.reset(mosquitto_new(c.client_id.empty() ? nullptr : c.client_id.c_str(), true, &p));
  if (!p.m) {
    throw Error(std::string("cannot create an MQTT client: ") + std::strerror(errno));
  }
  mosquitto_connect_callback_set(p.m.get(), &Impl::on_connect);
  mosquitto_publish_callback_set(p.m.get(), &Impl::on_publish);
  mosquitto_disconnect_callback_set(p.m.get(), &Impl::on_disconnect);
  mosquitto_log_callback_set(p.m.get(), &Impl::on_log);
  mosquitto_max_inflight_messages_set(p.m.get(), 256);
  if (std::string e = configure_client(p.m.get(), c); !e.empty()) {
    throw Error(p.where + ": " + e);
  }
  const Clock::time_point deadline = after(Clock::now(), c.connect_timeout);
  if (int rc = mosquitto_connect_async(p.m.get(), c.host.c_str(), c.port, 60); rc != MOSQ_ERR_SUCCESS) {
    throw Error(p.where + ": " + loop_error_text(rc, false, p.log_error));
  }
  while (!p.connected) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      throw Error(p.where + ": no answer from the broker within " + seconds_text(c.connect_timeout) + " s");
    }
    p.turn(int(std::clamp<long long>(left, 1, 200)));
  }
}

MqttPublisher::~MqttPublisher() {
  if (m && m->m && m->connected && !m->closing) {
    m->closing = true;
    mosquitto_disconnect(m->m.get()); // an error path: what was not sent is lost
  }
}

void MqttPublisher::publish(const std::string& topic, std::string_view payload, int qos) {
  Impl& p = *m;
  if (!p.error.empty()) {
    throw Error(p.error);
  }
  const int rc = mosquitto_publish(p.m.get(), nullptr, topic.c_str(), int(payload.size()), payload.data(), qos, false);
  if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8 || rc == MOSQ_ERR_PAYLOAD_SIZE) {
    throw Error(p.where + ": cannot publish to '" + topic + "': " + error_text(rc));
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    throw Error(p.where + ": " + (p.error.empty() ? loop_error_text(rc, p.connected, p.log_error) : p.error));
  }
  ++p.sent;
  // Keep-alive and acknowledgements: a turn of the loop every second, and
  // whenever too many messages wait.
  if (Clock::now() - p.last_loop > std::chrono::seconds(1)) {
    p.turn(0);
  }
  while (p.sent - p.done > k_max_pending) {
    p.turn(100);
  }
}

void MqttPublisher::idle() {
  if (Clock::now() - m->last_loop > std::chrono::milliseconds(500)) {
    m->turn(0);
  }
}

void MqttPublisher::close(double timeout) {
  Impl& p = *m;
  const Clock::time_point deadline = after(Clock::now(), timeout);
  while (p.done < p.sent || mosquitto_want_write(p.m.get())) {
    if (Clock::now() >= deadline) {
      throw Error(p.where + ": " + std::to_string(p.sent - p.done) + " messages not acknowledged within " +
                  seconds_text(timeout) + " s");
    }
    p.turn(100);
  }
  p.closing = true;
  mosquitto_disconnect(p.m.get());
  mosquitto_loop(p.m.get(), 0, 1); // writes the DISCONNECT; the connection is gone after it
}

uint64_t MqttPublisher::published() const { return m->sent; }

std::string mqtt_topic_level(std::string_view text) {
  const bool utf8 = mosquitto_validate_utf8(text.data(), int(std::min<size_t>(text.size(), 65535))) == MOSQ_ERR_SUCCESS;
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    out += (ch == '/' || ch == '+' || ch == '#' || u < 0x20 || u == 0x7f || (u > 0x7f && !utf8)) ? '_' : ch;
  }
  return out.empty() ? "_" : out;
}

MqttCollected mqtt_collect(const MqttConnect& c, const std::function<void(MqttMessage&&)>& sink) {
  return Collector(c, sink).run();
}

bool mqtt_filter_valid(const std::string& filter) {
  return !filter.empty() && mosquitto_sub_topic_check(filter.c_str()) == MOSQ_ERR_SUCCESS;
}

} // namespace twinctl::io
