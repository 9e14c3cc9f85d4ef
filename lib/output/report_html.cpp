// The audit report as one self-contained HTML page for people who do not read
// terminals: summary cards, the trend charts (inline SVG), the breakdowns and
// the lists of what to do. No script, no external resource; a strict
// Content-Security-Policy makes sure of it. Colours always come with text.
#include "lib/output/audit_report_output.hpp"
#include "lib/util/strings.hpp"

#include <cstdio>

namespace twinctl::output {

using util::plural;

namespace {

constexpr size_t k_group_cap = 25;   // rows per breakdown table
constexpr size_t k_finding_cap = 50; // rows per list of findings
constexpr size_t k_oldest_cap = 25;
constexpr size_t k_due_cap = 100;

constexpr model::Severity k_order[] = {model::Severity::critical, model::Severity::high, model::Severity::medium,
                                       model::Severity::low, model::Severity::info};

// Column heads of the breakdown tables, indexed by int(Severity); the full name is the title.
constexpr const char *k_short[] = {"info", "low", "med", "high", "crit"};

const char *k_css = R"css(
:root{--fg:#1f2937;--muted:#4b5563;--line:#d1d5db;--soft:#f3f4f6;--accent:#0f4c81;
--critical:#991b1b;--high:#c2410c;--medium:#a16207;--low:#1d4ed8;--info:#4b5563}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:#fff}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 24px}
header{padding-top:28px;border-bottom:3px solid var(--accent);padding-bottom:14px}
h1{font-size:1.7em;margin:0 0 4px;color:var(--accent)}
h2{font-size:1.25em;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line);break-after:avoid}
h3{font-size:1.02em;margin:18px 0 6px;break-after:avoid}
.meta{color:var(--muted);margin:0}
.banner{margin:16px 0 0;padding:10px 14px;border-left:6px solid;border-radius:4px}
.banner.warn{border-color:#b45309;background:#fffbeb}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;break-inside:avoid}
.card h3{margin:0;font-size:.85em;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.card .big{font-size:2em;font-weight:700;line-height:1.2;margin:2px 0}
.card p{margin:0;color:var(--muted);font-size:.9em}
.card.alert{border-color:#b45309;border-width:2px}
.sev{display:inline-block;min-width:5.4em;padding:1px 6px;border-radius:4px;font-size:.82em;font-weight:600;
text-align:center;border:1px solid currentColor;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sev-critical{color:var(--critical);background:#fee2e2}.sev-high{color:var(--high);background:#ffedd5}
.sev-medium{color:var(--medium);background:#fef9c3}.sev-low{color:var(--low);background:#dbeafe}
.sev-info{color:var(--info);background:#f3f4f6}
table{border-collapse:collapse;width:100%;margin:4px 0 8px;font-size:.92em}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}
tbody th{background:none;white-space:nowrap}
table.narrow{width:auto;min-width:50%}
thead{display:table-header-group}
tr{break-inside:avoid}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.zero{color:#9ca3af}
.msg{max-width:34em;overflow-wrap:anywhere}
.grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:0 28px}
.more{color:var(--muted);font-style:italic}
.none{color:var(--muted)}
figure{margin:8px 0 16px;break-inside:avoid}
figcaption{color:var(--muted);font-size:.88em}
.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:14px;font-size:.9em}
.legend li::before{content:"";display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;
border:1px solid #0003;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.legend .k-critical::before{background:#b91c1c}.legend .k-high::before{background:#f97316}
.legend .k-medium::before{background:#facc15}.legend .k-low::before{background:#60a5fa}
.legend .k-info::before{background:#d1d5db}.legend .k-total::before{background:#111827;height:3px;vertical-align:3px}
.legend .k-new::before{background:#dc2626}.legend .k-resolved::before{background:#16a34a}
svg.chart{width:100%;height:auto;max-height:320px;display:block}
svg.chart text{font:11px system-ui,sans-serif;fill:#374151}
svg.chart .axis-title{font-size:12px;fill:#111827}
svg.chart .grid line{stroke:#e5e7eb;stroke-width:1}
svg.chart .grid line.zero{stroke:#6b7280}
svg.chart .area{stroke:#fff;stroke-width:.6}
svg.chart .area.sev-critical{fill:#b91c1c}svg.chart .area.sev-high{fill:#f97316}
svg.chart .area.sev-medium{fill:#facc15}svg.chart .area.sev-low{fill:#60a5fa}svg.chart .area.sev-info{fill:#d1d5db}
svg.chart .total{fill:none;stroke:#111827;stroke-width:2}
svg.chart .pt{fill:#111827}svg.chart .pt.incomplete{fill:#fff;stroke:#b45309;stroke-width:2.5}
svg.chart rect.new{fill:#dc2626}svg.chart rect.resolved{fill:#16a34a}
svg.chart .warn{stroke:#b45309;stroke-width:1.5;stroke-dasharray:6 4}
svg.chart .worst{fill:none;stroke:#6b7280;stroke-width:1.5;stroke-dasharray:3 3}
.legend .k-worst::before{background:#6b7280;height:3px;vertical-align:3px}
.legend .k-warn::before{background:#b45309;height:3px;vertical-align:3px}
details{margin:6px 0}summary{cursor:pointer;color:var(--accent)}
footer{margin-top:36px;padding-top:10px;padding-bottom:28px;border-top:1px solid var(--line);color:var(--muted);font-size:.85em}
@media print{
@page{margin:14mm}
body{font-size:10.5pt}
header,main,footer{max-width:none;padding:0}
h2{break-before:auto;margin-top:18pt}
section{break-inside:auto}
.cards{grid-template-columns:repeat(4,1fr)}
details>summary{display:none}
a{color:inherit;text-decoration:none}
}
)css";

std::string esc(const std::string &s) { return html_escape(s); }

std::string sev_badge(model::Severity s) {
  std::string name = model::to_string(s);
  return "<span class=\"sev sev-" + name + "\">" + name + "</span>";
}

std::string n_cell(int64_t n) {
  return std::string("<td class=\"n") + (n == 0 ? " zero" : "") + "\">" + std::to_string(n) + "</td>";
}

std::string or_dash(const std::string &s) { return s.empty() ? "—" : esc(s); }

std::string where(const report::FindingRecord &f) {
  if (f.file.empty()) {
    return "—";
  }
  return "<code>" + esc(f.file) + (f.file_line ? ":" + std::to_string(*f.file_line) : "") + "</code>";
}

std::string more_row(size_t shown, size_t total, int columns, const char *what) {
  if (shown >= total) {
    return "";
  }
  return "<tr><td class=\"more\" colspan=\"" + std::to_string(columns) + "\">… and " + std::to_string(total - shown) +
         " more " + what + "</td></tr>";
}

std::string coverage_text(const std::optional<double> &c) {
  if (!c) {
    return "—";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", *c);
  return buf;
}

void header(std::string &o, const report::AuditReport &r) {
  o += "<header><h1>" + esc(r.title) + "</h1><p class=\"meta\">Site <strong>" + esc(r.run.site) + "</strong>";
  if (!r.run.site_name.empty()) {
    o += " (" + esc(r.run.site_name) + ")";
  }
  o += " · audit run #" + std::to_string(r.run.id) + " of " + esc(r.run.started_at);
  if (r.run.twin_commit) {
    o += " · twin commit <code>" + esc(r.run.twin_commit->substr(0, 12)) + "</code>";
  }
  if (r.run.ref) {
    o += " (" + esc(*r.run.ref) + ")";
  }
  o += " · " + plural(r.run.assets, "asset", "assets") + "</p>";
  if (r.run.incomplete) {
    o += "<p class=\"banner warn\" role=\"note\"><strong>⚠ Incomplete run.</strong> " +
         plural(r.sources_failed, "live source", "live sources") +
         " could not be read; the assets only they report count as unobserved, so this run may miss findings.";
    int listed = 0;
    for (const report::SourceRecord &s : r.sources) {
      if (!s.ok && ++listed <= 5) {
        o += " <strong>" + esc(s.name) + "</strong>: " + or_dash(s.error) + ".";
      }
    }
    o += "</p>";
  }
  if (r.data_age_days) {
    o += "<p class=\"banner warn\" role=\"note\"><strong>⚠ Old data.</strong> This run is " +
         plural(*r.data_age_days, "day", "days") + " older than the report (" + esc(r.generated_at) +
         "): is the nightly audit still running?</p>";
  }
  o += "</header>";
}

void card(std::string &o, const std::string &title, const std::string &big, const std::string &text,
          bool alert = false) {
  o += std::string("<div class=\"card") + (alert ? " alert" : "") + "\"><h3>" + title + "</h3><p class=\"big\">" + big +
       "</p><p>" + text + "</p></div>";
}

void summary(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-summary\"><h2 id=\"s-summary\">Summary</h2><div class=\"cards\">";
  std::string by;
  for (model::Severity s : k_order) {
    by += (by.empty() ? "" : " · ") + std::to_string(r.open[size_t(s)]) + " " + model::to_string(s);
  }
  card(o, "Open findings", std::to_string(r.open_total),
       by + (r.suppressed > 0 ? "; " + std::to_string(r.suppressed) + " suppressed" : ""));
  int64_t urgent = r.open[size_t(model::Severity::critical)] + r.open[size_t(model::Severity::high)];
  card(o, "Critical and high", std::to_string(urgent), "open findings to act on first", urgent > 0);
  card(o, "New", std::to_string(r.new_count + r.reopened_count),
       std::to_string(r.new_count) + " new, " + std::to_string(r.reopened_count) + " reopened since " +
           (r.previous_run ? "run #" + std::to_string(*r.previous_run) : std::string("the start")));
  card(o, "Resolved", std::to_string(r.resolved_count),
       r.previous_run ? "since run #" + std::to_string(*r.previous_run) : std::string("first run of the site"));
  card(o, "Coverage", coverage_text(r.run.coverage),
       r.run.coverage ? "of the monitored assets observed live" : "no live state in this run");
  card(o, "Live sources", std::to_string(r.sources_ok) + " / " + std::to_string(r.sources_ok + r.sources_failed),
       r.sources_failed > 0
           ? plural(r.sources_failed, "source failed: incomplete run", "sources failed: incomplete run")
           : (r.sources.empty() ? "none read" : "all read"),
       r.sources_failed > 0);
  card(o, "Incidents", std::to_string(r.incidents.size()), "root causes found in live state", !r.incidents.empty());
  card(o, "Overdue", std::to_string(r.overdue),
       "certificates, calibrations and maintenance past due; " + std::to_string(int64_t(r.due.size()) - r.overdue) + " due soon",
       r.overdue > 0);
  o += "</div></section>";
}

void trend(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-trend\"><h2 id=\"s-trend\">Drift trend</h2>";
  if (r.trend_runs_total > int64_t(r.trend.size())) {
    o += "<p class=\"none\">The last " + std::to_string(r.trend.size()) + " of " + std::to_string(r.trend_runs_total) +
         " runs of the site.</p>";
  }
  o += "<figure><ul class=\"legend\" aria-label=\"Legend, stacked bottom up\">";
  for (model::Severity s : k_order) {
    o += std::string("<li class=\"k-") + model::to_string(s) + "\">" + model::to_string(s) + "</li>";
  }
  o += "<li class=\"k-total\">total open (hollow marker: incomplete run)</li></ul>";
  o += trend_chart_svg(r);
  o += "<figcaption>Open (unsuppressed) findings at each audit run, by severity, stacked.</figcaption></figure>";
  o += "<figure><ul class=\"legend\"><li class=\"k-new\">new or reopened (above zero)</li>"
       "<li class=\"k-resolved\">resolved (below zero)</li></ul>";
  o += churn_chart_svg(r);
  o += std::string("<figcaption>Findings that appeared and disappeared at each run") +
       (!r.trend.empty() && r.trend.front().first_run ? " (none for the site's first run, where every finding is new)"
                                                      : "") +
       ".</figcaption></figure>";
  o += "<details><summary>The trend as a table</summary><table><thead><tr><th scope=\"col\">Run</th>"
       "<th scope=\"col\">Date</th>";
  for (model::Severity s : k_order) {
    o += std::string("<th scope=\"col\" class=\"n\">") + model::to_string(s) + "</th>";
  }
  o += "<th scope=\"col\" class=\"n\">Total</th><th scope=\"col\" class=\"n\">New</th><th scope=\"col\" "
       "class=\"n\">Resolved</th><th scope=\"col\" class=\"n\">Coverage</th><th scope=\"col\">Note</th></tr></thead>"
       "<tbody>";
  for (const report::TrendPoint &p : r.trend) {
    o += "<tr><td>#" + std::to_string(p.run) + "</td><td>" + esc(p.date) + "</td>";
    for (model::Severity s : k_order) {
      o += n_cell(p.open[size_t(s)]);
    }
    o += n_cell(p.total) + n_cell(p.new_count) + n_cell(p.resolved_count) + "<td class=\"n\">" +
         coverage_text(p.coverage) + "</td><td>" + (p.incomplete ? "incomplete" : "") + "</td></tr>";
  }
  o += "</tbody></table></details></section>";
}

void group_table(std::string &o, const char *title, const char *column, const std::vector<report::GroupCount> &rows,
                 const char *unassigned) {
  o += std::string("<div><h3>") + title + "</h3>";
  if (rows.empty()) {
    o += "<p class=\"none\">No open findings.</p></div>";
    return;
  }
  o += std::string("<table><thead><tr><th scope=\"col\">") + column + "</th>";
  for (model::Severity s : k_order) {
    o += std::string("<th scope=\"col\" class=\"n\" title=\"") + model::to_string(s) + "\">" + k_short[size_t(s)] +
         "</th>";
  }
  o += "<th scope=\"col\" class=\"n\">Total</th></tr></thead><tbody>";
  size_t shown = 0;
  for (; shown < rows.size() && shown < k_group_cap; ++shown) {
    const report::GroupCount &g = rows[shown];
    o += "<tr><th scope=\"row\">" + (g.name.empty() ? std::string("<em>") + unassigned + "</em>" : esc(g.name)) +
         "</th>";
    for (model::Severity s : k_order) {
      o += n_cell(g.counts[size_t(s)]);
    }
    o += n_cell(report::total(g.counts)) + "</tr>";
  }
  o += more_row(shown, rows.size(), 7, "") + "</tbody></table></div>";
}

void breakdowns(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-groups\"><h2 id=\"s-groups\">Open findings by severity, zone, line and team</h2>";
  o += "<table class=\"narrow\"><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\" class=\"n\">Open</th>"
       "<th scope=\"col\">Share</th></tr></thead><tbody>";
  for (model::Severity s : k_order) {
    int64_t n = r.open[size_t(s)];
    int pct = r.open_total > 0 ? int(n * 100 / r.open_total) : 0;
    o += "<tr><th scope=\"row\">" + sev_badge(s) + "</th>" + n_cell(n) +
         "<td><svg width=\"200\" height=\"12\" role=\"img\" aria-label=\"" + std::to_string(pct) +
         " percent\"><rect width=\"200\" height=\"12\" fill=\"#f3f4f6\"/><rect class=\"bar\" width=\"" +
         std::to_string(pct * 2) + "\" height=\"12\" fill=\"#0f4c81\"/></svg> " + std::to_string(pct) + " %</td></tr>";
  }
  o += "</tbody></table><div class=\"grid3\">";
  group_table(o, "By zone", "Zone", r.by_zone, "no zone");
  group_table(o, "By line", "Line", r.by_line, "no line");
  group_table(o, "By team", "Team", r.by_team, "no owner");
  o += "</div></section>";
}

void finding_rows(std::string &o, const std::vector<report::FindingRecord> &v, const char *what) {
  o += "<table><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Rule</th><th scope=\"col\">Asset</th>"
       "<th scope=\"col\">Finding</th><th scope=\"col\">Team</th><th scope=\"col\">Where</th></tr></thead><tbody>";
  size_t shown = 0;
  for (; shown < v.size() && shown < k_finding_cap; ++shown) {
    const report::FindingRecord &f = v[shown];
    o += "<tr><td>" + sev_badge(f.severity) + (f.state == "reopened" ? " <em>reopened</em>" : "") + "</td><td>" +
         esc(f.rule) + "</td><td>" + or_dash(f.asset) + "</td><td class=\"msg\">" + esc(f.message) + "</td><td>" +
         or_dash(f.team) + "</td><td>" + where(f) + "</td></tr>";
  }
  o += more_row(shown, v.size(), 6, what) + "</tbody></table>";
}

void findings(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-oldest\"><h2 id=\"s-oldest\">Oldest open findings</h2>";
  if (r.oldest.empty()) {
    o += "<p class=\"none\">No open findings.</p>";
  } else {
    o += "<table><thead><tr><th scope=\"col\" class=\"n\">Days open</th><th scope=\"col\">Severity</th>"
         "<th scope=\"col\">Rule</th><th scope=\"col\">Asset</th><th scope=\"col\">Finding</th>"
         "<th scope=\"col\">Team</th><th scope=\"col\">Where</th></tr></thead><tbody>";
    size_t shown = 0;
    for (; shown < r.oldest.size() && shown < k_oldest_cap; ++shown) {
      const report::OpenFinding &of = r.oldest[shown];
      const report::FindingRecord &f = of.finding;
      o += "<tr><td class=\"n\">" + std::to_string(of.days_open) + "</td><td>" + sev_badge(f.severity) + "</td><td>" +
           esc(f.rule) + "</td><td>" + or_dash(f.asset) + "</td><td class=\"msg\">" + esc(f.message) +
           (f.reopened > 0 ? " <em>(reopened " + plural(f.reopened, "time", "times") + ")</em>" : "") + "</td><td>" +
           or_dash(f.team) + "</td><td>" + where(f) + "</td></tr>";
    }
    o += more_row(shown, r.oldest.size(), 7, "open findings") + "</tbody></table>";
  }
  o += "</section><section aria-labelledby=\"s-changes\"><h2 id=\"s-changes\">Changes since the previous run</h2>";
  o += "<h3>New or reopened (" + std::to_string(r.new_findings.size()) + ")</h3>";
  if (r.new_findings.empty()) {
    o += "<p class=\"none\">Nothing new.</p>";
  } else {
    finding_rows(o, r.new_findings, "new findings");
  }
  o += "<h3>Resolved (" + std::to_string(r.resolved.size()) + ")</h3>";
  if (r.resolved.empty()) {
    o += "<p class=\"none\">Nothing resolved.</p>";
  } else {
    finding_rows(o, r.resolved, "resolved findings");
  }
  o += "</section>";
}

void incidents(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-incidents\"><h2 id=\"s-incidents\">Incidents and their root causes</h2>";
  if (r.incidents.empty()) {
    o += "<p class=\"none\">No incidents: live state showed no failed assets.</p></section>";
    return;
  }
  o += "<table><thead><tr><th scope=\"col\" class=\"n\">Rank</th><th scope=\"col\">Root cause</th>"
       "<th scope=\"col\" class=\"n\">Explains</th><th scope=\"col\" class=\"n\">Score</th>"
       "<th scope=\"col\">Why</th><th scope=\"col\">Team</th></tr></thead><tbody>";
  for (const report::IncidentRecord &i : r.incidents) {
    char score[32];
    std::snprintf(score, sizeof score, "%.1f", i.score);
    o += "<tr>" + n_cell(i.rank) + "<td><strong>" + esc(i.root) + "</strong></td><td class=\"n\">" +
         plural(i.affected, "failure", "failures") + "</td><td class=\"n\">" + score + "</td><td class=\"msg\">" +
         esc(i.explanation) + "</td><td>" + or_dash(i.team) + "</td></tr>";
  }
  o += "</tbody></table></section>";
}

void due(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-due\"><h2 id=\"s-due\">Certificates, calibrations and maintenance due</h2>";
  if (r.due.empty()) {
    o += "<p class=\"none\">Nothing overdue or due soon.</p></section>";
    return;
  }
  o += "<table><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Due on</th><th scope=\"col\">Asset</th>"
       "<th scope=\"col\">Kind</th><th scope=\"col\">Certificate or sensor</th></tr></thead><tbody>";
  size_t shown = 0;
  for (; shown < r.due.size() && shown < k_due_cap; ++shown) {
    const report::DueRecord &d = r.due[shown];
    std::string status = d.days_left < 0 ? "<strong class=\"sev-critical\">overdue by " +
                                               plural(-d.days_left, "day", "days") + "</strong>"
                         : d.days_left == 0 ? std::string("<strong>due today</strong>")
                                            : "due in " + plural(d.days_left, "day", "days");
    o += "<tr><td>" + status + "</td><td>" + esc(d.due_on) + "</td><td>" + esc(d.asset) + "</td><td>" + esc(d.kind) +
         "</td><td>" + esc(d.item) + "</td></tr>";
  }
  o += more_row(shown, r.due.size(), 5, "items") + "</tbody></table></section>";
}

void contacts(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-contacts\"><h2 id=\"s-contacts\">Who to contact</h2>";
  if (r.contacts.empty()) {
    o += "<p class=\"none\">No team has open findings or incidents.</p></section>";
    return;
  }
  o += "<table><thead><tr><th scope=\"col\">Team</th><th scope=\"col\">Lead</th><th scope=\"col\">Email</th>"
       "<th scope=\"col\">Chat</th><th scope=\"col\">On call</th><th scope=\"col\">Open findings</th>"
       "<th scope=\"col\" class=\"n\">Incidents</th></tr></thead><tbody>";
  for (const report::Contact &c : r.contacts) {
    std::string open;
    for (model::Severity s : k_order) {
      if (c.open[size_t(s)] > 0) {
        open += (open.empty() ? "" : ", ") + std::to_string(c.open[size_t(s)]) + " " + model::to_string(s);
      }
    }
    std::string team = c.contact.team.empty() ? std::string("<em>no owner</em>") : esc(c.contact.team);
    if (!c.contact.name.empty() && c.contact.name != c.contact.team) {
      team += "<br><span class=\"none\">" + esc(c.contact.name) + "</span>";
    }
    if (!c.on_record) {
      o += "<tr><th scope=\"row\">" + team + "</th><td colspan=\"4\" class=\"none\">no contact on record</td><td>" +
           (open.empty() ? "—" : open) + "</td>" + n_cell(c.incidents) + "</tr>";
      continue;
    }
    o += "<tr><th scope=\"row\">" + team + "</th><td>" + or_dash(c.contact.lead) + "</td><td>" +
         or_dash(c.contact.email) + "</td><td>" + or_dash(c.contact.chat) + "</td><td>" + or_dash(c.contact.oncall) +
         "</td><td>" + (open.empty() ? "—" : open) + "</td>" + n_cell(c.incidents) + "</tr>";
  }
  o += "</tbody></table></section>";
}

void sources(std::string &o, const report::AuditReport &r) {
  o += "<section aria-labelledby=\"s-sources\"><h2 id=\"s-sources\">Live sources</h2>";
  if (r.sources.empty()) {
    o += "<p class=\"none\">This run read no live state.</p></section>";
    return;
  }
  o += "<table><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Status</th><th scope=\"col\" "
       "class=\"n\">Items</th><th scope=\"col\">Error</th></tr></thead><tbody>";
  for (const report::SourceRecord &s : r.sources) {
    o += "<tr><th scope=\"row\">" + esc(s.name) + "</th><td>" +
         (s.ok ? std::string("✔ read") : std::string("<strong class=\"sev-critical\">✘ failed</strong>")) +
         "</td><td class=\"n\">" + (s.items ? std::to_string(*s.items) : std::string("—")) + "</td><td class=\"msg\">" +
         or_dash(s.error) + "</td></tr>";
  }
  o += "</tbody></table></section>";
}

} // namespace

const char *report_css() { return k_css; }

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

void write_report_html(std::ostream &out, const report::AuditReport &r) {
  std::string o;
  o.reserve(64 * 1024);
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta name=\"generator\" content=\"twinctl " +
       esc(r.tool_version) + "\">\n<title>" + esc(r.title) + " · run #" + std::to_string(r.run.id) +
       "</title>\n<style>" + k_css + "</style>\n</head>\n<body>\n";
  header(o, r);
  o += "\n<main>\n";
  summary(o, r);
  o += "\n";
  trend(o, r);
  o += "\n";
  write_health_html(o, r);
  o += "\n";
  write_oee_html(o, r);
  o += "\n";
  breakdowns(o, r);
  o += "\n";
  findings(o, r);
  o += "\n";
  incidents(o, r);
  o += "\n";
  due(o, r);
  o += "\n";
  contacts(o, r);
  o += "\n";
  sources(o, r);
  o += "\n</main>\n<footer>Generated by twinctl " + esc(r.tool_version) + " from audit run #" +
       std::to_string(r.run.id) + " (" + esc(r.run.started_at) + ") of the history database, as of " +
       esc(r.generated_at) + ". Live sources: " + or_dash(r.run.live) + ".</footer>\n</body>\n</html>\n";
  out << o;
}

} // namespace twinctl::output
