#include "lib/output/health_output.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <cstdio>

namespace twinctl::output {

namespace {

std::string pad(const std::string& s, size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string status(const health::AssetHealth& h) {
  if (h.warning && h.at_risk) {
    return "WARN+RISK";
  }
  return h.warning ? "WARNING" : h.at_risk ? "AT RISK" : "ok";
}

} // namespace

std::vector<const health::AssetHealth*> health_order(const health::HealthReport& r) {
  std::vector<const health::AssetHealth*> out;
  for (const health::AssetHealth& h : r.assets) {
    out.push_back(&h);
  }
  std::stable_sort(out.begin(), out.end(), [](const health::AssetHealth* a, const health::AssetHealth* b) {
    const bool fa = a->warning || a->at_risk, fb = b->warning || b->at_risk;
    if (fa != fb) {
      return fa;
    }
    if (a->score != b->score) {
      return a->score < b->score;
    }
    return a->asset < b->asset;
  });
  return out;
}

void write_health_table(std::ostream& out, const health::HealthReport& r) {
  out << util::visible(r.site) << (r.site_name.empty() ? "" : " — " + util::visible(r.site_name)) << " · health at "
      << util::format_timestamp(r.now) << " · " << util::plural(long(r.assets.size()), "asset", "assets") << "\n\n";
  const auto order = health_order(r);
  size_t w = 6;
  for (const health::AssetHealth* h : order) {
    w = std::max(w, std::min<size_t>(h->asset.size(), 32) + 1);
  }
  out << pad("STATUS", 10) << pad("SCORE", 6) << pad("RISK", 5) << pad("ASSET", w) << "WHY\n";
  size_t shown = 0;
  for (const health::AssetHealth* h : order) {
    // Every asset that needs a look, and at most 20 healthy ones (the JSON has all).
    if (!h->warning && !h->at_risk && h->score >= 100) {
      continue;
    }
    if (!h->warning && !h->at_risk && ++shown > 20) {
      continue;
    }
    std::string why;
    for (const health::Component& c : h->components) {
      if (c.penalty >= 0.5) {
        why += (why.empty() ? "" : "; ") + c.name + " -" + fixed(c.penalty, 0) + ": " + c.why;
      }
    }
    out << pad(status(*h), 10) << pad(fixed(h->score, 0), 6) << pad(h->risk ? fixed(*h->risk, 2) : "n/a", 5)
        << pad(util::visible(h->asset.substr(0, 32)), w) << util::visible(why.empty() ? "no penalty" : why) << "\n";
  }
  const size_t perfect = size_t(std::count_if(r.assets.begin(), r.assets.end(), [](const health::AssetHealth& h) {
    return h.score >= 100 && !h.at_risk;
  }));
  if (perfect > 0) {
    out << "  (" << util::plural(long(perfect), "asset", "assets") << " at 100 not listed)\n";
  }
  out << "\n" << pad("LEVEL", 6) << pad("ID", 22) << pad("SCORE", 6) << pad("ASSETS", 7) << pad("WARN", 5)
      << pad("RISK", 5) << "WORST\n";
  for (const health::Rollup& u : r.rollups) {
    out << pad(u.level, 6) << pad(util::visible(u.id.substr(0, 21)), 22) << pad(fixed(u.score, 0), 6)
        << pad(std::to_string(u.assets), 7) << pad(std::to_string(u.warnings), 5) << pad(std::to_string(u.at_risk), 5)
        << util::visible(u.worst_asset) << " (" << fixed(u.worst_score, 0) << ")\n";
  }
  // What the components did not see: say it once, not per asset.
  size_t no_drift = 0, no_alerts = 0, no_status = 0, no_trend = 0;
  for (const health::AssetHealth& h : r.assets) {
    no_drift += !h.components[0].has_data;
    no_alerts += !h.components[1].has_data;
    no_status += !h.components[2].has_data;
    no_trend += !h.components[5].has_data;
  }
  out << "\n" << util::plural(long(r.warnings), "asset", "assets") << " under " << fixed(r.policy.warn_below, 0) << ", "
      << r.at_risk << " with a failure risk over " << fixed(r.policy.risk_above, 2) << " within "
      << r.policy.horizon.text << ".";
  if (no_drift == r.assets.size()) {
    out << " Drift not checked (no --live).";
  }
  if (no_alerts == r.assets.size()) {
    out << " No alert stream (--alerts).";
  }
  if (no_status > 0) {
    out << " No status readings for " << no_status << ", no fitted trend for " << no_trend << ".";
  }
  out << "\n";
}

} // namespace twinctl::output
