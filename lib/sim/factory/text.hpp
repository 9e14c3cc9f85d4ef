// Text of the generated files, written without temporaries on the hot paths:
// zero-padded numbers, hex, IP addresses, JSON strings and double-quoted YAML
// scalars. Inline: the generator calls them for every field of every asset.
#pragma once

#include "lib/util/rng.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace twinctl::sim::factory {

inline std::string pad(size_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) {
    s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  }
  return s;
}

inline int digits_of(size_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// 713 -> "71.3", 700 -> "70", -5 -> "-0.5".
inline void append_tenths(std::string &out, int64_t tenths) {
  if (tenths < 0) {
    out += '-';
    tenths = -tenths;
  }
  out += std::to_string(tenths / 10);
  if (tenths % 10 != 0) {
    out += '.';
    out += static_cast<char>('0' + tenths % 10);
  }
}

inline constexpr char k_hex[] = "0123456789abcdef";

inline std::string random_hex(util::Rng &rng, size_t n) {
  std::string s(n, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i % 16 == 0) {
      bits = rng.next();
    }
    s[i] = k_hex[bits & 15];
    bits >>= 4;
  }
  return s;
}

inline std::string upper(std::string s) {
  for (auto &c : s) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return s;
}

inline std::string ipv4_text(uint32_t a) {
  return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 255) + '.' +
         std::to_string((a >> 8) & 255) + '.' + std::to_string(a & 255);
}

// RFC 5952 text (the longest run of two or more zero groups becomes "::",
// the first on a tie), or every group written out in full when `expanded`.
inline std::string ipv6_text(const std::array<uint16_t, 8> &g, bool expanded) {
  std::string s;
  auto group = [&](uint16_t v) {
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof buf, v, 16);
    std::string h(buf, r.ptr);
    if (expanded) {
      h.insert(0, 4 - h.size(), '0');
    }
    s += h;
  };
  int best = -1, best_len = 0;
  if (!expanded) {
    for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && g[static_cast<size_t>(j)] == 0) {
        ++j;
      }
      if (j - i > best_len && j - i >= 2) {
        best = i;
        best_len = j - i;
      }
      i = j == i ? i + 1 : j;
    }
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && !(best >= 0 && i == best + best_len)) {
      s += ':';
    }
    group(g[static_cast<size_t>(i)]);
  }
  return s;
}

inline void append_json_string(std::string &out, std::string_view s) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

// A JSON string, or null when empty.
inline void append_json_or_null(std::string &out, std::string_view s) {
  if (s.empty()) {
    out += "null";
  } else {
    append_json_string(out, s);
  }
}

// A double-quoted YAML scalar (so that no YAML 1.1 reader turns it into a
// date, a number or a boolean).
inline std::string yq(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

// Appends every part: no temporaries on the hot paths.
template <class... Parts> void put(std::string &o, const Parts &...parts) {
  (o.append(std::string_view(parts)), ...);
}

// Appends s as a double-quoted YAML scalar.
inline void put_q(std::string &o, std::string_view s) {
  o += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
    }
    o += c;
  }
  o += '"';
}

inline void put_int(std::string &o, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  o.append(buf, r.ptr);
}

} // namespace twinctl::sim::factory
