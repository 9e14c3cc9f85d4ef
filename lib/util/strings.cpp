#include "lib/util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace twinctl::util {

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative matcher with one backtrack point: linear in practice, no recursion.
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') {
    ++pi;
  }
  return pi == p.size();
}

size_t edit_distance(std::string_view a, std::string_view b, size_t limit) {
  size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > limit) {
    return limit + 1;
  }
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    prev[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], limit + 1);
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = edit_distance(word, c, best_d);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += parts[i];
  }
  return out;
}

std::string line_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return std::to_string(line) + ":" + std::to_string(offset - line_start + 1);
}

size_t utf8_sequence(std::string_view s, size_t i) {
  if (i >= s.size()) {
    return 0;
  }
  auto at = [&](size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  unsigned c = at(0);
  if (c < 0x80) {
    return 1;
  }
  // The second byte's range excludes overlong forms (E0 80-9F, F0 80-8F), UTF-16
  // surrogates (ED A0-BF) and code points above U+10FFFF (F4 90-BF), as RFC 3629 says.
  unsigned lo = 0x80, hi = 0xbf;
  size_t n = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    lo = c == 0xe0 ? 0xa0 : 0x80;
    hi = c == 0xed ? 0x9f : 0xbf;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    lo = c == 0xf0 ? 0x90 : 0x80;
    hi = c == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (at(1) < lo || at(1) > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; ++k) {
    if ((at(k) & 0xc0) != 0x80) {
      return 0;
    }
  }
  return n;
}

bool is_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

namespace {

// The code point of a valid sequence of `n` bytes at `p`.
uint32_t decode_utf8(const unsigned char* p, size_t n) {
  static const unsigned char k_lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
  uint32_t cp = p[0] & k_lead_mask[n];
  for (size_t k = 1; k < n; ++k) {
    cp = (cp << 6) | (p[k] & 0x3fu);
  }
  return cp;
}

// Characters a terminal or a reader could be fooled by: C0 and C1 controls, DEL,
// the Unicode line and paragraph separators and the bidirectional overrides.
bool needs_escape(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

} // namespace

std::string visible(std::string_view s) {
  size_t i = 0;
  for (size_t n; i < s.size() && (n = utf8_sequence(s, i)) != 0; i += n) {
    if (needs_escape(decode_utf8(reinterpret_cast<const unsigned char*>(s.data() + i), n))) {
      break;
    }
  }
  if (i == s.size()) {
    return std::string(s); // the common case: nothing to escape
  }
  static const char k_hex[] = "0123456789abcdef";
  std::string out(s.substr(0, i));
  while (i < s.size()) {
    size_t n = utf8_sequence(s, i);
    auto byte = static_cast<unsigned char>(s[i]);
    uint32_t cp = n ? decode_utf8(reinterpret_cast<const unsigned char*>(s.data() + i), n) : byte;
    if (n && !needs_escape(cp)) {
      out.append(s.data() + i, n);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (n == 0 || cp < 0x80) { // a control character, or a byte that is not UTF-8
      out += "\\x";
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0xf];
    } else {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) {
        out += k_hex[(cp >> shift) & 0xf];
      }
    }
    i += n ? n : 1;
  }
  return out;
}

std::string plural(long long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

} // namespace twinctl::util
