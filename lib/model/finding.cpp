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
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(-static_cast<int>(a.severity), a.asset, a.rule, a.field) <
           std::make_tuple(-static_cast<int>(b.severity), b.asset, b.rule, b.field);
  });
}

} // namespace twinctl::model
