#include "lib/model/finding.hpp"

#include <algorithm>
#include <cstdint>
#include <tuple>

namespace twinctl::model {

const char* to_string(Severity s) {
  switch (s) {
  case Severity::info:
    return "info";
  case Severity::low:
    return "low";
  case Severity::medium:
    return "medium";
  case Severity::high:
    return "high";
  case Severity::critical:
    return "critical";
  }
  return "unknown";
}

std::optional<Severity> parse_severity(const std::string& s) {
  for (Severity v : {Severity::info, Severity::low, Severity::medium, Severity::high,
                     Severity::critical}) {
    if (s == to_string(v)) {
      return v;
    }
  }
  return std::nullopt;
}

std::string fingerprint(const std::string& site, const std::string& asset,
                        const std::string& field, const std::string& rule) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0x1f; // separator, so "ab"+"c" differs from "a"+"bc"
    h *= 1099511628211ULL;
  };
  mix(site);
  mix(asset);
  mix(field);
  mix(rule);
  static const char* hex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = hex[h & 0xf];
    h >>= 4;
  }
  return out;
}

void sort_findings(std::vector<Finding>& findings) {
  // Sorts indices (a Finding is ~20 strings: moving them on every swap is
  // what costs), compares without copying, then moves each finding once.
  std::vector<size_t> order(findings.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Finding& a = findings[x];
    const Finding& b = findings[y];
    int sa = -static_cast<int>(a.severity);
    int sb = -static_cast<int>(b.severity);
    return std::tie(sa, a.asset, a.rule, a.field) < std::tie(sb, b.asset, b.rule, b.field);
  });
  std::vector<Finding> sorted;
  sorted.reserve(findings.size());
  for (size_t i : order) {
    sorted.push_back(std::move(findings[i]));
  }
  findings = std::move(sorted);
}

} // namespace twinctl::model
