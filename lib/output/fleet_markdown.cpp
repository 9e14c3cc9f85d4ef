#include "lib/output/fleet_output.hpp"

#include "lib/output/markdown_text.hpp"
#include "lib/util/strings.hpp"

namespace twinctl::output {

namespace {

constexpr model::Severity k_order[] = {model::Severity::critical, model::Severity::high, model::Severity::medium,
                                       model::Severity::low, model::Severity::info};

std::string sev_head(const std::string &first) {
  std::string h = "| " + first + " |";
  for (model::Severity s : k_order) {
    h += std::string(" ") + model::to_string(s) + " |";
  }
  return h + " total |";
}

std::string sev_cells(const report::SeverityCounts &c) {
  std::string s;
  for (model::Severity sev : k_order) {
    s += " " + std::to_string(c[size_t(sev)]) + " |";
  }
  return s + " **" + std::to_string(report::total(c)) + "** |";
}

// The delimiter row of a table: numbers (severities, totals, runs, changes) right-aligned.
std::string rule_of(const std::string &head) {
  std::string rule = "|";
  size_t start = 1;
  for (size_t bar = head.find('|', start); bar != std::string::npos; start = bar + 1, bar = head.find('|', start)) {
    std::string name = head.substr(start, bar - start);
    name = name.substr(1, name.size() > 2 ? name.size() - 2 : 0);
    bool number = name == "total" || name == "Run" || name == "Sites" || name == "Change" || name == "Health" ||
                  model::parse_severity(name).has_value();
    rule += number ? " ---: |" : " --- |";
  }
  return rule;
}

} // namespace

void write_fleet_markdown(std::ostream &out, const report::FleetReport &r) {
  std::string o = "# " + markdown_text(r.title) + "\n\n";
  o += util::plural(int64_t(r.sites.size()), "site", "sites") + " · as of " + r.generated_at + " · **" +
       std::to_string(r.open_total) + "** open findings · " + std::to_string(r.new_count) + " new or reopened, " +
       std::to_string(r.resolved_count) + " resolved in the latest runs\n\n";
  if (r.incomplete > 0) {
    o += "> ⚠️ **" + util::plural(r.incomplete, "site", "sites") +
         " incomplete:** a live source could not be read in the latest run; those sites may miss findings.\n\n";
  }
  if (r.stale > 0) {
    o += "> ⚠️ **" + util::plural(r.stale, "site has", "sites have") +
         " not been audited for more than a day:** is the nightly job still running?\n\n";
  }
  std::string head = sev_head("Site | Run | Date") + " Change | Last runs | Health |";
  o += "## Sites, worst first\n\n" + head + "\n" + rule_of(head) + "\n";
  for (const report::FleetSite &s : r.sites) {
    o += "| " + markdown_text(s.latest.site) + (s.latest.incomplete ? " ⚠️" : "") + " | #" +
         std::to_string(s.latest.id) + " | " + s.latest.started_at.substr(0, 10) +
         (s.age_days > 1 ? " (" + std::to_string(s.age_days) + " days old)" : "") + " |" + sev_cells(s.latest.open) +
         " " + fleet_change(s.change) + " | " + fleet_recent(s.recent) + " | " + fleet_health(s) + " |\n";
  }
  o += "\n## Worst assets\n\n";
  if (r.assets.empty()) {
    o += "No open findings on any asset.\n";
  } else {
    head = sev_head("Site | Asset");
    o += head + "\n" + rule_of(head) + "\n";
    for (const report::FleetAsset &a : r.assets) {
      o += "| " + markdown_text(a.site) + " | " + markdown_text(a.asset) + " |" + sev_cells(a.open) + "\n";
    }
    if (r.assets_open > int64_t(r.assets.size())) {
      o += "\n_… and " + util::plural(r.assets_open - int64_t(r.assets.size()), "more asset", "more assets") +
           " with open findings._\n";
    }
  }
  head = sev_head("Date | Sites");
  o += "\n## Fleet trend\n\nEach site counted at its latest run up to the day.\n\n" + head + "\n" + rule_of(head) + "\n";
  for (const report::FleetTrendPoint &p : r.trend) {
    o += "| " + p.date + " | " + std::to_string(p.sites) + " |" + sev_cells(p.open) + "\n";
  }
  o += "\n_twinctl " + markdown_text(r.tool_version) + " · `twinctl report --site SITE` shows one site in full._\n";
  out << o;
}

} // namespace twinctl::output
