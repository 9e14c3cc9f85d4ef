#include "lib/live/formats/fast_json.hpp"
#include "lib/live/formats/simdjson_bail.hpp"

#include "lib/util/time.hpp"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>

namespace twinctl::live::detail {

bool g_fast_json = true;

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// What the general reader would read differently or reject: duplicate keys
// (nlohmann keeps the last, simdjson finds the first), keys with '/' or '~'
// (metric and desired names would need escaping), -0 (nlohmann keeps "-0" an
// integer, simdjson a double), nesting deeper than the general reader allows.
void check_common(element e, size_t depth) {
  switch (e.type()) {
  case element_type::OBJECT: {
    if (depth > k_max_depth) {
      bail();
    }
    object obj = ok(e.get_object());
    std::array<std::string_view, 64> keys;
    size_t n = 0;
    for (auto field : obj) {
      if (field.key.find_first_of("/~") != std::string_view::npos) {
        bail();
      }
      for (size_t i = 0; i < n; ++i) {
        if (keys[i] == field.key) {
          bail();
        }
      }
      if (n == keys.size()) {
        bail(); // a big object: not the common case, and the duplicate check would be quadratic
      }
      keys[n++] = field.key;
      check_common(field.value, depth + 1);
    }
    return;
  }
  case element_type::ARRAY:
    if (depth > k_max_depth) {
      bail();
    }
    for (element v : ok(e.get_array())) {
      check_common(v, depth + 1);
    }
    return;
  case element_type::DOUBLE: {
    double d = ok(e.get_double());
    if (d == 0 && std::signbit(d)) {
      bail();
    }
    return;
  }
  default:
    return;
  }
}

// resolve() of mapping.cpp over a simdjson element.
std::optional<element> resolve_fast(element root, std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') {
    return std::nullopt;
  }
  element cur = root;
  size_t pos = 1;
  std::string unescaped;
  while (true) {
    size_t slash = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    std::string_view token = unescape_token(raw, unescaped);
    if (cur.type() == element_type::OBJECT) {
      element next;
      if (ok(cur.get_object()).at_key(token).get(next) != simdjson::SUCCESS) {
        return std::nullopt;
      }
      cur = next;
    } else if (cur.type() == element_type::ARRAY) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      simdjson::dom::array arr = ok(cur.get_array());
      if (ec != std::errc() || end != token.data() + token.size() || token.empty() || index >= arr.size()) {
        return std::nullopt;
      }
      cur = ok(arr.at(index));
    } else {
      return std::nullopt;
    }
    if (slash == std::string_view::npos) {
      return cur;
    }
    pos = slash + 1;
  }
}

std::optional<double> number_of_fast(element v) {
  double d = 0;
  switch (v.type()) {
  case element_type::INT64:
    d = double(ok(v.get_int64()));
    break;
  case element_type::UINT64:
    d = double(ok(v.get_uint64()));
    break;
  case element_type::DOUBLE:
    d = ok(v.get_double());
    break;
  default:
    return std::nullopt;
  }
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::optional<std::string> scalar_text_fast(element v) {
  switch (v.type()) {
  case element_type::STRING:
    return std::string(ok(v.get_string()));
  case element_type::BOOL:
    return std::string(ok(v.get_bool()) ? "true" : "false");
  case element_type::INT64:
    return std::to_string(ok(v.get_int64()));
  case element_type::UINT64:
    return std::to_string(ok(v.get_uint64()));
  case element_type::DOUBLE: {
    double d = ok(v.get_double());
    if (!std::isfinite(d)) {
      return std::nullopt;
    }
    return number_text(d);
  }
  default:
    return std::nullopt;
  }
}

std::optional<int64_t> time_of_fast(element v) {
  if (v.type() == element_type::STRING) {
    return time_of_text(ok(v.get_string()));
  }
  if (auto d = number_of_fast(v)) {
    return time_of_number(*d);
  }
  return std::nullopt;
}

std::optional<bool> online_of_fast(element v) {
  switch (v.type()) {
  case element_type::BOOL:
    return ok(v.get_bool());
  case element_type::INT64:
  case element_type::UINT64: {
    int64_t i = v.type() == element_type::INT64 ? ok(v.get_int64()) : int64_t(ok(v.get_uint64()));
    if (i == 0 || i == 1) {
      return i == 1;
    }
    return std::nullopt;
  }
  case element_type::STRING:
    return online_of_text(ok(v.get_string()));
  default:
    return std::nullopt;
  }
}

// apply_mapping() of mapping.cpp; `used` holds the mapping's own pointer strings.
struct FastApplied {
  std::vector<const std::string*> used;
  std::optional<int64_t> time;
  bool is_used(std::string_view pointer) const {
    for (const std::string* p : used) {
      if (*p == pointer) {
        return true;
      }
    }
    return false;
  }
};

template <class SetField, class SetOnline>
FastApplied apply_mapping_fast(element doc, const Mapping& m, SetField set_field, SetOnline set_online) {
  FastApplied a;
  for (const auto& [key, pointers] : m) {
    for (const std::string& p : pointers) {
      std::optional<element> v = resolve_fast(doc, p);
      if (!v) {
        continue;
      }
      if (key == "observed_at") {
        if (auto t = time_of_fast(*v)) {
          a.time = t;
          a.used.push_back(&p);
          break;
        }
      } else if (key == "online") {
        if (auto b = online_of_fast(*v)) {
          set_online(*b);
          a.used.push_back(&p);
          break;
        }
      } else if (auto s = scalar_text_fast(*v)) {
        set_field(key, std::move(*s));
        a.used.push_back(&p);
        break;
      }
    }
  }
  return a;
}

// add_metrics() of mapping.cpp for plain JSON (no skip, one ts, units later).
void add_metrics_fast(object obj, std::string& rel, const std::string& prefix, const FastApplied& a,
                      std::vector<std::pair<std::string, double>>& out) {
  for (auto field : obj) {
    size_t rel_size = rel.size();
    rel += '/';
    rel += field.key;
    std::string name = prefix;
    name += field.key;
    if (field.value.type() == element_type::OBJECT) {
      add_metrics_fast(ok(field.value.get_object()), rel, name + "/", a, out);
    } else if (auto d = number_of_fast(field.value); d && !a.is_used(rel)) {
      out.emplace_back(std::move(name), *d);
    }
    rel.resize(rel_size);
  }
}

// add_desired() of mapping.cpp; arrays (written as JSON text there) bail.
void add_desired_fast(object obj, const std::string& reported_base, std::string& rel, const std::string& prefix,
                      const std::map<std::string, std::string>& field_of_pointer, std::string& pointer,
                      model::Observation& o) {
  for (auto field : obj) {
    if (!field.key.empty() && field.key[0] == '$') {
      continue;
    }
    size_t rel_size = rel.size();
    rel += '/';
    rel += field.key;
    if (field.value.type() == element_type::OBJECT) {
      add_desired_fast(ok(field.value.get_object()), reported_base, rel, prefix + std::string(field.key) + "/",
                       field_of_pointer, pointer, o);
    } else if (field.value.type() == element_type::ARRAY) {
      bail();
    } else if (std::optional<std::string> text = scalar_text_fast(field.value)) {
      pointer.assign(reported_base).append(rel);
      auto f = field_of_pointer.find(pointer);
      o.desired[f != field_of_pointer.end() ? f->second : prefix + std::string(field.key)] = std::move(*text);
    }
    rel.resize(rel_size);
  }
}

// A member that must be an object when present (null and other kinds bail, as member() fails).
std::optional<object> object_member(object obj, std::string_view key) {
  element v;
  if (obj.at_key(key).get(v) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  if (v.type() != element_type::OBJECT) {
    bail();
  }
  return ok(v.get_object());
}

// read_ditto_thing() of cloud_twins.cpp.
model::Observation ditto_thing(element e, Ctx& c, const Mapping& m, const std::map<std::string, std::string>& by_pointer) {
  if (e.type() != element_type::OBJECT) {
    bail();
  }
  object thing = ok(e.get_object());
  element id;
  if (thing.at_key("thingId").get(id) != simdjson::SUCCESS || id.type() != element_type::STRING) {
    bail();
  }
  model::Observation o;
  o.source = c.name;
  o.ref = std::string(ok(id.get_string()));
  if (o.ref.empty()) {
    bail();
  }
  o.asset = c.matcher.match_ditto(o.ref);
  object_member(thing, "attributes");
  std::optional<object> features = object_member(thing, "features");
  FastApplied a = apply_mapping_fast(
      e, m, [&](const std::string& key, std::string&& v) { o.fields[key] = std::move(v); },
      [&](bool b) { o.online = b; });
  o.observed_at = format_time(a.time);
  if (features) {
    std::string rel;
    std::string pointer;
    for (auto f : *features) {
      if (f.value.type() != element_type::OBJECT) {
        bail();
      }
      object feature = ok(f.value.get_object());
      std::optional<object> props = object_member(feature, "properties");
      element value;
      if (props && props->at_key("value").get(value) == simdjson::SUCCESS) {
        if (auto v = number_of_fast(value)) {
          model::Metric metric;
          metric.value = *v;
          element unit;
          if (props->at_key("unit").get(unit) == simdjson::SUCCESS && unit.type() == element_type::STRING) {
            metric.unit = std::string(ok(unit.get_string()));
          }
          metric.ts = o.observed_at;
          o.metrics[std::string(f.key)] = std::move(metric);
        }
      }
      if (std::optional<object> des = object_member(feature, "desiredProperties")) {
        std::string key(f.key);
        rel.clear();
        add_desired_fast(*des, "/features/" + key + "/properties", rel, key + "/", by_pointer, pointer, o);
      }
    }
  }
  return o;
}

} // namespace

struct FastParser::Impl {
  simdjson::dom::parser parser;
  std::string buffer; // the text with simdjson's padding
  // The last document parsed, by its text's address and size (ditto_file_items, then ditto_page).
  const char* text = nullptr;
  size_t size = 0;
  element root;

  element parse(std::string_view t) {
    if (t.data() == text && t.size() == size) {
      return root;
    }
    text = nullptr;
    buffer.reserve(t.size() + simdjson::SIMDJSON_PADDING);
    buffer.assign(t.data(), t.size());
    root = ok(parser.parse(buffer.data(), buffer.size(), false));
    check_common(root, 1);
    text = t.data();
    size = t.size();
    return root;
  }
};

FastParser::FastParser() : m_impl(std::make_unique<Impl>()) {}
FastParser::~FastParser() = default;

std::optional<FastPayload> FastParser::plain_json(std::string_view payload, const Mapping& m) {
  if (!g_fast_json) {
    return std::nullopt;
  }
  try {
    m_impl->text = nullptr;
    element root = m_impl->parse(payload);
    m_impl->text = nullptr; // payloads are not kept: never reuse by address
    if (root.type() != element_type::OBJECT) {
      return std::nullopt;
    }
    FastPayload out;
    FastApplied a = apply_mapping_fast(
        root, m,
        [&](const std::string& key, std::string&& v) {
          for (auto& f : out.fields) {
            if (f.first == key) {
              f.second = std::move(v);
              return;
            }
          }
          out.fields.emplace_back(key, std::move(v));
        },
        [&](bool b) { out.online = b; });
    out.time = a.time;
    std::string rel;
    add_metrics_fast(ok(root.get_object()), rel, "", a, out.metrics);
    return out;
  } catch (const NotCommon&) {
    return std::nullopt;
  }
}

std::optional<std::string> FastParser::ditto_page(std::string_view text, const std::string& items,
                                                  const std::string& cursor, Ctx& c, const Mapping& m) {
  if (!g_fast_json) {
    return std::nullopt;
  }
  // The parse is kept from ditto_file_items to here (same text); not beyond: the next text may
  // have the same address and size.
  struct Forget {
    Impl& impl;
    ~Forget() { impl.text = nullptr; }
  } forget{*m_impl};
  try {
    element root = m_impl->parse(text);
    // As the general reader: no list pointer means the page itself, or its "items" (Ditto's search page).
    std::string_view at = items;
    if (at.empty() && root.type() == element_type::OBJECT) {
      at = "/items";
    }
    std::optional<element> list = at.empty() ? std::optional<element>(root) : resolve_fast(root, at);
    if (!list || list->type() != element_type::ARRAY) {
      return std::nullopt;
    }
    std::map<std::string, std::string> by_pointer = fields_by_pointer(m);
    std::vector<model::Observation> observations;
    for (element thing : ok(list->get_array())) {
      observations.push_back(ditto_thing(thing, c, m, by_pointer));
    }
    std::string next;
    if (std::optional<element> cur = cursor.empty() ? std::nullopt : resolve_fast(root, cursor)) {
      next = scalar_text_fast(*cur).value_or("");
    }
    std::move(observations.begin(), observations.end(), std::back_inserter(c.observations));
    return next;
  } catch (const NotCommon&) {
    return std::nullopt;
  }
}

std::optional<std::string> FastParser::ditto_file_items(std::string_view text) {
  if (!g_fast_json) {
    return std::nullopt;
  }
  try {
    element root = m_impl->parse(text);
    element list = root;
    std::string items;
    if (root.type() == element_type::OBJECT) {
      object obj = ok(root.get_object());
      element ignored;
      if (obj.at_key("format").get(ignored) == simdjson::SUCCESS ||
          obj.at_key("messages").get(ignored) == simdjson::SUCCESS ||
          obj.at_key("items").get(list) != simdjson::SUCCESS) {
        return std::nullopt;
      }
      items = "/items";
    }
    if (list.type() != element_type::ARRAY) {
      return std::nullopt;
    }
    simdjson::dom::array arr = ok(list.get_array());
    element first;
    if (arr.at(0).get(first) != simdjson::SUCCESS || first.type() != element_type::OBJECT) {
      return std::nullopt;
    }
    element id;
    if (ok(first.get_object()).at_key("thingId").get(id) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    return items;
  } catch (const NotCommon&) {
    return std::nullopt;
  }
}

} // namespace twinctl::live::detail
