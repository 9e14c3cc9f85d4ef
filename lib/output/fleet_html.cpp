#include "lib/output/fleet_output.hpp"

#include "lib/output/audit_report_output.hpp"
#include "lib/util/strings.hpp"

namespace twinctl::output {

namespace {

constexpr model::Severity k_order[] = {model::Severity::critical, model::Severity::high, model::Severity::medium,
                                       model::Severity::low, model::Severity::info};

std::string esc(const std::string &s) { return html_escape(s); }

std::string n_cell(int64_t n) {
  return std::string("<td class=\"n") + (n == 0 ? " zero" : "") + "\">" + std::to_string(n) + "</td>";
}

// The header cells: the given columns, then one per severity and the total.
std::string head(std::initializer_list<const char *> first) {
  std::string o = "<thead><tr>";
  for (const char *c : first) {
    o += std::string("<th scope=\"col\">") + c + "</th>";
  }
  for (model::Severity s : k_order) {
    o += std::string("<th scope=\"col\" class=\"n\">") + model::to_string(s) + "</th>";
  }
  return o + "<th scope=\"col\" class=\"n\">Total</th>";
}

std::string sev_cells(const report::SeverityCounts &c) {
  std::string o;
  for (model::Severity s : k_order) {
    o += n_cell(c[size_t(s)]);
  }
  return o + n_cell(report::total(c));
}

void sites(std::string &o, const report::FleetReport &r) {
  o += "<section aria-labelledby=\"s-sites\"><h2 id=\"s-sites\">Sites, worst first</h2><table>" +
       head({"Site", "Run", "Date"}) +
       "<th scope=\"col\" class=\"n\">Change</th><th scope=\"col\">Last runs</th><th scope=\"col\" "
       "class=\"n\">Health</th></tr></thead><tbody>";
  for (const report::FleetSite &s : r.sites) {
    o += "<tr><th scope=\"row\">" + esc(s.latest.site) +
         (s.latest.site_name.empty() ? "" : "<br><small>" + esc(s.latest.site_name) + "</small>") + "</th><td>#" +
         std::to_string(s.latest.id) + "</td><td>" + esc(s.latest.started_at.substr(0, 10)) +
         (s.latest.incomplete ? " <span class=\"sev sev-high\">incomplete</span>" : "") +
         (s.age_days > 1 ? " <span class=\"sev sev-medium\">" + std::to_string(s.age_days) + " days old</span>" : "") +
         "</td>" + sev_cells(s.latest.open) + "<td class=\"n\">" + fleet_change(s.change) + "</td><td>" +
         fleet_recent(s.recent) + "</td><td class=\"n\">" + esc(fleet_health(s)) + "</td></tr>";
  }
  o += "</tbody></table></section>";
}

void assets(std::string &o, const report::FleetReport &r) {
  o += "<section aria-labelledby=\"s-assets\"><h2 id=\"s-assets\">Worst assets</h2>";
  if (r.assets.empty()) {
    o += "<p class=\"none\">No open findings on any asset.</p></section>";
    return;
  }
  o += "<table>" + head({"Site", "Asset"}) + "</tr></thead><tbody>";
  for (const report::FleetAsset &a : r.assets) {
    o += "<tr><td>" + esc(a.site) + "</td><th scope=\"row\">" + esc(a.asset) + "</th>" + sev_cells(a.open) + "</tr>";
  }
  if (r.assets_open > int64_t(r.assets.size())) {
    o += "<tr><td class=\"more\" colspan=\"8\">… and " +
         util::plural(r.assets_open - int64_t(r.assets.size()), "more asset", "more assets") +
         " with open findings</td></tr>";
  }
  o += "</tbody></table></section>";
}

void trend(std::string &o, const report::FleetReport &r) {
  o += "<section aria-labelledby=\"s-trend\"><h2 id=\"s-trend\">Fleet trend</h2><p>Each site counted at its latest "
       "run up to the day.</p><table>" +
       head({"Date", "Sites"}) + "</tr></thead><tbody>";
  for (const report::FleetTrendPoint &p : r.trend) {
    o += "<tr><th scope=\"row\">" + esc(p.date) + "</th>" + n_cell(p.sites) + sev_cells(p.open) + "</tr>";
  }
  o += "</tbody></table></section>";
}

} // namespace

void write_fleet_html(std::ostream &out, const report::FleetReport &r) {
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
                  "'unsafe-inline'; img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, "
                  "initial-scale=1\">\n<meta name=\"generator\" content=\"twinctl " +
                  esc(r.tool_version) + "\">\n<title>" + esc(r.title) + "</title>\n<style>" + report_css() +
                  "</style>\n</head>\n<body>\n<header><h1>" + esc(r.title) + "</h1><p class=\"meta\">" +
                  util::plural(int64_t(r.sites.size()), "site", "sites") + " · as of " + esc(r.generated_at) +
                  "</p>";
  if (r.incomplete > 0) {
    o += "<p class=\"banner warn\" role=\"note\"><strong>⚠ " + util::plural(r.incomplete, "site", "sites") +
         " incomplete.</strong> A live source could not be read in the latest run; those sites may miss findings.</p>";
  }
  if (r.stale > 0) {
    o += "<p class=\"banner warn\" role=\"note\"><strong>⚠ " + util::plural(r.stale, "site has", "sites have") +
         " not been audited for more than a day.</strong> Is the nightly job still running?</p>";
  }
  o += "</header>\n<main>\n<section aria-labelledby=\"s-summary\"><h2 id=\"s-summary\">Summary</h2><div "
       "class=\"cards\">";
  std::string by;
  for (model::Severity s : k_order) {
    by += (by.empty() ? "" : " · ") + std::to_string(r.open[size_t(s)]) + " " + model::to_string(s);
  }
  o += "<div class=\"card\"><h3>Open findings</h3><p class=\"big\">" + std::to_string(r.open_total) + "</p><p>" + by +
       "</p></div><div class=\"card\"><h3>New</h3><p class=\"big\">" + std::to_string(r.new_count) +
       "</p><p>new or reopened in the latest runs</p></div><div class=\"card\"><h3>Resolved</h3><p class=\"big\">" +
       std::to_string(r.resolved_count) + "</p><p>in the latest runs</p></div></div></section>\n";
  sites(o, r);
  o += "\n";
  assets(o, r);
  o += "\n";
  trend(o, r);
  o += "\n</main>\n<footer>Generated by twinctl " + esc(r.tool_version) +
       " from the latest audit run of every site in the history database, as of " + esc(r.generated_at) +
       ".</footer>\n</body>\n</html>\n";
  out << o;
}

} // namespace twinctl::output
