#include "lib/output/health_output.hpp"
#include "lib/output/markdown_text.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <cstdio>

namespace twinctl::output {

namespace {

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

} // namespace

void write_health_markdown(std::ostream& out, const health::HealthReport& r) {
  out << "## Asset health — " << markdown_text(r.site_name.empty() ? r.site : r.site_name) << "\n\n"
      << util::plural(long(r.assets.size()), "asset", "assets") << " at " << util::format_timestamp(r.now) << ": **"
      << r.warnings << "** under " << fixed(r.policy.warn_below, 0) << ", **" << r.at_risk
      << "** with a failure risk over " << fixed(r.policy.risk_above, 2) << " within " << r.policy.horizon.text
      << ".\n\n";
  out << "| Level | Id | Score | Assets | Under " << fixed(r.policy.warn_below, 0) << " | At risk | Worst |\n"
      << "| --- | --- | ---: | ---: | ---: | ---: | --- |\n";
  for (const health::Rollup& u : r.rollups) {
    out << "| " << u.level << " | " << markdown_text(u.id) << " | " << fixed(u.score, 0) << " | " << u.assets << " | "
        << u.warnings << " | " << u.at_risk << " | " << markdown_text(u.worst_asset) << " (" << fixed(u.worst_score, 0)
        << ") |\n";
  }
  out << "\n| Asset | Score | Risk | Why |\n| --- | ---: | ---: | --- |\n";
  size_t rows = 0;
  for (const health::AssetHealth* h : health_order(r)) {
    if (h->score >= 100 && !h->at_risk) {
      continue;
    }
    if (++rows > 50) {
      out << "\n… and more (the JSON output has every asset).\n";
      break;
    }
    std::string why;
    for (const health::Component& c : h->components) {
      if (c.penalty >= 0.5) {
        why += (why.empty() ? "" : "<br>") + c.name + " −" + fixed(c.penalty, 0) + ": " + markdown_text(c.why);
      }
    }
    out << "| " << markdown_text(h->asset) << (h->warning || h->at_risk ? " ⚠" : "") << " | " << fixed(h->score, 0)
        << " | " << (h->risk ? fixed(*h->risk, 2) : "—") << " | " << why << " |\n";
  }
}

} // namespace twinctl::output
