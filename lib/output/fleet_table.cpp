#include "lib/output/fleet_output.hpp"
#include "lib/output/columns.hpp"
#include "lib/output/report_text.hpp"

#include "lib/util/strings.hpp"

#include <algorithm>
#include <sstream>

namespace twinctl::output {

namespace {

constexpr model::Severity k_order[] = {model::Severity::critical, model::Severity::high, model::Severity::medium,
                                       model::Severity::low, model::Severity::info};


std::string sev_cells(const report::SeverityCounts &c) {
  std::string s;
  for (model::Severity sev : k_order) {
    s += pad(std::to_string(c[size_t(sev)]), 9);
  }
  return s + pad(std::to_string(report::total(c)), 6);
}

const std::string k_sev_head = "CRITICAL HIGH     MEDIUM   LOW      INFO     TOTAL ";

} // namespace

std::string fleet_change(const std::optional<int64_t> &change) {
  if (!change) {
    return "new";
  }
  return (*change > 0 ? "+" : "") + std::to_string(*change);
}

std::string fleet_recent(const std::vector<int64_t> &recent) {
  std::string s;
  for (int64_t n : recent) {
    s += (s.empty() ? "" : " ") + std::to_string(n);
  }
  return s;
}

std::string fleet_health(const report::FleetSite &s) {
  if (!s.health) {
    return "—";
  }
  return score_text(s.health->score) + (s.health->warnings > 0 ? " (" + std::to_string(s.health->warnings) + " low)" : "");
}

void write_fleet_table(std::ostream &os, const report::FleetReport &r) {
  std::ostringstream out; // the columns are padded: lines lose their trailing blanks at the end
  out << util::visible(r.title) << " — " << util::plural(int64_t(r.sites.size()), "site", "sites") << ", as of "
      << r.generated_at << "\n";
  out << "Open findings: " << r.open_total;
  std::string by;
  for (model::Severity sev : k_order) {
    if (r.open[size_t(sev)] > 0) {
      by += (by.empty() ? "" : ", ") + std::to_string(r.open[size_t(sev)]) + " " + model::to_string(sev);
    }
  }
  out << (by.empty() ? "" : " (" + by + ")") << " · " << r.new_count << " new or reopened, " << r.resolved_count
      << " resolved in the latest runs";
  if (r.incomplete > 0) {
    out << " · " << util::plural(r.incomplete, "site incomplete", "sites incomplete");
  }
  if (r.stale > 0) {
    out << " · " << util::plural(r.stale, "site", "sites") << " not audited for more than a day";
  }
  out << "\n\nSITES (worst first)\n";
  size_t w = 6;
  for (const report::FleetSite &s : r.sites) {
    w = std::max(w, std::min<size_t>(util::visible(s.latest.site).size(), 32) + 1);
  }
  out << pad("SITE", w) << pad("RUN", 6) << pad("DATE", 11) << k_sev_head << pad("CHANGE", 7) << pad("HEALTH", 12)
      << "LAST RUNS\n";
  for (const report::FleetSite &s : r.sites) {
    std::string flags = std::string(s.latest.incomplete ? " incomplete" : "") +
                        (s.age_days > 1 ? " " + std::to_string(s.age_days) + " days old" : "");
    out << pad(util::visible(s.latest.site).substr(0, 32), w) << pad(std::to_string(s.latest.id), 6)
        << pad(s.latest.started_at.substr(0, 10), 11) << sev_cells(s.latest.open) << pad(fleet_change(s.change), 7)
        << pad(fleet_health(s), 12) << fleet_recent(s.recent) << flags << "\n";
  }
  out << "\nWORST ASSETS (" << r.assets.size() << " of " << util::plural(r.assets_open, "asset", "assets")
      << " with open findings)\n";
  if (!r.assets.empty()) {
    size_t wa = 6;
    for (const report::FleetAsset &a : r.assets) {
      wa = std::max(wa, std::min<size_t>(util::visible(a.asset).size(), 32) + 1);
    }
    out << pad("SITE", w) << pad("ASSET", wa) << k_sev_head << "\n";
    for (const report::FleetAsset &a : r.assets) {
      out << pad(util::visible(a.site).substr(0, 32), w) << pad(util::visible(a.asset).substr(0, 32), wa)
          << sev_cells(a.open) << "\n";
    }
  }
  out << "\nFLEET TREND (each site at its latest run up to the day)\n" << pad("DATE", 11) << pad("SITES", 6)
      << k_sev_head << "\n";
  for (const report::FleetTrendPoint &p : r.trend) {
    out << pad(p.date, 11) << pad(std::to_string(p.sites), 6) << sev_cells(p.open) << "\n";
  }
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    line.erase(line.find_last_not_of(' ') + 1);
    os << line << "\n";
  }
}

} // namespace twinctl::output
