#include "lib/live/formats/mapping.hpp"

#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <charconv>
#include <cmath>

namespace twinctl::live::detail {

// ---------------------------------------------------------------------------
// Default mappings: per adapter, per key, JSON pointers into one device's
// document; '|' separates alternatives and the first present scalar wins. A
// twin Source's `mapping` replaces a key's pointers (one pointer; "" = off).
// Keys: the observation fields, plus observed_at and online.
//
// MQTT captures: which topics map to what (see CaptureReader):
//   plain-json  any other topic; a JSON object payload goes through the
//               table below, its other numeric leaves become metrics; a scalar
//               payload on ".../X" is read as {"X": payload}, except on
//               availability/online/lwt/connected topics, which set online.
//               The device is the `live.mqtt` binding, the `device` template,
//               the topic through the last '+' of a Source topic filter, else
//               the deepest level that is an asset id (match.hpp).
//   tasmota     tele|stat/<topic>/LWT -> online; INFO1/INFO2/STATUS2/STATUS5
//               -> firmware, ip; STATE, SENSOR Time -> observed_at; SENSOR
//               numeric leaves -> metrics (TempUnit C/F -> Cel/[degF]).
//   shelly      <id>/online -> online; <id>/status/<component> numeric leaves
//               -> metrics "<component>/<key>"; wifi sta_ip, eth ip -> ip.
//   homie       homie/5/<device>/$state: ready -> online, lost/disconnected ->
//               offline; $localip, $fw/version -> ip, firmware; numeric
//               property values <node>/<property> -> metrics (unit from $description).
//   homeassistant/.../config (discovery) -> no observation; binds its state
//               and availability topics to the device's identifiers, gives
//               payload_available/not_available and the metric unit.
//   sparkplug   spBv1.0/<group>/NBIRTH|NDATA|NDEATH/<node>[/<device>] and
//               D*: BIRTH/DATA online, DEATH offline (NDEATH: its devices
//               too); metrics by name (aliases resolved from the births);
//               numeric metrics outside Properties/ and Node Control/ ->
//               metrics; fields by metric name below. spBv1.0/STATE/<host>
//               -> the host application's online. Protobuf comes later.
//   aws-shadow  $aws/things/<name>/shadow/get/accepted, .../update/documents
//               (current) -> as a shadow document.
// ---------------------------------------------------------------------------
namespace {

struct DefaultPointers {
  std::string_view adapter;
  std::string_view key;
  std::string_view pointers;
};

constexpr DefaultPointers k_default_mappings[] = {
    {"ditto", "status", "/features/status/properties/state"},
    {"ditto", "ip", "/attributes/network/ip"},
    {"ditto", "firmware", "/features/firmware/properties/version"},
    {"ditto", "config_checksum", "/features/config/properties/checksum"},
    {"ditto", "zone", "/attributes/securityZone"},
    {"ditto", "observed_at", "/_modified"},
    // observed_at: the latest metadata.reported.**.timestamp (computed), else /timestamp.
    {"aws-shadow", "status", "/state/reported/status"},
    {"aws-shadow", "ip", "/state/reported/ip|/state/reported/network/ip"},
    {"aws-shadow", "firmware", "/state/reported/firmware|/state/reported/firmware/version"},
    {"aws-shadow", "config_checksum", "/state/reported/config_checksum|/state/reported/configChecksum"},
    {"aws-shadow", "zone", "/state/reported/zone|/state/reported/securityZone"},
    {"aws-shadow", "online", "/state/reported/online|/state/reported/connected"},
    {"azure-twin", "status", "/properties/reported/status"},
    {"azure-twin", "ip", "/properties/reported/ip|/properties/reported/network/ip"},
    {"azure-twin", "firmware",
     "/properties/reported/firmware|/properties/reported/firmware/version|/properties/reported/firmwareVersion"},
    {"azure-twin", "config_checksum", "/properties/reported/config_checksum|/properties/reported/configChecksum"},
    {"azure-twin", "zone", "/tags/securityZone|/properties/reported/zone|/properties/reported/securityZone"},
    {"azure-twin", "observed_at", "/properties/reported/$metadata/$lastUpdated|/lastActivityTime"},
    {"azure-twin", "online", "/connectionState"},
    {"plain-json", "status", "/status|/state"},
    {"plain-json", "ip", "/ip"},
    {"plain-json", "firmware", "/firmware|/fw"},
    {"plain-json", "config_checksum", "/config_checksum|/configChecksum|/cfg"},
    {"plain-json", "zone", "/zone"},
    {"plain-json", "observed_at", "/observed_at|/ts|/timestamp|/time"},
    {"plain-json", "online", "/online"},
    {"tasmota", "ip", "/Info2/IPAddress|/StatusNET/IPAddress|/IPAddress"},
    {"tasmota", "firmware", "/Info1/Version|/StatusFWR/Version|/Version"},
    {"tasmota", "observed_at", "/Time|/StatusSNS/Time"},
    {"shelly", "ip", "/sta_ip|/ip"},
    {"homie", "ip", "/$localip"},
    {"homie", "firmware", "/$fw/version"},
    {"sparkplug", "status", "/Status/State|/Properties/Status"},
    {"sparkplug", "ip", "/Properties/IP|/Properties/IP Address"},
    {"sparkplug", "firmware",
     "/Properties/FW|/Properties/Firmware|/Properties/Firmware Version|/Properties/OS Version"},
    {"sparkplug", "config_checksum", "/Properties/Config Checksum"},
    {"sparkplug", "zone", "/Properties/Zone"},
};

} // namespace

const std::set<std::string, std::less<>> k_field_names = {"status", "ip", "firmware", "config_checksum", "zone"};
const std::set<std::string, std::less<>> k_mapping_keys = {"status", "ip",          "firmware", "config_checksum",
                                                           "zone",   "observed_at", "online"};
const std::set<std::string, std::less<>> k_mqtt_profiles = {"plain-json", "tasmota",    "shelly",      "homie",
                                                            "sparkplug",  "aws-shadow", "mqtt-capture"};

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------
std::string escape_token(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view unescape_token(std::string_view raw, std::string& scratch) {
  if (raw.find('~') == std::string_view::npos) {
    return raw;
  }
  scratch.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      scratch += raw[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      scratch += raw[i];
    }
  }
  return scratch;
}

const json* resolve(const json& root, std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') {
    return nullptr;
  }
  const json* cur = &root;
  size_t pos = 1;
  std::string scratch;
  while (true) {
    size_t slash = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    std::string_view token = unescape_token(raw, scratch);
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) {
        return nullptr;
      }
      cur = &*it;
    } else if (cur->is_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec != std::errc() || end != token.data() + token.size() || token.empty() || index >= cur->size()) {
        return nullptr;
      }
      cur = &(*cur)[index];
    } else {
      return nullptr;
    }
    if (slash == std::string_view::npos) {
      return cur;
    }
    pos = slash + 1;
  }
}

std::string number_text(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d); // shortest round-trip form: 4.2, 71.3, 1412
  return std::string(buf, r.ptr);
}

std::optional<std::string> scalar_text(const json& v) {
  switch (v.type()) {
  case json::value_t::string:
    return v.get_ref<const std::string&>();
  case json::value_t::boolean:
    return std::string(v.get<bool>() ? "true" : "false");
  case json::value_t::number_integer:
    return std::to_string(v.get<int64_t>());
  case json::value_t::number_unsigned:
    return std::to_string(v.get<uint64_t>());
  case json::value_t::number_float:
    if (!std::isfinite(v.get<double>())) {
      return std::nullopt;
    }
    return number_text(v.get<double>());
  default:
    return std::nullopt;
  }
}

std::optional<double> number_of(const json& v) {
  if (!v.is_number()) {
    return std::nullopt;
  }
  double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::optional<int64_t> time_of_text(std::string_view s) {
  std::optional<int64_t> t = util::parse_timestamp(s);
  if (t && (*t < k_min_time || *t > k_max_time)) {
    return std::nullopt;
  }
  return t;
}

std::optional<int64_t> time_of_number(double d) {
  double s = std::fabs(d) >= 1e11 ? d / 1000 : d;
  if (s >= double(k_min_time) && s <= double(k_max_time)) {
    return static_cast<int64_t>(std::floor(s));
  }
  return std::nullopt;
}

std::optional<int64_t> time_of(const json& v) {
  if (v.is_string()) {
    return time_of_text(v.get_ref<const std::string&>());
  }
  if (auto d = number_of(v)) {
    return time_of_number(*d);
  }
  return std::nullopt;
}

void latest(std::optional<int64_t>& acc, std::optional<int64_t> t) {
  if (t && (!acc || *t > *acc)) {
    acc = t;
  }
}

std::optional<bool> online_of(const json& v) {
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    if (v.get<int64_t>() == 0 || v.get<int64_t>() == 1) {
      return v.get<int64_t>() == 1;
    }
    return std::nullopt;
  }
  if (!v.is_string()) {
    return std::nullopt;
  }
  return online_of_text(v.get_ref<const std::string&>());
}

std::optional<bool> online_of_text(std::string_view text) {
  std::string s = util::to_lower(util::trim(text));
  static const std::set<std::string, std::less<>> k_up = {"online", "true", "connected", "ready", "up", "1", "yes"};
  static const std::set<std::string, std::less<>> k_down = {"offline", "false", "disconnected", "lost", "down",
                                                            "0",       "no"};
  if (k_up.count(s)) {
    return true;
  }
  if (k_down.count(s)) {
    return false;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Mapping a document to an observation
// ---------------------------------------------------------------------------
Mapping mapping_for(const Ctx& c, std::string_view adapter, bool apply_overrides) {
  Mapping m;
  for (const DefaultPointers& d : k_default_mappings) {
    if (d.adapter == adapter) {
      m[std::string(d.key)] = util::split(d.pointers, '|');
    }
  }
  if (!c.source || !apply_overrides) {
    return m;
  }
  std::string where = c.source->loc.known() ? c.source->loc.str() + ": " : std::string();
  for (const auto& [key, pointer] : c.source->mapping) {
    if (!k_mapping_keys.count(key)) {
      throw Error(where + "source '" + c.source->id + "': unknown mapping key '" + key +
                  "' (expected status, ip, firmware, config_checksum, zone, observed_at or online)");
    }
    if (!pointer.empty() && pointer[0] != '/') {
      throw Error(where + "source '" + c.source->id + "': mapping '" + key +
                  "' must be a JSON pointer (\"/a/b\"), not '" + pointer + "'");
    }
    m[key] = pointer.empty() ? std::vector<std::string>{} : std::vector<std::string>{pointer};
  }
  return m;
}

Applied apply_mapping(const json& doc, const Mapping& m, model::Observation& o) {
  Applied a;
  for (const auto& [key, pointers] : m) {
    for (const std::string& p : pointers) {
      const json* v = resolve(doc, p);
      if (!v) {
        continue;
      }
      if (key == "observed_at") {
        if (auto t = time_of(*v)) {
          a.time = t;
          a.used.insert(p);
          break;
        }
      } else if (key == "online") {
        if (auto b = online_of(*v)) {
          o.online = b;
          a.used.insert(p);
          break;
        }
      } else if (auto s = scalar_text(*v)) {
        o.fields[key] = *s;
        a.used.insert(p);
        break;
      }
    }
  }
  return a;
}

void add_metrics(const json& obj, const std::string& base, const std::string& rel, const std::string& prefix,
                 const MetricRules& r, model::Observation& o) {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();
    if (r.skip && r.skip(key)) {
      continue;
    }
    std::string child_rel = rel + "/" + escape_token(key);
    std::string name = prefix + key;
    const json& v = item.value();
    if (v.is_object()) {
      add_metrics(v, base, child_rel, name + "/", r, o);
      continue;
    }
    auto d = number_of(v);
    if (!d || (r.used && r.used->count(base + child_rel))) {
      continue;
    }
    model::Metric m;
    m.value = *d;
    m.ts = r.ts ? r.ts(child_rel) : std::string();
    m.unit = r.unit ? r.unit(name, obj, key) : std::string();
    o.metrics[name] = std::move(m);
  }
}

void add_desired(const json& obj, const std::string& reported_base, const std::string& rel, const std::string& prefix,
                 const std::map<std::string, std::string>& field_of_pointer, model::Observation& o) {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();
    if (!key.empty() && key[0] == '$') {
      continue; // Azure $metadata, $version
    }
    std::string child_rel = rel + "/" + escape_token(key);
    if (item.value().is_object()) {
      add_desired(item.value(), reported_base, child_rel, prefix + key + "/", field_of_pointer, o);
      continue;
    }
    std::optional<std::string> text =
        item.value().is_array() ? std::optional<std::string>(item.value().dump()) : scalar_text(item.value());
    if (!text) {
      continue;
    }
    auto f = field_of_pointer.find(reported_base + child_rel);
    o.desired[f != field_of_pointer.end() ? f->second : prefix + key] = *text;
  }
}

std::map<std::string, std::string> fields_by_pointer(const Mapping& m) {
  std::map<std::string, std::string> out;
  for (const auto& [key, pointers] : m) {
    if (k_field_names.count(key)) {
      for (const std::string& p : pointers) {
        out.emplace(p, key);
      }
    }
  }
  return out;
}

std::string format_time(std::optional<int64_t> t) { return t ? util::format_timestamp(*t) : std::string(); }

} // namespace twinctl::live::detail
