#include "lib/live/mqtt/capture.hpp"

#include "lib/live/formats/live_files.hpp"
#include "lib/live/mqtt/sparkplug.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <cctype>

namespace twinctl::live {

namespace detail {

namespace {

std::vector<std::string> topic_levels(std::string_view topic) { return util::split(topic, '/'); }

} // namespace

CaptureReader::CaptureReader(Ctx& c, std::string forced, std::vector<std::string> filters, std::string device)
    : m_c(c), m_forced(std::move(forced)), m_filters(std::move(filters)) {
  if (c.source && m_filters.empty()) {
    m_filters = c.source->topics;
  }
  if (c.source && device.empty()) {
    if (auto it = c.source->options.find("device"); it != c.source->options.end()) {
      device = it->second;
    }
  }
  if (!device.empty()) {
    m_device_template = DeviceTemplate(device);
  }
  // Can a subscribed filter bring a homeassistant/.../config topic?
  m_streaming = !m_filters.empty();
  for (const std::string& f : m_filters) {
    std::string_view first = std::string_view(f).substr(0, f.find('/'));
    if (first == "homeassistant" || first == "+" || first == "#") {
      m_streaming = false;
    }
  }
}

// Returns the adapter name the source gets.
std::string CaptureReader::read(const json& root) {
  const json* messages = member(m_c.doc, root, {}, "messages", Kind::array, k_required);
  Path mwhere = {"messages"};
  std::vector<Message> list;
  for (size_t i = 0; i < messages->size(); ++i) {
    if (auto msg = message(*messages, i, at(mwhere, std::to_string(i)))) {
      list.push_back(std::move(*msg));
    }
  }
  return process(list);
}

// Messages received from a broker, in arrival order. Unlike a capture
// file's utf8 payloads, a payload that looks like JSON must be JSON, and a
// payload must be UTF-8 text (Sparkplug: protobuf): a malformed one fails
// the read, naming its topic.
// They come one at a time, as they arrive, so parsing overlaps the wait for the network.
void CaptureReader::add_received(io::MqttMessage&& r) {
  if (auto msg = received_message(std::move(r))) {
    if (m_streaming && msg->profile != "sparkplug" && msg->profile != "homeassistant") {
      dispatch(*msg);
      return;
    }
    m_streaming = false; // from here on, in order, at finish
    m_received.push_back(std::move(*msg));
  }
}

std::string CaptureReader::finish_received() {
  order_sparkplug(m_received);
  return process(m_received);
}

std::string CaptureReader::process(const std::vector<Message>& list) {
  // Discovery configs first: they tell which device a state topic belongs to,
  // whatever order the capture has.
  for (const Message& msg : list) {
    if (msg.profile == "homeassistant") {
      discovery(msg);
    }
  }
  for (const Message& msg : list) {
    dispatch(msg);
  }
  return finish();
}

std::optional<CaptureReader::Message> CaptureReader::message(const json& messages, size_t i, const Path& where) {
  const json& m = messages[i];
  if (!m.is_object()) {
    m_c.doc.fail(where, "a captured message must be an object, not " + describe(m));
  }
  Message msg;
  msg.where_in_file = where;
  msg.topic = required_string(m_c.doc, m, where, "topic");
  msg.levels = topic_levels(msg.topic);
  const json* enc = member(m_c.doc, m, where, "payload_encoding", Kind::string);
  const json* received = member(m_c.doc, m, where, "received_at", Kind::any);
  if (received) {
    msg.received = time_of(*received);
  }
  auto payload = m.find("payload");
  if (payload == m.end() || payload->is_null()) {
    return std::nullopt; // an empty retained message clears the topic
  }
  std::string encoding = enc ? enc->get<std::string>() : (payload->is_string() ? "utf8" : "json");
  if (encoding == "utf8" || encoding == "utf-8" || encoding == "text") {
    if (!payload->is_string()) {
      m_c.doc.fail(at(where, "payload"), "a utf8 payload must be a string, not " + describe(*payload));
    }
    msg.is_text = true;
    msg.text = payload->get<std::string>();
    std::string t = util::trim(msg.text);
    if (!t.empty() && (t[0] == '{' || t[0] == '[') && too_deep_at(t, k_max_depth) == std::string_view::npos) {
      json parsed = json::parse(t, nullptr, false);
      if (!parsed.is_discarded()) {
        msg.parsed = std::move(parsed);
        msg.is_text = false;
      }
    }
  } else if (encoding == "json" || encoding == "sparkplug-b-json-representation" || encoding == "sparkplug-json") {
    msg.payload = &*payload;
  } else if (encoding == "base64" && is_sparkplug_protobuf(msg.levels)) {
    std::optional<std::string> bytes =
        payload->is_string() ? decode_base64(payload->get_ref<const std::string&>()) : std::nullopt;
    if (!bytes) {
      m_c.doc.fail(at(where, "payload"), "a base64 payload must be a base64 string");
    }
    msg.parsed = sparkplug_payload(*bytes, at(where, "payload"));
  } else if (encoding == "base64" || encoding == "hex" || encoding == "binary") {
    return std::nullopt; // other binary payloads map to nothing
  } else {
    m_c.doc.fail(at(where, "payload_encoding"), "unsupported payload_encoding '" + encoding +
                                                    "' (expected utf8, json or sparkplug-b-json-representation)");
  }
  msg.profile = profile_of(msg.levels);
  return msg;
}

std::optional<CaptureReader::Message> CaptureReader::received_message(io::MqttMessage&& r) {
  if (r.payload.empty()) {
    return std::nullopt; // an empty retained message clears the topic
  }
  Message msg;
  msg.topic = std::move(r.topic);
  msg.levels = topic_levels(msg.topic);
  msg.received = r.received;
  msg.profile = profile_of(msg.levels);
  if (msg.profile == "sparkplug" && is_sparkplug_protobuf(msg.levels)) {
    msg.parsed = sparkplug_payload(r.payload, at(msg.where(), "payload"));
    return msg;
  }
  if (!util::is_utf8(r.payload)) {
    m_c.doc.fail(msg.where(), "the payload is not UTF-8 text");
  }
  if (msg.profile == "sparkplug" && r.payload.size() < 16) {
    std::string t = util::trim(r.payload);
    if (t == "ONLINE" || t == "OFFLINE") {
      msg.parsed = json{{"online", t == "ONLINE"}}; // Sparkplug 2.2 STATE
      return msg;
    }
  }
  size_t first = r.payload.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (r.payload[first] == '{' || r.payload[first] == '[')) {
    if (msg.profile == "plain-json" && r.payload[first] == '{') {
      if ((msg.fast = m_fast.plain_json(r.payload, mapping("plain-json")))) {
        return msg;
      }
    }
    if (too_deep_at(r.payload, k_max_depth) != std::string_view::npos) {
      m_c.doc.fail(msg.where(),
                   "malformed JSON payload: nested deeper than " + std::to_string(k_max_depth) + " levels");
    }
    json parsed = json::parse(r.payload, nullptr, false);
    if (parsed.is_discarded()) {
      m_c.doc.fail(msg.where(), "malformed JSON payload");
    }
    msg.parsed = std::move(parsed);
    return msg;
  }
  msg.is_text = true;
  msg.text = std::move(r.payload);
  return msg;
}

// A broker sends retained messages in its own order, not as they were
// published: Sparkplug messages with a payload timestamp (births, data,
// DDEATH) are applied in timestamp order, in the slots they arrived in.
void CaptureReader::order_sparkplug(std::vector<Message>& list) {
  std::vector<size_t> slots;
  std::vector<std::pair<uint64_t, size_t>> keyed;
  for (size_t i = 0; i < list.size(); ++i) {
    const Message& m = list[i];
    if (m.profile == "sparkplug" && m.parsed && m.parsed->is_object()) {
      if (auto ts = m.parsed->find("timestamp"); ts != m.parsed->end() && ts->is_number_unsigned()) {
        slots.push_back(i);
        keyed.emplace_back(ts->get<uint64_t>(), i);
      }
    }
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Message> sorted;
  sorted.reserve(keyed.size());
  for (const auto& k : keyed) {
    sorted.push_back(std::move(list[k.second]));
  }
  for (size_t j = 0; j < slots.size(); ++j) {
    list[slots[j]] = std::move(sorted[j]);
  }
}

// Sparkplug topics whose payloads are protobuf: all but spBv1.0/STATE/<host> (JSON).
bool CaptureReader::is_sparkplug_protobuf(const std::vector<std::string>& l) {
  size_t base = l.size() > 2 && l[0] == "$sparkplug" ? 2 : 0;
  return l.size() > base + 1 && l[base] == "spBv1.0" && l[base + 1] != "STATE";
}

json CaptureReader::sparkplug_payload(std::string_view bytes, const Path& where) const {
  try {
    return decode_sparkplug(bytes);
  } catch (const Error& e) {
    m_c.doc.fail(where, e.what());
  }
}

std::string CaptureReader::profile_of(const std::vector<std::string>& l) const {
  if (l.size() >= 2 && l[0] == "homeassistant" && l.back() == "config") {
    return "homeassistant";
  }
  if (!m_forced.empty() && m_forced != "mqtt-capture") {
    return m_forced;
  }
  if ((!l.empty() && l[0] == "spBv1.0") || (l.size() > 2 && l[0] == "$sparkplug" && l[2] == "spBv1.0")) {
    return "sparkplug";
  }
  if (l.size() >= 4 && l[0] == "$aws" && l[1] == "things") {
    return "aws-shadow";
  }
  if (l.size() >= 3 && l[0] == "homie") {
    return "homie";
  }
  if (l.size() >= 3 && (l[0] == "tele" || l[0] == "stat" || l[0] == "cmnd")) {
    return "tasmota";
  }
  if ((l.size() == 2 && l[1] == "online") || (l.size() == 3 && l[1] == "status")) {
    return "shelly";
  }
  return "plain-json";
}

const Mapping& CaptureReader::mapping(const std::string& profile) {
  auto it = m_mappings.find(profile);
  if (it == m_mappings.end()) {
    // A Source's mapping is for its own profile; in a mixed capture, for plain JSON.
    bool overrides = m_forced.empty() || m_forced == "mqtt-capture" ? profile == "plain-json" : profile == m_forced;
    it = m_mappings.emplace(profile, mapping_for(m_c, profile, overrides)).first;
  }
  return it->second;
}

CaptureReader::Device& CaptureReader::device(const Message& msg, const std::string& asset, const std::string& ref,
                                             const std::string& profile, const std::string& identity) {
  std::string key = asset.empty() ? "r\x1f" + ref : "a\x1f" + asset;
  auto [it, inserted] = m_devices.try_emplace(key);
  Device& d = it->second;
  const std::string& id = identity.empty() ? ref : identity;
  if (inserted) {
    d.obs.asset = asset;
    d.obs.source = m_c.name;
    std::string binding = asset.empty() ? std::string() : m_c.matcher.mqtt_binding(asset);
    d.obs.ref = binding.empty() ? ref : binding;
    d.profile = profile;
  }
  auto named = std::find_if(d.named.begin(), d.named.end(), [&](const Device::Named& n) { return n.profile == profile; });
  if (named == d.named.end()) {
    d.named.push_back({profile, id, msg.topic});
  } else if (named->identity != id) {
    // Two devices would become one, the newest payload winning: fail rather than guess.
    std::string what = asset.empty() ? "device '" + ref + "'" : "asset '" + asset + "'";
    m_c.doc.fail(msg.where(), "topics '" + named->topic + "' and '" + msg.topic + "' would both be " + what +
                                  "; name the device by its topic levels (the `device` option, e.g. ?device={2}/{3})" +
                                  " or bind each asset to its topic (live: {mqtt: TOPIC})");
  }
  if (d.profile != profile) {
    d.profile = "mixed";
  }
  m_profiles.insert(profile);
  return d;
}

// Asset and ref of a non-Sparkplug topic; `own_ref` is the profile's device identity.
CaptureReader::Identity CaptureReader::identify(const Message& msg, const std::string& own_ref) const {
  TopicMatch tm;
  try {
    tm = m_c.matcher.match_topic(msg.topic, m_filters, m_device_template);
  } catch (const Error& e) {
    m_c.doc.fail(msg.where(), e.what());
  }
  if (tm.asset.empty()) {
    if (auto h = m_ha.find(msg.topic); h != m_ha.end()) {
      for (const std::string& id : h->second.identifiers) {
        if (m_c.matcher.is_asset(id)) {
          return {id, tm.ref.empty() ? msg.topic : tm.ref, id};
        }
      }
      if (tm.ref.empty() && !h->second.identifiers.empty() && own_ref.empty()) {
        return {"", h->second.identifiers.front(), h->second.identifiers.front()};
      }
    }
  }
  if (!tm.asset.empty() || !tm.ref.empty()) {
    // A profile that knows its device level (Tasmota's tele/X and stat/X are one X) keeps it.
    return {tm.asset, tm.ref, tm.by_filter && !own_ref.empty() ? own_ref : tm.identity};
  }
  return {"", own_ref.empty() ? msg.topic : own_ref, ""};
}

void CaptureReader::discovery(const Message& msg) {
  if (msg.is_text || !msg.body().is_object()) {
    return;
  }
  const json& p = msg.body();
  auto str = [&](std::initializer_list<const char*> keys) -> std::string {
    for (const char* k : keys) {
      if (auto it = p.find(k); it != p.end() && it->is_string()) {
        return it->get<std::string>();
      }
    }
    return "";
  };
  std::string base = str({"~"});
  auto expand = [&](std::string t) {
    if (!base.empty() && !t.empty() && t.front() == '~') {
      t = base + t.substr(1);
    } else if (!base.empty() && !t.empty() && t.back() == '~') {
      t = t.substr(0, t.size() - 1) + base;
    }
    return t;
  };
  std::vector<std::string> ids;
  for (const char* dev_key : {"device", "dev"}) {
    auto dev = p.find(dev_key);
    if (dev == p.end() || !dev->is_object()) {
      continue;
    }
    for (const char* id_key : {"identifiers", "ids"}) {
      auto v = dev->find(id_key);
      if (v != dev->end() && v->is_string()) {
        ids.push_back(v->get<std::string>());
      } else if (v != dev->end() && v->is_array()) {
        for (const json& x : *v) {
          if (x.is_string()) {
            ids.push_back(x.get<std::string>());
          }
        }
      }
    }
  }
  std::string state = expand(str({"state_topic", "stat_t"}));
  if (!state.empty()) {
    HaTopic& h = m_ha[state];
    h.identifiers = ids;
    std::string tpl = str({"value_template", "val_tpl"});
    std::string unit = str({"unit_of_measurement", "unit_of_meas"});
    size_t pos = tpl.find("value_json.");
    if (!unit.empty() && pos != std::string::npos) {
      size_t start = pos + 11, end = start;
      while (end < tpl.size() && (std::isalnum(static_cast<unsigned char>(tpl[end])) || tpl[end] == '_')) {
        ++end;
      }
      h.units[tpl.substr(start, end - start)] = unit;
    } else if (!unit.empty()) {
      h.units[""] = unit; // the whole payload is the value
    }
  }
  std::string avail = expand(str({"availability_topic", "avty_t"}));
  if (!avail.empty()) {
    HaTopic& h = m_ha[avail];
    h.identifiers = ids;
    h.availability = true;
    if (std::string on = str({"payload_available", "pl_avail"}); !on.empty()) {
      h.available = on;
    }
    if (std::string off = str({"payload_not_available", "pl_not_avail"}); !off.empty()) {
      h.not_available = off;
    }
  }
}

} // namespace detail

using namespace detail;

struct MqttDecoder::Impl {
  Doc doc = Doc::in_memory();
  Ctx c;
  CaptureReader reader;
  model::LiveSource src;

  Impl(const MqttCollection& in, const model::Twin& twin, const AssetMatcher& matcher)
      : c{doc, matcher, twin.find_source(in.source_name), in.source_name, in.source_name, {}},
        reader(c, in.profile, in.filters, in.device) {
    // A bad Source mapping is the user's configuration error (exit 2), not a failed read: check it first.
    mapping_for(c, in.profile.empty() ? "plain-json" : in.profile, true);
    src.name = in.source_name;
    src.endpoint = in.endpoint;
    src.adapter = in.profile.empty() ? "mqtt" : in.profile;
  }
};

MqttDecoder::MqttDecoder(const MqttCollection& settings, const model::Twin& twin, const AssetMatcher& matcher)
    : m_impl(std::make_unique<Impl>(settings, twin, matcher)) {}

MqttDecoder::~MqttDecoder() = default;

void MqttDecoder::add(const io::MqttMessage& message) { add(io::MqttMessage(message)); }

void MqttDecoder::add(io::MqttMessage&& message) {
  if (!m_impl->src.ok) {
    return;
  }
  try {
    m_impl->reader.add_received(std::move(message));
  } catch (const Error& e) {
    m_impl->src.ok = false; // fail closed: one malformed payload fails the source, naming its topic
    m_impl->src.error = e.what();
  }
}

model::LiveSnapshot MqttDecoder::finish() {
  model::LiveSnapshot snap;
  model::LiveSource& src = m_impl->src;
  if (src.ok) {
    try {
      std::string adapter = m_impl->reader.finish_received();
      src.adapter = adapter == "mqtt-capture" ? "mqtt" : adapter;
      src.items = m_impl->c.observations.size();
      snap.observations = std::move(m_impl->c.observations);
    } catch (const Error& e) {
      src.ok = false;
      src.error = e.what();
    }
  }
  snap.sources.push_back(src);
  return snap;
}

model::LiveSnapshot read_mqtt_messages(const MqttCollection& in, const model::Twin& twin, const AssetMatcher& matcher) {
  MqttDecoder decoder(in, twin, matcher);
  for (const io::MqttMessage& m : in.messages) {
    decoder.add(m);
  }
  return decoder.finish();
}

} // namespace twinctl::live
