// Small text helpers of the plain-text tables: a column padded to a width, a
// number with a fixed count of decimals.
#pragma once

#include <cstdio>
#include <string>

namespace twinctl::output {

// `s` padded with spaces to `w` characters, and at least one space after it.
inline std::string pad(const std::string& s, size_t w) {
  return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' ');
}

// "12.3" for fixed(12.345, 1).
inline std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

} // namespace twinctl::output
