#include "lib/live/match.hpp"

#include "lib/util/error.hpp"

#include <array>

namespace twinctl::live {

namespace {

// Inserts key -> asset unless an earlier asset (assets are sorted by id) already
// claimed the key: duplicate bindings are a validation matter, the first wins.
void bind(std::unordered_map<std::string, std::string>& index, const std::string& key, const std::string& asset) {
  if (!key.empty()) {
    index.emplace(key, asset);
  }
}

// A topic's levels, without allocating for the usual few (this runs for every
// message of a 100k-topic collection).
class Levels {
public:
  explicit Levels(std::string_view topic) {
    size_t start = 0;
    while (true) {
      size_t slash = topic.find('/', start);
      push(topic.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
      if (slash == std::string_view::npos) {
        return;
      }
      start = slash + 1;
    }
  }
  size_t size() const { return m_size; }
  std::string_view operator[](size_t i) const { return m_size <= k_inline ? m_inline[i] : m_more[i]; }

private:
  static constexpr size_t k_inline = 16;
  void push(std::string_view level) {
    if (m_size == k_inline) {
      m_more.assign(m_inline.begin(), m_inline.end());
    }
    if (m_size < k_inline) {
      m_inline[m_size] = level;
    } else {
      m_more.push_back(level);
    }
    ++m_size;
  }
  std::array<std::string_view, k_inline> m_inline;
  std::vector<std::string_view> m_more;
  size_t m_size = 0;
};

// The topic through level `level` (0-based).
std::string_view prefix_through(std::string_view topic, size_t level) {
  size_t pos = 0;
  for (size_t i = 0; i <= level; ++i) {
    size_t slash = topic.find('/', pos);
    if (slash == std::string_view::npos) {
      return topic;
    }
    pos = slash + 1;
  }
  return topic.substr(0, pos - 1);
}

} // namespace

bool topic_matches(std::string_view filter, std::string_view topic, size_t* plus_level) {
  if (plus_level) {
    *plus_level = std::string_view::npos;
  }
  // MQTT 3.1.1 §4.7.2: wildcards at the first level do not match "$SYS"-style topics.
  if (!topic.empty() && topic[0] == '$' && !filter.empty() && (filter[0] == '+' || filter[0] == '#')) {
    return false;
  }
  Levels f(filter);
  Levels t(topic);
  size_t last_plus = std::string_view::npos;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") {
      break; // matches the parent level and everything below
    }
    if (i >= t.size()) {
      return false;
    }
    if (f[i] == "+") {
      last_plus = i;
    } else if (f[i] != t[i]) {
      return false;
    }
    if (i + 1 == f.size() && t.size() != f.size()) {
      return false;
    }
  }
  if (plus_level) {
    *plus_level = last_plus;
  }
  return true;
}

DeviceTemplate::DeviceTemplate(std::string_view text) : m_text(text) {
  auto bad = [&](const std::string& why) {
    return Error("device template '" + std::string(text) + "': " + why +
                 " (expected topic levels as {N}, N from 1, e.g. {2} or {2}/{3})");
  };
  bool any_level = false;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '{') {
      size_t next = text.find('{', i);
      size_t end = next == std::string_view::npos ? text.size() : next;
      if (text.substr(i, end - i).find('}') != std::string_view::npos) {
        throw bad("a '}' without its '{'");
      }
      m_parts.push_back({std::string(text.substr(i, end - i)), 0});
      i = end;
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      throw bad("an unclosed '{'");
    }
    std::string_view digits = text.substr(i + 1, close - i - 1);
    size_t n = 0;
    for (char c : digits) {
      n = c >= '0' && c <= '9' && n < 1000 ? n * 10 + size_t(c - '0') : 1000;
    }
    if (digits.empty() || n < 1 || n > 64) {
      throw bad("'{" + std::string(digits) + "}' is not a level from 1 to 64");
    }
    m_parts.push_back({"", n - 1});
    any_level = true;
    i = close + 1;
  }
  if (!any_level) {
    throw bad("no topic level");
  }
}

std::optional<std::string> DeviceTemplate::expand(std::string_view topic, size_t* last_level) const {
  Levels levels(topic);
  std::string out;
  for (const Part& p : m_parts) {
    if (!p.literal.empty()) {
      out += p.literal;
      continue;
    }
    if (p.level >= levels.size()) {
      return std::nullopt;
    }
    out += levels[p.level];
    *last_level = p.level;
  }
  return out;
}

AssetMatcher::AssetMatcher(const model::Twin& twin) {
  m_ids.reserve(twin.assets.size());
  for (const model::Asset& a : twin.assets) {
    m_ids.insert(a.id);
    for (const auto& [kind, value] : a.live) {
      if (kind == "ditto") {
        bind(m_ditto, value, a.id);
      } else if (kind == "aws") {
        bind(m_aws, value, a.id);
      } else if (kind == "azure") {
        bind(m_azure, value, a.id);
      } else if (kind == "sparkplug") {
        bind(m_sparkplug, value, a.id);
      } else if (kind == "mqtt") {
        std::string_view v = value;
        if (v == "#") {
          continue; // would claim every topic
        }
        if (v.size() > 2 && v.substr(v.size() - 2) == "/#") {
          v.remove_suffix(2);
          bind(m_mqtt_prefix, std::string(v), a.id);
        } else {
          bind(m_mqtt_topic, value, a.id);
        }
        m_mqtt_of_asset.emplace(a.id, std::string(v));
      }
    }
  }
}

bool AssetMatcher::is_asset(std::string_view id) const { return !id.empty() && m_ids.count(std::string(id)) > 0; }

std::string AssetMatcher::mqtt_binding(std::string_view asset) const {
  auto it = m_mqtt_of_asset.find(std::string(asset));
  return it == m_mqtt_of_asset.end() ? std::string() : it->second;
}

std::string AssetMatcher::bound_or_id(const Index& index, std::string_view key, std::string_view id) const {
  if (auto it = index.find(std::string(key)); it != index.end()) {
    return it->second;
  }
  return is_asset(id) ? std::string(id) : std::string();
}

std::string AssetMatcher::match_ditto(std::string_view thing_id) const {
  size_t colon = thing_id.rfind(':');
  std::string_view name = colon == std::string_view::npos ? thing_id : thing_id.substr(colon + 1);
  return bound_or_id(m_ditto, thing_id, name);
}

std::string AssetMatcher::match_aws(std::string_view thing_name) const {
  return bound_or_id(m_aws, thing_name, thing_name);
}

std::string AssetMatcher::match_azure(std::string_view device_id) const {
  return bound_or_id(m_azure, device_id, device_id);
}

std::string AssetMatcher::match_sparkplug(std::string_view ref) const {
  size_t slash = ref.rfind('/');
  return bound_or_id(m_sparkplug, ref, slash == std::string_view::npos ? ref : ref.substr(slash + 1));
}

TopicMatch AssetMatcher::match_topic(std::string_view topic, const std::vector<std::string>& filters,
                                     const DeviceTemplate& device) const {
  if (!m_mqtt_topic.empty()) {
    if (auto it = m_mqtt_topic.find(std::string(topic)); it != m_mqtt_topic.end()) {
      return {it->second, std::string(topic), std::string(topic)};
    }
  }
  // Bound prefixes ("a/b/#" also matches "a/b"): probe the topic and each
  // ancestor, deepest first (a topic has few levels).
  if (!m_mqtt_prefix.empty()) {
    for (size_t end = topic.size(); end != std::string_view::npos && end > 0; end = topic.rfind('/', end - 1)) {
      std::string prefix(topic.substr(0, end));
      if (auto it = m_mqtt_prefix.find(prefix); it != m_mqtt_prefix.end()) {
        return {it->second, prefix, prefix};
      }
    }
  }
  Levels levels(topic);
  // The wildcard levels the topic matched: the topic through the last '+' of the
  // first filter with one. Two PLCs of two lines are two devices.
  size_t plus = std::string_view::npos;
  for (const std::string& filter : filters) {
    if (topic_matches(filter, topic, &plus) && plus != std::string_view::npos) {
      break;
    }
  }
  std::string wild = plus == std::string_view::npos ? std::string() : std::string(prefix_through(topic, plus));
  if (!device.empty()) {
    size_t last = 0;
    std::optional<std::string> name = device.expand(topic, &last);
    if (!name) {
      throw Error("topic '" + std::string(topic) + "' has fewer levels than the device template '" +
                  device.text() + "' names");
    }
    std::string asset = is_asset(*name) ? *name : is_asset(levels[last]) ? std::string(levels[last]) : std::string();
    std::string identity = wild.empty() ? *name : wild;
    return {std::move(asset), std::move(*name), std::move(identity)};
  }
  if (plus != std::string_view::npos) {
    std::string_view level = levels[plus];
    return {is_asset(level) ? std::string(level) : std::string(), wild, wild, true};
  }
  // No filter names the device level: the deepest level that is an asset id
  // is the most specific device ("gw-01/press-07/state" is press-07).
  for (size_t i = levels.size(); i-- > 0;) {
    if (is_asset(levels[i])) {
      std::string ref(prefix_through(topic, i));
      return {std::string(levels[i]), ref, ref};
    }
  }
  return {};
}

} // namespace twinctl::live
