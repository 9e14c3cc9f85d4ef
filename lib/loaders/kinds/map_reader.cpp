#include "lib/loaders/kinds/map_reader.hpp"

#include "lib/loaders/kinds/documents.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/values.hpp"

#include <algorithm>
#include <unordered_set>

namespace twinctl::loaders::kinds {

std::string quoted_list(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    s += (i ? ", " : "") + v[i];
  }
  return s;
}

namespace {

std::span<const std::string_view> as_span(const std::vector<std::string_view>& v) { return {v.data(), v.size()}; }

} // namespace

MapReader::MapReader(const Ctx& ctx, const YamlNode& node, std::string what, const std::vector<std::string>& allowed)
    : MapReader(ctx, node, std::move(what), as_span(std::vector<std::string_view>(allowed.begin(), allowed.end()))) {}

MapReader::MapReader(const Ctx& ctx, const YamlNode& node, std::string what, std::span<const std::string_view> allowed)
    : m_ctx(ctx), m_node(node), m_what(std::move(what)) {
  if (!node.is_map()) {
    if (!node.is_null()) {
      ctx.error(node, m_what + " must be a mapping, not " + node.kind_name());
    } else {
      ctx.error(node, m_what + " must be a mapping, but it is empty");
    }
    m_ok = false;
    return;
  }
  // Duplicates: a linear scan for the few keys a twin mapping has (no
  // allocation), a hash set for a large (hostile) one.
  const size_t n = node.children.size();
  std::unordered_set<std::string_view> seen;
  auto duplicate = [&](size_t i) {
    const std::string& key = node.children[i].value;
    if (n > 64) {
      return !seen.insert(key).second;
    }
    for (size_t j = 0; j < i; j += 2) {
      if (node.children[j].is_scalar() && node.children[j].value == key) {
        return true;
      }
    }
    return false;
  };
  for (size_t i = 0; i + 1 < n; i += 2) {
    const YamlNode& k = node.children[i];
    if (!k.is_scalar()) {
      ctx.error(k, "keys of " + m_what + " must be plain strings");
      continue;
    }
    if (duplicate(i)) {
      ctx.error(k, "duplicate key '" + k.value + "' in " + m_what);
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      std::string hint = util::closest(k.value, names);
      ctx.error(k, "unknown key '" + k.value + "' in " + m_what +
                       (hint.empty() ? " (allowed: " + quoted_list(names) + ")"
                                     : " (did you mean '" + hint + "'?)"));
    }
  }
}

const YamlNode* MapReader::key(std::string_view name) const {
  if (!m_ok) {
    return nullptr;
  }
  for (size_t i = 0; i + 1 < m_node.children.size(); i += 2) {
    if (m_node.children[i].is_scalar() && m_node.children[i].value == name) {
      return &m_node.children[i];
    }
  }
  return nullptr;
}

const YamlNode* MapReader::get(std::string_view name) const {
  const YamlNode* k = key(name);
  if (!k) {
    return nullptr;
  }
  const YamlNode* v = k + 1;
  return v->is_null() ? nullptr : v;
}

model::SourceLocation MapReader::loc_of(std::string_view name) const {
  const YamlNode* k = key(name);
  return k ? m_ctx.loc(*k) : m_ctx.loc(m_node);
}

bool MapReader::required(std::string_view name) const {
  if (get(name)) {
    return true;
  }
  if (m_ok) {
    m_ctx.error(m_node, m_what + " needs '" + std::string(name) + "'");
  }
  return false;
}

bool MapReader::str(std::string_view name, std::string& out, bool req) const {
  const YamlNode* v = get(name);
  if (!v) {
    return req ? required(name) : true;
  }
  if (!v->is_scalar()) {
    m_ctx.error(*v, "'" + std::string(name) + "' must be a string, not " + v->kind_name());
    return false;
  }
  out = v->value;
  if (req && out.empty()) {
    m_ctx.error(*v, "'" + std::string(name) + "' must not be empty");
    return false;
  }
  return true;
}

bool MapReader::id(std::string_view name, std::string& out, bool req) const {
  if (!str(name, out, req) || out.empty()) {
    return false;
  }
  if (!util::is_valid_id(out)) {
    m_ctx.error(*get(name), "'" + out + "' is not a valid id: use lower-case letters, digits, '.', '_' "
                                        "and '-', starting with a letter or digit");
    return false;
  }
  return true;
}

bool MapReader::one_of(std::string_view name, std::string& out, const std::vector<std::string>& allowed,
                       bool req) const {
  std::string v;
  if (!str(name, v, req) || v.empty()) {
    return false;
  }
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    std::string hint = util::closest(v, allowed);
    m_ctx.error(*get(name), "'" + v + "' is not a valid " + std::string(name) + " (one of: " +
                                quoted_list(allowed) + ")" +
                                (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
    return false;
  }
  out = v;
  return true;
}

bool MapReader::number(std::string_view name, std::optional<double>& out, bool req) const {
  const YamlNode* v = get(name);
  if (!v) {
    return req ? required(name) : true;
  }
  std::optional<double> d = v->is_scalar() && v->plain ? util::parse_number(v->value) : std::nullopt;
  if (!d) {
    m_ctx.error(*v, "'" + std::string(name) + "' must be a number, not " +
                        (v->is_scalar() ? "'" + v->value + "'" : std::string(v->kind_name())));
    return false;
  }
  out = d;
  return true;
}

bool MapReader::integer(std::string_view name, std::optional<int>& out, int min, int max) const {
  std::optional<double> d;
  if (!number(name, d) || !d) {
    return false;
  }
  if (*d != static_cast<double>(static_cast<long long>(*d)) || *d < min || *d > max) {
    m_ctx.error(*get(name), "'" + std::string(name) + "' must be a whole number from " + std::to_string(min) +
                                " to " + std::to_string(max));
    return false;
  }
  out = static_cast<int>(*d);
  return true;
}

bool MapReader::boolean(std::string_view name, bool& out) const {
  const YamlNode* v = get(name);
  if (!v) {
    return true;
  }
  if (v->is_scalar() && v->plain && (v->value == "true" || v->value == "false")) {
    out = v->value == "true";
    return true;
  }
  m_ctx.error(*v, "'" + std::string(name) + "' must be true or false");
  return false;
}

bool MapReader::date(std::string_view name, std::string& out, bool req) const {
  if (!str(name, out, req) || out.empty()) {
    return false;
  }
  if (!util::parse_date(out)) {
    m_ctx.error(*get(name), "'" + out + "' is not a valid date (YYYY-MM-DD)");
    out.clear();
    return false;
  }
  return true;
}

bool MapReader::duration(std::string_view name, std::optional<util::Duration>& out, bool req) const {
  std::string s;
  if (!str(name, s, req) || s.empty()) {
    return false;
  }
  out = util::parse_duration(s);
  if (!out) {
    m_ctx.error(*get(name), "'" + s + "' is not an ISO 8601 duration (for example P12M, P30D, PT15M)");
    return false;
  }
  return true;
}

bool MapReader::purdue(std::string_view name, std::optional<double>& out) const {
  if (!number(name, out) || !out) {
    return false;
  }
  if (std::find(k_purdue_levels.begin(), k_purdue_levels.end(), *out) == k_purdue_levels.end()) {
    m_ctx.error(*get(name), "'" + get(name)->value + "' is not a Purdue level (0, 1, 2, 3, 3.5, 4, 5)");
    out.reset();
    return false;
  }
  return true;
}

bool MapReader::string_list(std::string_view name, std::vector<std::string>& out) const {
  const YamlNode* v = get(name);
  if (!v) {
    return true;
  }
  if (!v->is_seq()) {
    m_ctx.error(*v, "'" + std::string(name) + "' must be a list, not " + v->kind_name());
    return false;
  }
  for (const YamlNode& item : v->children) {
    if (!item.is_scalar()) {
      m_ctx.error(item, "items of '" + std::string(name) + "' must be strings, not " + item.kind_name());
      return false;
    }
    out.push_back(item.value);
  }
  return true;
}

bool MapReader::string_map(std::string_view name, std::map<std::string, std::string>& out) const {
  const YamlNode* v = get(name);
  if (!v) {
    return true;
  }
  if (!v->is_map()) {
    m_ctx.error(*v, "'" + std::string(name) + "' must be a mapping, not " + v->kind_name());
    return false;
  }
  for (size_t i = 0; i + 1 < v->children.size(); i += 2) {
    const YamlNode& k = v->children[i];
    const YamlNode& val = v->children[i + 1];
    if (!k.is_scalar() || !val.is_scalar()) {
      m_ctx.error(val.is_scalar() ? k : val,
                  "'" + std::string(name) + "' must map strings to strings");
      return false;
    }
    if (!out.emplace(k.value, val.value).second) {
      m_ctx.error(k, "duplicate key '" + k.value + "' in '" + std::string(name) + "'");
    }
  }
  return true;
}

const std::vector<YamlNode>* MapReader::list(std::string_view name) const {
  const YamlNode* v = get(name);
  if (!v) {
    return nullptr;
  }
  if (!v->is_seq()) {
    m_ctx.error(*v, "'" + std::string(name) + "' must be a list, not " + v->kind_name());
    return nullptr;
  }
  return &v->children;
}

} // namespace twinctl::loaders::kinds
