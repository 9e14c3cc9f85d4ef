// The MQTT profiles of CaptureReader: plain-json, Tasmota, Shelly, Homie,
// AWS shadow topics and Sparkplug B (its JSON representation).
#include "lib/live/mqtt/capture.hpp"

#include "lib/live/formats/readers.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/values.hpp"

#include <algorithm>

namespace twinctl::live::detail {

namespace {

// Sets root[tokens...] = value when no leaf or non-object is in the way.
void set_path(json& root, const std::vector<std::string>& tokens, json value) {
  if (root.is_null()) {
    root = json::object();
  }
  json* cur = &root;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!cur->is_object()) {
      return;
    }
    json& next = (*cur)[tokens[i]];
    if (i + 1 == tokens.size()) {
      if (!next.is_object() || next.empty()) {
        next = std::move(value);
      }
      return;
    }
    if (next.is_null()) {
      next = json::object();
    }
    cur = &next;
  }
}

std::string tasmota_unit(const std::string& key, const json& payload) {
  auto unit_of = [&](const char* unit_key, const char* fallback) -> std::string {
    auto u = payload.find(unit_key);
    std::string s = u != payload.end() && u->is_string() ? u->get<std::string>() : fallback;
    if (s == "C") {
      return "Cel";
    }
    if (s == "F") {
      return "[degF]";
    }
    return s;
  };
  if (key == "Temperature" || key == "DewPoint") {
    return unit_of("TempUnit", "C");
  }
  if (key == "Humidity") {
    return "%";
  }
  if (key == "Pressure") {
    return unit_of("PressureUnit", "hPa");
  }
  return "";
}

std::string shelly_unit(const std::string& key) {
  static const std::map<std::string, std::string, std::less<>> k_units = {
      {"apower", "W"},  {"voltage", "V"}, {"current", "A"}, {"tC", "Cel"},
      {"tF", "[degF]"}, {"freq", "Hz"},   {"total", "Wh"},  {"rssi", "dBm"}};
  auto it = k_units.find(key);
  return it == k_units.end() ? std::string() : it->second;
}

} // namespace

void CaptureReader::dispatch(const Message& msg) {
  const std::string& p = msg.profile;
  if (p == "homeassistant") {
    return;
  }
  if (p == "sparkplug") {
    sparkplug(msg);
  } else if (p == "aws-shadow") {
    aws_shadow(msg);
  } else if (p == "homie") {
    homie(msg);
  } else if (p == "tasmota") {
    tasmota(msg);
  } else if (p == "shelly") {
    shelly(msg);
  } else {
    plain_json(msg);
  }
}

std::string CaptureReader::last_level_lower(const Message& msg) {
  return msg.levels.empty() ? std::string() : util::to_lower(msg.levels.back());
}

void CaptureReader::plain_json(const Message& msg) {
  Device& d = device(msg, identify(msg, ""), "plain-json");
  latest(d.time, msg.received);
  const HaTopic* ha = nullptr;
  if (auto h = m_ha.find(msg.topic); h != m_ha.end()) {
    ha = &h->second;
  }
  if (msg.fast) {
    plain_json_fast(msg, d, ha);
    return;
  }
  json scalar;
  const json* body = nullptr;
  if (msg.is_text) {
    scalar = msg.text;
    body = &scalar;
  } else {
    body = &msg.body();
  }
  if (!body->is_object()) {
    // One value per topic: availability, else {"<last level>": value}.
    static const std::set<std::string, std::less<>> k_availability = {"availability", "online",     "lwt",
                                                                      "connected",    "connection", "connectivity"};
    if (ha && ha->availability && body->is_string()) {
      const std::string& s = body->get_ref<const std::string&>();
      if (s == ha->available || s == ha->not_available) {
        d.obs.online = s == ha->available;
      }
      return;
    }
    std::string last = last_level_lower(msg);
    if (k_availability.count(last)) {
      if (auto on = online_of(*body)) {
        d.obs.online = on;
      }
      return;
    }
    json wrapped = {{msg.levels.empty() ? std::string() : msg.levels.back(), *body}};
    Applied a = apply_mapping(wrapped, mapping("plain-json"), d.obs);
    latest(d.time, a.time);
    std::string key = msg.levels.empty() ? std::string() : msg.levels.back();
    if (a.used.empty()) {
      std::optional<double> v = number_of(*body);
      if (!v && body->is_string()) {
        v = util::parse_number(util::trim(body->get_ref<const std::string&>()));
      }
      if (v) {
        model::Metric m;
        m.value = *v;
        m.ts = format_time(msg.received);
        if (ha && ha->units.count("")) {
          m.unit = ha->units.at("");
        }
        d.obs.metrics[key] = std::move(m);
      }
    }
    return;
  }
  Applied a = apply_mapping(*body, mapping("plain-json"), d.obs);
  latest(d.time, a.time);
  std::string ts = format_time(a.time ? a.time : msg.received); // once per message, not per metric
  MetricRules r;
  r.used = &a.used;
  r.ts = [&ts](const std::string&) { return ts; };
  r.unit = [ha](const std::string& name, const json&, const std::string&) {
    if (ha) {
      if (auto u = ha->units.find(name); u != ha->units.end()) {
        return u->second;
      }
    }
    return std::string();
  };
  add_metrics(*body, "", "", "", r, d.obs);
}

// plain_json() of an object payload the fast path mapped.
void CaptureReader::plain_json_fast(const Message& msg, Device& d, const HaTopic* ha) {
  const FastPayload& p = *msg.fast;
  for (const auto& [key, value] : p.fields) {
    d.obs.fields[key] = value;
  }
  if (p.online) {
    d.obs.online = p.online;
  }
  latest(d.time, p.time);
  std::string ts = format_time(p.time ? p.time : msg.received);
  for (const auto& [name, value] : p.metrics) {
    model::Metric& m = d.obs.metrics[name];
    m.value = value;
    m.ts = ts;
    m.unit.clear();
    if (ha) {
      if (auto u = ha->units.find(name); u != ha->units.end()) {
        m.unit = u->second;
      }
    }
  }
}

void CaptureReader::tasmota(const Message& msg) {
  // tele|stat|cmnd/<topic>/<command>; commands are not state.
  if (msg.levels.size() < 3 || msg.levels[0] == "cmnd") {
    return;
  }
  Device& d = device(msg, identify(msg, msg.levels[1]), "tasmota");
  latest(d.time, msg.received);
  const std::string& cmd = msg.levels[2];
  if (msg.is_text) {
    if (cmd == "LWT") {
      if (auto on = online_of(json(msg.text))) {
        d.obs.online = on;
      }
    }
    return;
  }
  const json& body = msg.body();
  if (!body.is_object()) {
    return;
  }
  Applied a = apply_mapping(body, mapping("tasmota"), d.obs);
  latest(d.time, a.time);
  if (cmd == "SENSOR") {
    std::optional<int64_t> t = a.time ? a.time : msg.received;
    MetricRules r;
    r.used = &a.used;
    r.ts = [t](const std::string&) { return format_time(t); };
    r.unit = [&body](const std::string&, const json&, const std::string& key) { return tasmota_unit(key, body); };
    add_metrics(body, "", "", "", r, d.obs);
  }
}

void CaptureReader::shelly(const Message& msg) {
  if (msg.levels.size() < 2) {
    return;
  }
  Device& d = device(msg, identify(msg, msg.levels[0]), "shelly");
  latest(d.time, msg.received);
  if (msg.levels.size() == 2) {
    if (auto on = online_of(msg.is_text ? json(msg.text) : msg.body())) {
      d.obs.online = on;
    }
    return;
  }
  if (msg.levels.size() != 3 || msg.is_text || !msg.body().is_object()) {
    return;
  }
  const json& body = msg.body();
  Applied a = apply_mapping(body, mapping("shelly"), d.obs);
  latest(d.time, a.time);
  MetricRules r;
  r.used = &a.used;
  r.skip = [](std::string_view key) { return key == "id"; };
  std::optional<int64_t> t = msg.received;
  r.ts = [t](const std::string&) { return format_time(t); };
  r.unit = [](const std::string&, const json&, const std::string& key) { return shelly_unit(key); };
  add_metrics(body, "", "", msg.levels[2] + "/", r, d.obs);
}

void CaptureReader::homie(const Message& msg) {
  // homie/5/<device>/... (Homie 5); homie/<device>/... (Homie 3 and 4).
  if (msg.levels.size() < 3) {
    return;
  }
  size_t dev = msg.levels[1] == "5" ? 2 : 1;
  if (msg.levels.size() <= dev + 1) {
    return;
  }
  Device& d = device(msg, identify(msg, msg.levels[dev]), "homie");
  latest(d.time, msg.received);
  std::vector<std::string> rest(msg.levels.begin() + static_cast<std::ptrdiff_t>(dev) + 1, msg.levels.end());
  json value = msg.is_text ? json(msg.text) : msg.body();
  if (rest.size() == 1 && rest[0] == "$state" && value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s == "ready") {
      d.obs.online = true;
    } else if (s == "lost" || s == "disconnected") {
      d.obs.online = false;
    }
  }
  if (!rest[0].empty() && rest[0][0] != '$' && value.is_string()) {
    if (auto v = util::parse_number(util::trim(value.get_ref<const std::string&>()))) {
      model::Metric m;
      m.value = *v;
      m.ts = format_time(msg.received);
      d.obs.metrics[util::join(rest, "/")] = std::move(m);
    }
  }
  set_path(d.attrs, rest, std::move(value));
  d.attrs_profile = "homie";
}

void CaptureReader::aws_shadow(const Message& msg) {
  // $aws/things/<thing>/shadow[/name/<shadow>]/get/accepted | update/documents
  if (msg.levels.size() < 5 || msg.levels[0] != "$aws" || msg.is_text) {
    return;
  }
  std::string tail = msg.levels[msg.levels.size() - 2] + "/" + msg.levels.back();
  const json* doc = nullptr;
  Path where = at(msg.where(), "payload");
  if (tail == "get/accepted") {
    doc = &msg.body();
  } else if (tail == "update/documents" && msg.body().is_object() && msg.body().contains("current")) {
    doc = &msg.body()["current"];
    where = at(where, "current");
  } else {
    return;
  }
  const std::string& thing = msg.levels[2];
  model::Observation o = read_shadow(m_c, mapping("aws-shadow"), *doc, where, thing);
  Device& d = device(msg, o.asset, thing, "aws-shadow");
  std::optional<int64_t> t = util::parse_timestamp(o.observed_at);
  latest(d.time, t);
  o.ref = d.obs.ref;
  d.obs = std::move(o);
}

void CaptureReader::sparkplug(const Message& msg) {
  std::vector<std::string> l = msg.levels;
  if (l.size() > 2 && l[0] == "$sparkplug") {
    l.erase(l.begin(), l.begin() + 2); // retained birth certificates (Sparkplug 3.0)
  }
  if (l.size() < 3 || l[0] != "spBv1.0") {
    return;
  }
  Path pwhere = at(msg.where(), "payload");
  if (msg.is_text || !msg.body().is_object()) {
    m_c.doc.fail(pwhere, "a Sparkplug payload must be an object");
  }
  const json& body = msg.body();
  if (l[1] == "STATE") {
    // spBv1.0/STATE/<host application>: {"online": bool, "timestamp": ms}
    std::string host = l[2];
    Device& d = device(msg, m_c.matcher.match_sparkplug(host), host, "sparkplug");
    if (auto on = body.find("online"); on != body.end() && on->is_boolean()) {
      d.obs.online = on->get<bool>();
    }
    if (auto ts = body.find("timestamp"); ts != body.end()) {
      latest(d.time, time_of(*ts));
    }
    return;
  }
  if (l.size() < 4) {
    return;
  }
  const std::string& type = l[2];
  bool node_msg = type == "NBIRTH" || type == "NDATA" || type == "NDEATH";
  bool device_msg = type == "DBIRTH" || type == "DDATA" || type == "DDEATH";
  if ((!node_msg && !device_msg) || (node_msg && l.size() != 4) || (device_msg && l.size() != 5)) {
    return; // NCMD/DCMD are commands, not state
  }
  std::string node = l[1] + "/" + l[3];
  std::string ref = device_msg ? node + "/" + l[4] : node;
  std::string asset = m_c.matcher.match_sparkplug(ref);
  Device& d = device(msg, asset, ref, "sparkplug");
  std::string key = asset.empty() ? "r\x1f" + ref : "a\x1f" + asset;
  m_node_devices[node].insert(key);
  std::optional<int64_t> ptime;
  if (auto ts = body.find("timestamp"); ts != body.end()) {
    ptime = time_of(*ts);
  }
  latest(d.time, ptime);
  bool birth = type == "NBIRTH" || type == "DBIRTH";
  bool death = type == "NDEATH" || type == "DDEATH";
  if (birth) {
    d.attrs = json::object(); // a birth certificate is the whole state
    d.obs.metrics.clear();
  }
  d.obs.online = !death;
  if (type == "NDEATH") {
    // A node's death is its devices' death too.
    for (const std::string& k : m_node_devices[node]) {
      m_devices[k].obs.online = false;
    }
  }
  const json* metrics = member(m_c.doc, body, pwhere, "metrics", Kind::array);
  if (!metrics) {
    return;
  }
  for (size_t i = 0; i < metrics->size(); ++i) {
    const json& m = (*metrics)[i];
    Path mw = at(at(pwhere, "metrics"), std::to_string(i));
    if (!m.is_object()) {
      m_c.doc.fail(mw, "a Sparkplug metric must be an object, not " + describe(m));
    }
    const json* name = member(m_c.doc, m, mw, "name", Kind::string);
    const json* alias = member(m_c.doc, m, mw, "alias", Kind::integer);
    std::string alias_key = alias ? node + "#" + std::to_string(alias->get<int64_t>()) : std::string();
    std::string metric_name;
    if (name) {
      metric_name = name->get<std::string>();
      if (alias && birth) {
        m_aliases[alias_key] = metric_name;
      }
    } else if (alias) {
      auto it = m_aliases.find(alias_key);
      if (it == m_aliases.end()) {
        continue; // an alias without a birth in the capture
      }
      metric_name = it->second;
    } else {
      continue;
    }
    auto value = m.find("value");
    if (value == m.end() || (m.contains("is_null") && m["is_null"] == true)) {
      continue;
    }
    std::optional<int64_t> mtime = ptime;
    if (auto ts = m.find("timestamp"); ts != m.end()) {
      mtime = time_of(*ts);
    }
    latest(d.time, mtime);
    set_path(d.attrs, util::split(metric_name, '/'), *value);
    d.attrs_profile = "sparkplug";
    bool internal = metric_name == "bdSeq" || metric_name.rfind("Properties/", 0) == 0 ||
                    metric_name.rfind("Node Control/", 0) == 0 || metric_name.rfind("Device Control/", 0) == 0;
    if (auto v = number_of(*value); v && !internal) {
      model::Metric metric;
      metric.value = *v;
      metric.ts = format_time(mtime);
      if (const json* props = resolve(m, "/properties/engUnit/value"); props && props->is_string()) {
        metric.unit = props->get<std::string>();
      }
      d.obs.metrics[metric_name] = std::move(metric);
    }
  }
}

std::string CaptureReader::finish() {
  std::vector<std::pair<const std::string*, Device*>> sorted;
  sorted.reserve(m_devices.size());
  for (auto& [key, d] : m_devices) {
    sorted.emplace_back(&key, &d);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
  m_c.observations.reserve(m_c.observations.size() + m_devices.size());
  for (auto [key, device] : sorted) {
    Device& d = *device;
    if (!d.attrs.empty()) {
      Applied a = apply_mapping(d.attrs, mapping(d.attrs_profile), d.obs);
      latest(d.time, a.time);
    }
    if (d.attrs_profile == "homie") {
      homie_units(d);
    }
    d.obs.observed_at = format_time(d.time);
    m_c.observations.push_back(std::move(d.obs));
  }
  if (!m_forced.empty()) {
    return m_forced;
  }
  return m_profiles.size() == 1 ? *m_profiles.begin() : "mqtt-capture";
}

// Homie 5 $description: nodes.<node>.properties.<property>.unit
void CaptureReader::homie_units(Device& d) {
  const json* desc = resolve(d.attrs, "/$description");
  if (!desc || !desc->is_object()) {
    return;
  }
  for (auto& [name, m] : d.obs.metrics) {
    std::vector<std::string> parts = util::split(name, '/');
    if (parts.size() != 2) {
      continue;
    }
    std::string ptr = "/nodes/" + escape_token(parts[0]) + "/properties/" + escape_token(parts[1]) + "/unit";
    if (const json* unit = resolve(*desc, ptr); unit && unit->is_string()) {
      m.unit = unit->get<std::string>();
    }
  }
}

} // namespace twinctl::live::detail
