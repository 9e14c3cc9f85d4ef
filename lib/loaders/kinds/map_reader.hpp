// The checked reading of one YAML mapping of a twin document: unknown and
// duplicate keys, types (string, id, number, date, duration, list, mapping)
// and value syntax, each problem a Diagnostic at the node's file:line:column.
// Every document reader in lib/loaders/kinds/ is built on it.
#pragma once

#include "lib/loaders/yaml.hpp"
#include "lib/model/twin.hpp"
#include "lib/util/time.hpp"

#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::loaders::kinds {

// Conversion context of one file.
struct Ctx {
  model::FilePath path; // interned once per file: every location shares it
  std::vector<model::Diagnostic>& errors;

  model::SourceLocation loc(const YamlNode& n) const { return {path, n.line, n.column}; }
  void error(const YamlNode& n, std::string msg) const { errors.push_back({loc(n), std::move(msg)}); }
};

// "a, b, c": the allowed values in a message.
std::string quoted_list(const std::vector<std::string>& v);

// Reads one YAML mapping against a fixed set of keys. Unknown and duplicate
// keys are reported once, when the reader is built. The readers below return
// false (after adding an error) when the value is present but wrong, and leave
// `out` unchanged when the key is absent (unless `req`, which is an error).
class MapReader {
public:
  MapReader(const Ctx& ctx, const YamlNode& node, std::string what, const std::vector<std::string>& allowed);
  // The keys as a list of literals: no strings are built unless a key is wrong.
  MapReader(const Ctx& ctx, const YamlNode& node, std::string what, std::initializer_list<std::string_view> allowed)
      : MapReader(ctx, node, std::move(what), std::span<const std::string_view>(allowed.begin(), allowed.size())) {}
  MapReader(const Ctx& ctx, const YamlNode& node, std::string what, std::span<const std::string_view> allowed);

  bool ok() const { return m_ok; }
  const YamlNode& node() const { return m_node; }

  // The key node, or nullptr.
  const YamlNode* key(std::string_view name) const;
  // The value node; nullptr when the key is absent or its value is null.
  const YamlNode* get(std::string_view name) const;
  // Where the key is, or the mapping when it is absent.
  model::SourceLocation loc_of(std::string_view name) const;

  bool required(std::string_view name) const;
  // A scalar as text. Returns false (with an error) when it is not a scalar.
  bool str(std::string_view name, std::string& out, bool req = false) const;
  bool id(std::string_view name, std::string& out, bool req = false) const;
  bool one_of(std::string_view name, std::string& out, const std::vector<std::string>& allowed,
              bool req = false) const;
  bool number(std::string_view name, std::optional<double>& out, bool req = false) const;
  bool integer(std::string_view name, std::optional<int>& out, int min, int max) const;
  bool boolean(std::string_view name, bool& out) const;
  bool date(std::string_view name, std::string& out, bool req = false) const;
  bool duration(std::string_view name, std::optional<util::Duration>& out, bool req = false) const;
  bool purdue(std::string_view name, std::optional<double>& out) const;
  bool string_list(std::string_view name, std::vector<std::string>& out) const;
  // A mapping of string to scalar.
  bool string_map(std::string_view name, std::map<std::string, std::string>& out) const;
  // Items of a list-valued key; nullptr (with an error) when not a list.
  const std::vector<YamlNode>* list(std::string_view name) const;

private:
  const Ctx& m_ctx;
  const YamlNode& m_node;
  std::string m_what;
  bool m_ok = true;
};

} // namespace twinctl::loaders::kinds
