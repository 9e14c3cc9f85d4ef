#include "lib/live/mqtt.hpp"

#include "lib/io/mqtt.hpp"
#include "lib/live/live_files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/url.hpp"
#include "lib/util/values.hpp"

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <unistd.h>

namespace twinctl::live {

namespace {

const std::set<std::string, std::less<>> k_profiles = {"plain-json", "sparkplug", "aws-shadow",
                                                       "tasmota",    "homie",     "shelly"};
// Settings a Source's `options` (or the URL's query) may hold.
const std::set<std::string, std::less<>> k_option_keys = {"settle_seconds", "timeout_seconds",
                                                          "connect_timeout_seconds", "client_id", "qos"};

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
};

Settings settings_for(const SourceSpec& spec, const LiveOptions& options) {
  util::Url url = util::parse_url(escape_hash(spec.endpoint));
  Settings s;
  s.endpoint = util::redact_credentials(spec.endpoint);
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
  c.filters = spec.source && !spec.source->topics.empty() ? spec.source->topics
              : url.path.empty()                          ? std::vector<std::string>{"#"}
                                                          : std::vector<std::string>{url.path};
  for (const std::string& f : c.filters) {
    if (!io::mqtt_filter_valid(f)) {
      throw Error("--live " + s.endpoint + ": invalid MQTT topic filter '" + f +
                  "' ('+' and '#' must fill a whole level, '#' only last)");
    }
  }
  LiveOptions defaults;
  c.settle = seconds(origins, "settle_seconds", options.settle, defaults.settle);
  c.timeout = seconds(origins, "timeout_seconds", options.timeout, defaults.timeout);
  c.connect_timeout = seconds(origins, "connect_timeout_seconds", options.connect_timeout, defaults.connect_timeout);
  std::string where;
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

} // namespace

model::LiveSnapshot read_mqtt(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options) {
  Settings s = settings_for(spec, options); // the user's mistakes throw: exit 2
  Credentials cred = credentials_for(spec);
  s.connect.user = cred.user;
  s.connect.password = cred.password;
  MqttDecoder decoder({spec.name, s.endpoint, s.profile, s.connect.filters, {}}, twin, matcher);
  io::MqttCollected got = io::mqtt_collect(s.connect, [&](io::MqttMessage&& m) { decoder.add(std::move(m)); });
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
  snap.taken_at = util::format_timestamp(now.count());
  return snap;
}

} // namespace twinctl::live
