// The Health section of the HTML audit report: the site and its lines against
// the previous run, the lowest-scoring assets with the components that took
// points off (why), and the trend over the runs. Renders; computes nothing.
#include "lib/output/audit_report_output.hpp"
#include "lib/output/report_text.hpp"
#include "lib/util/strings.hpp"

#include <cmath>
#include <cstdio>

namespace twinctl::output {

namespace {

constexpr size_t k_assets_cap = 25;
constexpr size_t k_lines_cap = 40;

std::string esc(const std::string &s) { return html_escape(s); }

std::string score_cell(double score, bool warning) {
  return std::string("<td class=\"n\">") + (warning ? "<strong class=\"sev-high\">" : "<strong>") + score_text(score) +
         "</strong>" + (warning ? " <span class=\"none\">warning</span>" : "") + "</td>";
}

std::string risk_text(const report::HealthAssetRecord &a) {
  if (!a.risk) {
    return "—";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *a.risk);
  return std::string(a.at_risk ? "<strong class=\"sev-critical\">" : "") + buf + (a.at_risk ? " at risk</strong>" : "");
}

// The components that took points off, worst first: "drift −20: 2 open findings, worst high (...)".
std::string why_of(const report::HealthAssetRecord &a) {
  std::string s;
  bool degraded = false; // the degradation component already names the trend
  for (const report::HealthComponentRecord &c : a.components) {
    degraded = degraded || (c.name == "degradation" && c.penalty > 0);
    if (c.penalty <= 0) {
      continue;
    }
    s += (s.empty() ? "" : "<br>") + std::string("<strong>") + esc(c.name) + " −" + score_text(c.penalty) +
         "</strong>: " + esc(c.why);
  }
  if (!a.trend.empty() && !degraded) {
    s += (s.empty() ? "" : "<br>") + std::string("<em>trend</em>: ") + esc(a.trend);
  }
  return s.empty() ? "—" : s;
}

// OEE, A, P, Q and parts of one line or asset.
std::string oee_cells(const report::OeeRecord &o) {
  return "<td class=\"n\"><strong>" + percent_text(o.oee) + "</strong></td><td class=\"n\">" + percent_text(o.availability) +
         "</td><td class=\"n\">" + percent_text(o.performance) + "</td><td class=\"n\">" + percent_text(o.quality) +
         "</td><td class=\"n\">" + std::to_string(o.good) + " / " + std::to_string(o.total) + "</td>";
}

} // namespace

void write_oee_html(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-oee\" id=\"oee\"><h2 id=\"s-oee\">OEE by line</h2>";
  if (!r.oee) {
    o += "<p class=\"none\">No OEE in this run: the audit was given no --readings, or no asset of the twin declares "
         "production (ideal cycle and part counters).</p></section>";
    return;
  }
  const report::OeeSection &s = *r.oee;
  o += "<p>Availability × performance × quality over the audit's readings";
  if (!s.window_from.empty()) {
    o += " (" + esc(s.window_from) + " to " + esc(s.window_to) + ")";
  }
  o += ", planned production time only (the ShiftCalendar's planned stops are left out). Losses are in hours of "
       "planned time, the biggest first.</p>";
  o += "<table><thead><tr><th scope=\"col\">Line</th><th scope=\"col\" class=\"n\">OEE</th><th scope=\"col\" "
       "class=\"n\">Availability</th><th scope=\"col\" class=\"n\">Performance</th><th scope=\"col\" "
       "class=\"n\">Quality</th><th scope=\"col\" class=\"n\">Good / parts</th><th scope=\"col\">Biggest losses"
       "</th></tr></thead><tbody>";
  size_t shown = 0;
  for (; shown < s.lines.size() && shown < k_lines_cap; ++shown) {
    const report::OeeLine &l = s.lines[shown];
    std::string losses;
    for (size_t i = 0; i < l.losses.size() && i < 3; ++i) {
      char share[32];
      std::snprintf(share, sizeof share, "%.0f %%", l.losses[i].share * 100);
      losses += (losses.empty() ? "" : "<br>") + esc(l.losses[i].name) + ": " + hours_text(l.losses[i].seconds) + " (" +
                share + ")";
    }
    o += "<tr><th scope=\"row\">" + (l.line.line.empty() ? std::string("<em>no line</em>") : esc(l.line.line)) +
         "</th>" + oee_cells(l.line) + "<td class=\"msg\">" + (losses.empty() ? "none" : losses) + "</td></tr>";
  }
  if (shown < s.lines.size()) {
    o += "<tr><td class=\"more\" colspan=\"7\">… and " + std::to_string(s.lines.size() - shown) + " more lines</td></tr>";
  }
  o += "</tbody></table><h3>Assets</h3><table><thead><tr><th scope=\"col\">Asset</th><th scope=\"col\">Line</th>"
       "<th scope=\"col\" class=\"n\">OEE</th><th scope=\"col\" class=\"n\">Availability</th><th scope=\"col\" "
       "class=\"n\">Performance</th><th scope=\"col\" class=\"n\">Quality</th><th scope=\"col\" class=\"n\">Good / "
       "parts</th><th scope=\"col\" class=\"n\">Breakdowns</th><th scope=\"col\" class=\"n\">Setup</th>"
       "<th scope=\"col\" class=\"n\">Idling</th></tr></thead><tbody>";
  size_t assets = 0;
  shown = 0;
  for (const report::OeeLine &l : s.lines) {
    for (const report::OeeRecord &a : l.assets) {
      if (++assets > k_assets_cap) {
        continue;
      }
      ++shown;
      o += "<tr><th scope=\"row\">" + esc(a.asset) + "</th><td>" + (a.line.empty() ? "—" : esc(a.line)) + "</td>" +
           oee_cells(a) + "<td class=\"n\">" + hours_text(a.down_s) + "</td><td class=\"n\">" + hours_text(a.setup_s) +
           "</td><td class=\"n\">" + hours_text(a.idle_s) + "</td></tr>";
    }
  }
  if (shown < assets) {
    o += "<tr><td class=\"more\" colspan=\"10\">… and " + std::to_string(assets - shown) + " more assets</td></tr>";
  }
  o += "</tbody></table><h3>What the data could not separate</h3><ul>";
  for (const std::string &u : s.unseparated) {
    o += "<li>" + esc(u) + "</li>";
  }
  o += "</ul></section>";
}

void write_health_html(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-health\" id=\"health\"><h2 id=\"s-health\">Health</h2>";
  if (!r.health) {
    o += "<p class=\"none\">This run recorded no health (it was audited by a twinctl before health was recorded).</p>"
         "</section>";
    return;
  }
  const report::HealthSection &h = *r.health;
  o += "<p>Site score <strong>" + score_text(h.site.score) + "</strong> of 100 (" +
       (h.site_previous ? change_text(h.site.score, h.site_previous) + " since the previous run"
                        : std::string("first run with health")) +
       ") · " + util::plural(h.site.warnings, "asset", "assets") + " under the warning score " +
       score_text(h.inputs.warn_below) + " · " + util::plural(h.site.at_risk, "asset", "assets") +
       " at risk (failure risk over " + score_text(h.inputs.risk_above * 100) + " %) · " +
       util::plural(h.site.assets, "asset", "assets") + " scored.";
  if (!h.unscored.empty()) {
    std::string list;
    for (const std::string &u : h.unscored) {
      list += (list.empty() ? "" : "; ") + esc(u);
    }
    o += " <span class=\"none\">Not scored in this run: " + list + ".</span>";
  }
  o += "</p>";

  o += "<figure><ul class=\"legend\"><li class=\"k-total\">site score</li><li class=\"k-worst\">lowest line</li>"
       "<li class=\"k-warn\">warning score</li></ul>";
  o += health_chart_svg(h);
  o += "<figcaption>The site's health score (criticality-weighted mean of its assets) at each audit run that "
       "recorded health.</figcaption></figure>";

  o += "<h3>Lines</h3>";
  if (h.lines.empty()) {
    o += "<p class=\"none\">No asset sits in a space of type line.</p>";
  } else {
    o += "<table><thead><tr><th scope=\"col\">Line</th><th scope=\"col\" class=\"n\">Score</th>"
         "<th scope=\"col\" class=\"n\">Change</th><th scope=\"col\" class=\"n\">Assets</th><th scope=\"col\" "
         "class=\"n\">Under " +
         score_text(h.inputs.warn_below) +
         "</th><th scope=\"col\" class=\"n\">At risk</th><th scope=\"col\">Lowest asset</th></tr></thead><tbody>";
    size_t shown = 0;
    for (; shown < h.lines.size() && shown < k_lines_cap; ++shown) {
      const report::HealthLine &l = h.lines[shown];
      const report::HealthScoreRecord &s = l.score;
      o += "<tr><th scope=\"row\">" + esc(s.id) + (s.name.empty() || s.name == s.id ? "" : "<br><span class=\"none\">" + esc(s.name) + "</span>") +
           "</th>" + score_cell(s.score, s.score < h.inputs.warn_below) + "<td class=\"n\">" +
           change_text(s.score, l.previous) + "</td><td class=\"n\">" + std::to_string(s.assets) +
           "</td><td class=\"n\">" + std::to_string(s.warnings) + "</td><td class=\"n\">" + std::to_string(s.at_risk) +
           "</td><td>" + (s.worst_asset.empty() ? "—" : esc(s.worst_asset) + " (" + score_text(s.worst_score) + ")") +
           "</td></tr>";
    }
    if (shown < h.lines.size()) {
      o += "<tr><td class=\"more\" colspan=\"7\">… and " + std::to_string(h.lines.size() - shown) + " more lines</td></tr>";
    }
    o += "</tbody></table>";
  }

  o += "<h3>Lowest-scoring assets, and why</h3>";
  if (h.lowest.empty()) {
    o += "<p class=\"none\">Every asset scores 100: nothing took points off.</p>";
  } else {
    o += "<table><thead><tr><th scope=\"col\" class=\"n\">Score</th><th scope=\"col\">Asset</th><th scope=\"col\">"
         "Line</th><th scope=\"col\" class=\"n\">Risk</th><th scope=\"col\">Why (points taken off)</th></tr></thead>"
         "<tbody>";
    size_t shown = 0;
    for (; shown < h.lowest.size() && shown < k_assets_cap; ++shown) {
      const report::HealthAssetRecord &a = h.lowest[shown];
      o += "<tr>" + score_cell(a.score, a.warning) + "<th scope=\"row\">" + esc(a.asset) +
           (a.criticality.empty() ? "" : "<br><span class=\"none\">" + esc(a.criticality) + "</span>") + "</th><td>" +
           (a.line.empty() ? "—" : esc(a.line)) + "</td><td class=\"n\">" + risk_text(a) + "</td><td class=\"msg\">" +
           why_of(a) + "</td></tr>";
    }
    if (shown < h.lowest.size()) {
      o += "<tr><td class=\"more\" colspan=\"5\">… and more: `twinctl health` lists every asset</td></tr>";
    }
    o += "</tbody></table>";
  }

  o += "<details><summary>The health trend as a table</summary><table><thead><tr><th scope=\"col\">Run</th>"
       "<th scope=\"col\">Date</th><th scope=\"col\" class=\"n\">Site score</th><th scope=\"col\" class=\"n\">Under " +
       score_text(h.inputs.warn_below) +
       "</th><th scope=\"col\" class=\"n\">At risk</th><th scope=\"col\">Lowest line</th></tr></thead><tbody>";
  for (const report::HealthTrendPoint &p : h.trend) {
    o += "<tr><td>#" + std::to_string(p.run) + "</td><td>" + esc(p.date) + "</td><td class=\"n\">" +
         score_text(p.site) + "</td><td class=\"n\">" + std::to_string(p.warnings) + "</td><td class=\"n\">" +
         std::to_string(p.at_risk) + "</td><td>" +
         (p.worst_line.empty() ? "—" : esc(p.worst_line) + " (" + score_text(p.worst_line_score) + ")") + "</td></tr>";
  }
  o += "</tbody></table></details></section>";
}

} // namespace twinctl::output
