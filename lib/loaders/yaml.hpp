// A small YAML document tree built from libyaml's event parser. The tree keeps
// each node's line and column so every later error can point at the source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::loaders {

struct YamlNode {
  enum class Kind : uint8_t { null, scalar, mapping, sequence };
  Kind kind = Kind::null;
  bool plain = false; // an unquoted scalar (so `"null"` stays a string)
  int line = 0;       // 1-based
  int column = 0;     // 1-based
  std::string value;  // scalars
  // Sequence: the items. Mapping: key, value, key, value, ...
  std::vector<YamlNode> children;

  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_map() const { return kind == Kind::mapping; }
  bool is_seq() const { return kind == Kind::sequence; }
  bool is_null() const { return kind == Kind::null; }
  const char* kind_name() const;
};

// Bounds that keep hostile input (alias bombs, huge scalars, deep nesting)
// from exhausting memory or time.
struct YamlLimits {
  size_t max_depth = 64;
  size_t max_scalar_bytes = 1 << 20;
  size_t max_alias_nodes = 100000; // nodes created by expanding aliases, per file
  // Scalar bytes of a file once its aliases are expanded (its own scalars plus every
  // copy an alias makes): one anchored 1 MiB scalar aliased 100k times is 100k nodes
  // but 100 GB. A file within the 64 MiB file limit and without aliases always fits.
  size_t max_expanded_bytes = size_t{64} << 20;
};

// Parses every document of `text`. Documents that are empty are kept as null
// nodes. Throws twinctl::Error "path:line:column: message" on a syntax error or
// a limit.
std::vector<YamlNode> parse_yaml(std::string_view text, const std::string& path,
                                 const YamlLimits& limits = {});

} // namespace twinctl::loaders
