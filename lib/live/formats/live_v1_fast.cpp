#include "lib/live/formats/live_v1_fast.hpp"
#include "lib/live/formats/simdjson_bail.hpp"

#include "lib/io/files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/values.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <initializer_list>
#include <string_view>
#include <unordered_map>

namespace twinctl::live {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

using detail::bail;
using detail::NotCommon;
using detail::ok;

// The members of `obj` by the position of their key in `keys`; unknown or
// duplicate keys bail.
template <size_t N> std::array<std::optional<element>, N> members(object obj, const std::array<std::string_view, N>& keys) {
  std::array<std::optional<element>, N> out;
  for (auto field : obj) {
    size_t i = 0;
    while (i < N && keys[i] != field.key) {
      ++i;
    }
    if (i == N || out[i]) {
      bail();
    }
    out[i] = field.value;
  }
  return out;
}

std::string string_of(const std::optional<element>& e) {
  if (!e || e->type() != element_type::STRING) {
    bail();
  }
  return std::string(ok(e->get_string()));
}

std::string timestamp_of(const element& e) {
  if (e.type() != element_type::STRING) {
    bail();
  }
  std::optional<int64_t> t = util::parse_timestamp(std::string(ok(e.get_string())));
  if (!t) {
    bail();
  }
  return util::format_timestamp(*t);
}

// A nullable timestamp: null -> "", absent -> `absent`.
std::string nullable_timestamp(const std::optional<element>& e, const std::string& absent) {
  if (!e) {
    return absent;
  }
  return e->is_null() ? std::string() : timestamp_of(*e);
}

std::map<std::string, std::string> fields_of(const std::optional<element>& e) {
  static const std::initializer_list<std::string_view> k_names = {"status", "ip", "firmware", "config_checksum",
                                                                  "zone"};
  std::map<std::string, std::string> out;
  if (!e) {
    return out;
  }
  if (e->type() != element_type::OBJECT) {
    bail();
  }
  for (auto field : ok(e->get_object())) {
    bool known = false;
    for (std::string_view n : k_names) {
      known = known || n == field.key;
    }
    if (!known || field.value.type() != element_type::STRING || !out.emplace(field.key, ok(field.value.get_string())).second) {
      bail();
    }
  }
  return out;
}

std::optional<double> metric_value(const element& v) {
  switch (v.type()) {
  case element_type::BOOL:
    return ok(v.get_bool()) ? 1.0 : 0.0;
  case element_type::STRING:
    return util::parse_number(std::string(ok(v.get_string())));
  case element_type::INT64:
    return static_cast<double>(ok(v.get_int64()));
  case element_type::UINT64:
    return static_cast<double>(ok(v.get_uint64()));
  case element_type::DOUBLE:
    return ok(v.get_double());
  case element_type::NULL_VALUE:
    return std::nullopt;
  default:
    bail();
  }
}

std::map<std::string, model::Metric> metrics_of(const std::optional<element>& e) {
  std::map<std::string, model::Metric> out;
  if (!e) {
    return out;
  }
  if (e->type() != element_type::OBJECT) {
    bail();
  }
  std::map<std::string, bool> seen;
  for (auto field : ok(e->get_object())) {
    if (field.value.type() != element_type::OBJECT || !seen.emplace(field.key, true).second) {
      bail();
    }
    auto m = members<3>(ok(field.value.get_object()), {"value", "unit", "ts"});
    if (!m[0]) {
      bail();
    }
    std::optional<double> v = metric_value(*m[0]);
    if (!v) {
      continue; // null or text: the model holds numbers only
    }
    model::Metric metric;
    metric.value = *v;
    if (m[1]) {
      metric.unit = string_of(m[1]);
    }
    if (m[2]) {
      metric.ts = timestamp_of(*m[2]);
    }
    out.emplace(field.key, std::move(metric));
  }
  return out;
}

// A source; *count_items when it has no `items` (they are counted).
model::LiveSource source_of(const element& e, bool* count_items) {
  if (e.type() != element_type::OBJECT) {
    bail();
  }
  auto m = members<6>(ok(e.get_object()), {"name", "adapter", "ok", "items", "error", "endpoint"});
  model::LiveSource s;
  s.name = string_of(m[0]);
  s.adapter = m[1] ? string_of(m[1]) : "file";
  if (m[2]) {
    if (m[2]->type() != element_type::BOOL) {
      bail();
    }
    s.ok = ok(m[2]->get_bool());
  }
  *count_items = !m[3];
  if (!m[3]) {
  } else if (m[3]->type() == element_type::UINT64) {
    s.items = static_cast<size_t>(ok(m[3]->get_uint64()));
  } else if (m[3]->type() == element_type::INT64 && ok(m[3]->get_int64()) >= 0) {
    s.items = static_cast<size_t>(ok(m[3]->get_int64()));
  } else {
    bail();
  }
  s.error = !m[4] || m[4]->is_null() ? std::string() : string_of(m[4]);
  if (m[5]) {
    s.endpoint = string_of(m[5]);
  }
  return s;
}

// What an observation without `source` or `observed_at` gets.
struct Defaults {
  const std::string* source = nullptr; // the only source; nullptr when there are several
  const std::string* taken_at = nullptr;
};

std::string source_or_default(const std::optional<element>& e, const Defaults& def) {
  if (!e && !def.source) {
    bail(); // the general reader says which source is meant
  }
  return e ? string_of(e) : *def.source;
}

model::Observation observation_of(const element& e, const Defaults& def) {
  if (e.type() != element_type::OBJECT) {
    bail();
  }
  auto m = members<7>(ok(e.get_object()), {"asset", "source", "ref", "observed_at", "online", "fields", "metrics"});
  model::Observation o;
  o.asset = string_of(m[0]);
  if (!util::is_valid_id(o.asset)) {
    bail();
  }
  o.source = source_or_default(m[1], def);
  o.ref = m[2] ? string_of(m[2]) : o.asset;
  o.observed_at = nullable_timestamp(m[3], *def.taken_at);
  if (!m[4]) {
    o.online = true;
  } else if (!m[4]->is_null()) {
    if (m[4]->type() != element_type::BOOL) {
      bail();
    }
    o.online = ok(m[4]->get_bool());
  }
  o.fields = fields_of(m[5]);
  o.metrics = metrics_of(m[6]);
  return o;
}

model::Observation unmatched_of(const element& e, const Defaults& def) {
  if (e.type() != element_type::OBJECT) {
    bail();
  }
  auto m = members<4>(ok(e.get_object()), {"source", "ref", "fields", "observed_at"});
  model::Observation o;
  o.source = source_or_default(m[0], def);
  o.ref = string_of(m[1]);
  o.fields = fields_of(m[2]);
  o.observed_at = nullable_timestamp(m[3], *def.taken_at);
  return o;
}

} // namespace

void detail::count_missing_items(model::LiveSnapshot& snap, const std::vector<bool>& missing) {
  if (std::find(missing.begin(), missing.end(), true) == missing.end()) {
    return;
  }
  std::unordered_map<std::string, size_t> count;
  for (const model::Observation& o : snap.observations) {
    ++count[o.source];
  }
  for (size_t i = 0; i < snap.sources.size(); ++i) {
    if (missing[i]) {
      snap.sources[i].items = count[snap.sources[i].name];
    }
  }
}

std::optional<model::LiveSnapshot> read_v1_fast(const std::string& text, const std::string& default_source) {
  if (text.capacity() < text.size() + simdjson::SIMDJSON_PADDING) {
    return std::nullopt;
  }
  try {
    simdjson::dom::parser parser;
    element root = ok(parser.parse(text.data(), text.size(), false));
    if (root.type() != element_type::OBJECT) {
      return std::nullopt;
    }
    auto m = members<5>(ok(root.get_object()), {"format", "taken_at", "sources", "observations", "unmatched"});
    if (string_of(m[0]) != "twinctl-live/v1" || !m[1] || (m[2] && m[2]->type() != element_type::ARRAY) || !m[3] ||
        m[3]->type() != element_type::ARRAY || (m[4] && m[4]->type() != element_type::ARRAY)) {
      return std::nullopt;
    }
    model::LiveSnapshot snap;
    snap.taken_at = timestamp_of(*m[1]);
    std::vector<bool> count_items;
    if (!m[2]) {
      model::LiveSource src;
      src.name = default_source;
      src.adapter = "file";
      snap.sources.push_back(std::move(src));
      count_items.push_back(true);
    } else {
      for (element s : ok(m[2]->get_array())) {
        bool count = false;
        snap.sources.push_back(source_of(s, &count));
        count_items.push_back(count);
      }
    }
    Defaults def{snap.sources.size() == 1 ? &snap.sources.front().name : nullptr, &snap.taken_at};
    // Unmatched devices first, as write_snapshot orders them (and the general reader returns them).
    if (m[4]) {
      for (element u : ok(m[4]->get_array())) {
        snap.observations.push_back(unmatched_of(u, def));
      }
    }
    simdjson::dom::array observations = ok(m[3]->get_array());
    snap.observations.reserve(snap.observations.size() + observations.size());
    for (element o : observations) {
      snap.observations.push_back(observation_of(o, def));
    }
    detail::count_missing_items(snap, count_items);
    return snap;
  } catch (const NotCommon&) {
    return std::nullopt;
  }
}

std::optional<model::LiveSnapshot> read_v1_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return std::nullopt;
  }
  try {
    std::string text = io::read_file(path, size_t(1) << 30);
    if (text.substr(0, 4096).find("\"twinctl-live/v1\"") == std::string::npos) {
      return std::nullopt;
    }
    text.reserve(text.size() + 64); // simdjson's padding
    return read_v1_fast(text, std::filesystem::path(path).stem().string());
  } catch (const Error&) {
    return std::nullopt;
  }
}

} // namespace twinctl::live
