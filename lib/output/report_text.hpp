// Numbers as the audit report writes them, the same in HTML and Markdown: a
// health score, its change since the previous run, a rate as a percentage, a
// loss in minutes or hours.
#pragma once

#include "lib/output/columns.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

namespace twinctl::output {

inline std::string score_text(double v) { return fixed(v, 0); }

// "−4", "+3", "±0" against the previous run; "—" without one.
inline std::string change_text(double now, const std::optional<double> &before) {
  if (!before) {
    return "—";
  }
  const long d = std::lround(now - *before);
  return d > 0 ? "+" + std::to_string(d) : d < 0 ? "−" + std::to_string(-d) : "±0";
}

// 0.512 -> "51.2 %"; "—" when unknown.
inline std::string percent_text(const std::optional<double> &v) {
  if (!v) {
    return "—";
  }
  return fixed(*v * 100, 1) + " %";
}

// Seconds as "45 min" under an hour, else "2.5 h".
inline std::string hours_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 3600 ? "%.0f min" : "%.1f h", s < 3600 ? s / 60 : s / 3600);
  return buf;
}

} // namespace twinctl::output
