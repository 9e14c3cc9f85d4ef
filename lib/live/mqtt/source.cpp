#include "lib/live/mqtt/source.hpp"

#include "lib/io/mqtt.hpp"
#include "lib/live/formats/live_files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/url.hpp"
#include "lib/util/values.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <utility>
#include <unistd.h>

namespace twinctl::live {

namespace {

const std::set<std::string, std::less<>> k_profiles = {"plain-json", "sparkplug", "aws-shadow",
                                                       "tasmota",    "homie",     "shelly"};
// Settings a Source's `options` (or the URL's query) may hold.
const std::set<std::string, std::less<>> k_option_keys = {
    "settle_seconds", "timeout_seconds", "connect_timeout_seconds", "client_id", "qos", "shadow_get", "device"};

// MQTT URLs have no fragment: a '#' after the host is the multi-level wildcard
// of the topic filter ("mqtt://host/plant/#?profile=tasmota").
std::string escape_hash(const std::string& endpoint) {
  size_t scheme = endpoint.find("://");
  size_t path = scheme == std::string::npos ? std::string::npos : endpoint.find('/', scheme + 3);
  if (path == std::string::npos) {
    return endpoint;
  }
  std::string out = endpoint.substr(0, path);
  for (size_t i = path; i < endpoint.size(); ++i) {
    out += endpoint[i] == '#' ? std::string("%23") : std::string(1, endpoint[i]);
  }
  return out;
}

// Where a setting came from, for messages.
struct Origin {
  const std::map<std::string, std::string>* values = nullptr;
  std::string where; // "source 'x' (sources/x.yaml:3:1)" or "--live mqtt://..."
};

std::string lookup(const std::vector<Origin>& origins, const std::string& key, std::string* where) {
  for (const Origin& o : origins) {
    if (auto it = o.values->find(key); it != o.values->end()) {
      *where = o.where;
      return it->second;
    }
  }
  return "";
}

void check_keys(const Origin& o, const std::set<std::string, std::less<>>& allowed) {
  for (const auto& [key, value] : o.values ? *o.values : std::map<std::string, std::string>{}) {
    if (!allowed.count(key)) {
      std::string keys;
      for (const auto& k : allowed) {
        keys += (keys.empty() ? "" : ", ") + k;
      }
      throw Error(o.where + ": unknown MQTT option '" + key + "' (expected " + keys + ")");
    }
  }
}

// A setting in seconds: the command line when the user changed it, else the
// source's (URL, then Source options), else the command line's default.
double seconds(const std::vector<Origin>& origins, const std::string& key, double given, double default_value) {
  std::string where;
  std::string text = lookup(origins, key, &where);
  if (given != default_value || text.empty()) {
    return given;
  }
  std::optional<double> v = util::parse_number(text);
  if (!v || !(*v > 0) || *v > 86400) {
    throw Error(where + ": " + key + " must be a number of seconds > 0 (and at most 86400), not '" + text + "'");
  }
  return *v;
}

std::string random_client_id() {
  std::random_device rd;
  char buf[64];
  std::snprintf(buf, sizeof buf, "twinctl-%ld-%06x", long(::getpid()), unsigned(rd() & 0xffffff));
  return buf;
}

void check_file(const std::string& path, const char* what) {
  std::error_code ec;
  if (!path.empty() && !std::filesystem::is_regular_file(path, ec)) {
    throw Error(std::string(what) + " '" + path + "' is not a readable file");
  }
}

struct Settings {
  io::MqttConnect connect;
  std::string profile;  // empty = by topic
  std::string endpoint; // without credentials
  bool shadow_get = false;
  std::string device;   // the device template; empty = the topic through its filter's last '+'
};

// The things whose shadows an aws-shadow `get` asks for: the assets bound with `live: {aws: THING}`,
// else (no asset has such a binding) every asset by its id.
std::vector<std::string> shadow_get_topics(const model::Twin& twin) {
  std::vector<std::string> things;
  for (const model::Asset& a : twin.assets) {
    if (auto it = a.live.find("aws"); it != a.live.end() && !it->second.empty()) {
      things.push_back(it->second);
    }
  }
  if (things.empty()) {
    for (const model::Asset& a : twin.assets) {
      things.push_back(a.id);
    }
  }
  std::sort(things.begin(), things.end());
  things.erase(std::unique(things.begin(), things.end()), things.end());
  // AWS thing names are 1-128 of [a-zA-Z0-9:_-]. Skipping another name would leave its asset
  // unasked, then reported missing: it is the user's error (exit 2) instead.
  std::vector<std::string> topics;
  for (const std::string& t : things) {
    bool valid = !t.empty() && t.size() <= 128 && std::all_of(t.begin(), t.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '-';
    });
    if (!valid) {
      throw Error("--aws-shadow-get: '" + t + "' is not an AWS thing name (1 to 128 of a-z A-Z 0-9 : _ -); " +
                  "bind the asset with live: {aws: THING}");
    }
    topics.push_back("$aws/things/" + t + "/shadow/get");
  }
  return topics;
}

Settings settings_for(const SourceSpec& spec, const LiveOptions& options) {
  util::Url url = util::parse_url(escape_hash(spec.endpoint));
  Settings s;
  s.endpoint = util::redact_url(spec.endpoint);
  std::vector<Origin> origins;
  std::map<std::string, std::string> query = url.query;
  query.erase("profile");
  origins.push_back({&query, "--live " + s.endpoint});
  check_keys(origins.back(), k_option_keys);
  if (spec.source) {
    std::string at = spec.source->loc.known() ? " (" + spec.source->loc.str() + ")" : "";
    origins.push_back({&spec.source->options, "source '" + spec.source->id + "'" + at});
    check_keys(origins.back(), k_option_keys);
  }

  // The profile: the URL's ?profile=, else the command line's adapter when it names an MQTT
  // profile (it may be meant for the HTTP sources of the run), else the Source's; else by topic.
  bool cli_profile = k_profiles.count(options.adapter) || options.adapter == "auto";
  s.profile = url.query.count("profile") ? url.query.at("profile")
              : cli_profile              ? options.adapter
              : spec.source              ? spec.source->adapter
                                         : "";
  if (s.profile == "auto") {
    s.profile.clear();
  }
  if (!s.profile.empty() && !k_profiles.count(s.profile)) {
    throw Error("--live " + s.endpoint + ": unknown MQTT profile '" + s.profile +
                "' (expected plain-json, sparkplug, aws-shadow, tasmota, homie, shelly or auto)");
  }

  io::MqttConnect& c = s.connect;
  c.host = url.host;
  c.tls = url.scheme == "mqtts";
  c.port = url.port ? url.port : (c.tls ? 8883 : 1883);
  std::string where;
  std::string shadow_get = lookup(origins, "shadow_get", &where);
  if (!shadow_get.empty() && shadow_get != "true" && shadow_get != "false") {
    throw Error(where + ": shadow_get must be true or false, not '" + shadow_get + "'");
  }
  s.shadow_get = options.aws_shadow_get || shadow_get == "true";
  if (s.shadow_get && s.profile != "aws-shadow") {
    throw Error("--live " + s.endpoint + ": the AWS shadow get request needs the aws-shadow profile (?profile=aws-shadow)");
  }
  c.filters = spec.source && !spec.source->topics.empty() ? spec.source->topics
              : !url.path.empty()                         ? std::vector<std::string>{url.path}
              : s.shadow_get                              ? std::vector<std::string>{}
                                                          : std::vector<std::string>{"#"};
  if (s.shadow_get) {
    // Where the answers come; the user's filters may hold other shadow topics (update/documents).
    for (const char* answers : {"$aws/things/+/shadow/get/accepted", "$aws/things/+/shadow/get/rejected"}) {
      if (std::find(c.filters.begin(), c.filters.end(), answers) == c.filters.end()) {
        c.filters.push_back(answers);
      }
    }
  }
  for (const std::string& f : c.filters) {
    if (!io::mqtt_filter_valid(f)) {
      throw Error("--live " + s.endpoint + ": invalid MQTT topic filter '" + f +
                  "' ('+' and '#' must fill a whole level, '#' only last)");
    }
  }
  s.device = lookup(origins, "device", &where);
  if (!s.device.empty()) {
    try {
      DeviceTemplate check(s.device);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
  }
  LiveOptions defaults;
  c.settle = seconds(origins, "settle_seconds", options.settle, defaults.settle);
  c.timeout = seconds(origins, "timeout_seconds", options.timeout, defaults.timeout);
  c.connect_timeout = seconds(origins, "connect_timeout_seconds", options.connect_timeout, defaults.connect_timeout);
  std::string qos = lookup(origins, "qos", &where);
  if (!qos.empty() && qos != "0" && qos != "1" && qos != "2") {
    throw Error(where + ": qos must be 0, 1 or 2, not '" + qos + "'");
  }
  c.qos = qos.empty() ? 0 : qos[0] - '0';
  c.client_id = lookup(origins, "client_id", &where);
  if (c.client_id.empty()) {
    c.client_id = random_client_id();
  } else if (c.client_id.size() > 23 * 1024) {
    throw Error(where + ": client_id is too long");
  }
  if (!c.tls && (!options.ca_file.empty() || !options.cert_file.empty() || options.insecure)) {
    throw Error("--live " + s.endpoint + ": TLS settings (CA, certificate, insecure) need an mqtts:// URL");
  }
  check_file(options.ca_file, "CA file");
  check_file(options.cert_file, "client certificate");
  check_file(options.key_file, "client key");
  c.ca_file = options.ca_file;
  c.cert_file = options.cert_file;
  c.key_file = options.key_file;
  c.insecure = options.insecure;
  return s;
}

// Decodes messages on a thread of its own, fed in batches, so that the network
// loop only reads: with 100k retained topics arriving back to back, reading and
// decoding each take a core.
class DecodeThread {
public:
  explicit DecodeThread(MqttDecoder& decoder) : m_decoder(decoder), m_thread([this] { run(); }) {}
  ~DecodeThread() { join(); }
  DecodeThread(const DecodeThread&) = delete;
  DecodeThread& operator=(const DecodeThread&) = delete;

  void push(io::MqttMessage&& m) {
    m_batch.push_back(std::move(m));
    if (m_batch.size() >= 256) {
      flush();
    }
  }
  // Decodes what is left and waits for the thread; rethrows what escaped the decoder (bad_alloc).
  void finish() {
    join();
    if (m_failure) {
      std::rethrow_exception(std::exchange(m_failure, nullptr));
    }
  }

private:
  void join() {
    flush();
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_done = true;
    }
    m_ready.notify_one();
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }
  void flush() {
    if (m_batch.empty()) {
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_queue.push_back(std::move(m_batch));
    }
    m_batch = {};
    m_ready.notify_one();
  }
  void run() {
    while (true) {
      std::vector<io::MqttMessage> batch;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_ready.wait(lock, [this] { return !m_queue.empty() || m_done; });
        if (m_queue.empty()) {
          return;
        }
        batch = std::move(m_queue.front());
        m_queue.pop_front();
      }
      try {
        for (io::MqttMessage& m : batch) {
          m_decoder.add(std::move(m)); // a bad payload fails the source, it does not throw
        }
      } catch (...) {
        m_failure = std::current_exception();
      }
    }
  }

  MqttDecoder& m_decoder;
  std::vector<io::MqttMessage> m_batch; // the network thread's
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::vector<io::MqttMessage>> m_queue;
  bool m_done = false;
  std::exception_ptr m_failure;
  std::thread m_thread; // last: started once the rest is built
};

} // namespace

model::LiveSnapshot read_mqtt(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options) {
  Settings s = settings_for(spec, options); // the user's mistakes throw: exit 2
  if (s.shadow_get) {
    s.connect.requests = shadow_get_topics(twin);
  }
  Credentials cred = credentials_for(spec);
  s.connect.user = cred.user;
  s.connect.password = cred.password;
  MqttDecoder decoder({spec.name, s.endpoint, s.profile, s.connect.filters, {}, s.device}, twin, matcher);
  io::MqttCollected got;
  {
    DecodeThread decoding(decoder);
    got = io::mqtt_collect(s.connect, [&](io::MqttMessage&& m) { decoding.push(std::move(m)); });
    decoding.finish();
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  model::LiveSnapshot snap;
  if (!got.error.empty()) {
    model::LiveSource src;
    src.name = spec.name;
    src.adapter = s.profile.empty() ? "mqtt" : s.profile;
    src.endpoint = s.endpoint;
    src.ok = false;
    src.error = got.error;
    snap.sources.push_back(std::move(src));
  } else {
    snap = decoder.finish();
  }
  // As HTTP reads: --now stamps the read (reproducible runs), else the clock.
  snap.taken_at = util::format_timestamp(options.taken_at ? *options.taken_at : int64_t(now.count()));
  return snap;
}

} // namespace twinctl::live
