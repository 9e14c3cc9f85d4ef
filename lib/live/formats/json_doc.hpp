// A parsed JSON document that can say where something in it is wrong
// ("path:line:column: message"), and the checked member access the live-state
// readers share. Internal to lib/live.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::live::detail {

using json = nlohmann::json;
using Path = std::vector<std::string>; // a JSON pointer as tokens, for error locations

constexpr size_t k_max_bytes = size_t(1) << 30;
// nlohmann's parser is iterative, but dump(), copies and our own walks recurse.
constexpr size_t k_max_depth = 256;

// Offset of the first '{'/'[' nested deeper than `limit`, else npos.
size_t too_deep_at(std::string_view text, size_t limit);

// One parsed file with what it takes to say where something is wrong.
class Doc {
public:
  Doc(std::string path, std::string text) : m_path(std::move(path)), m_text(std::move(text)) {}

  // Throws twinctl::Error "path:line:column: invalid JSON: ..." (or too deep).
  void parse();

  [[noreturn]] void fail_at(size_t offset, const std::string& message) const;

  // Fails at the value `where` points to (the nearest existing ancestor).
  [[noreturn]] void fail(const Path& where, const std::string& message) const;

  const json& root() const { return m_root; }
  const std::string& path() const { return m_path; }
  const std::string& text() const { return m_text; }

  // A Doc of messages received from a broker: there is no text to point
  // into, so errors name the path instead: "<where[0]>, at /a/b: message".
  static Doc in_memory() {
    Doc d("", "");
    d.m_in_memory = true;
    return d;
  }

private:
  [[noreturn]] void fail_in_memory(const Path& where, const std::string& message) const;

  std::string m_path;
  std::string m_text;
  json m_root;
  bool m_in_memory = false;
};

Path at(Path p, std::string token);

// "an object", "a string", ... for error messages.
std::string describe(const json& v);

enum class Kind { object, array, string, boolean, integer, any };

enum Need { k_optional = 0, k_required = 1, k_nullable = 2 };

// obj[key] when present and of kind `k` (or null when nullable); nullptr when
// absent or null. Fails on a missing required key or another kind.
const json* member(const Doc& d, const json& obj, const Path& where, const std::string& key, Kind k,
                   int need = k_optional);

std::string required_string(const Doc& d, const json& obj, const Path& where, const std::string& key);

void check_keys(const Doc& d, const json& obj, const Path& where, std::initializer_list<std::string_view> allowed);

} // namespace twinctl::live::detail
