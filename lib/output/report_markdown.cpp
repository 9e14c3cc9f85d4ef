// The audit report in Markdown, for a GitHub job summary ($GITHUB_STEP_SUMMARY):
// the same sections as the HTML page, as tables. GitHub refuses a summary over
// 1 MiB, so every list is cut ("… and N more"), long cells are shortened, and a
// byte budget stops any list that would still not fit.
#include "lib/output/audit_report_output.hpp"
#include "lib/output/report_text.hpp"
#include "lib/util/strings.hpp"
#include "lib/output/markdown_text.hpp"

#include <cmath>
#include <cstdio>

namespace twinctl::output {

using util::plural;

namespace {

constexpr size_t k_limit = 1024 * 1024 - 16 * 1024; // GitHub's 1 MiB, with room for the last lines
constexpr size_t k_cell_max = 240;                  // bytes of text per cell, before escaping
constexpr size_t k_list_cap = 30;
constexpr size_t k_trend_rows = 14;

constexpr model::Severity k_order[] = {model::Severity::critical, model::Severity::high, model::Severity::medium,
                                       model::Severity::low, model::Severity::info};

// Cuts at a UTF-8 character boundary, with an ellipsis.
std::string shorten(const std::string &s) {
  if (s.size() <= k_cell_max) {
    return s;
  }
  size_t cut = k_cell_max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return s.substr(0, cut) + "…";
}

// Text in a table cell: HTML entities for < > &, backslashes for Markdown syntax,
// line breaks as spaces.
std::string md(const std::string &raw) { return markdown_text(shorten(raw)); }

std::string cell(const std::string &s) { return s.empty() ? "—" : md(s); }

std::string coverage_text(const std::optional<double> &c) {
  if (!c) {
    return "—";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", *c);
  return buf;
}

std::string where(const report::FindingRecord &f) {
  return f.file.empty() ? "—" : "`" + md(f.file) + (f.file_line ? ":" + std::to_string(*f.file_line) : "") + "`";
}

// Appends the header and up to k_list_cap rows while they fit the budget, then
// "… and N more".
template <class Row> void rows(std::string &o, const std::string &head, size_t count, const char *what, Row &&row_of) {
  o += head;
  size_t shown = 0;
  for (; shown < count && shown < k_list_cap; ++shown) {
    std::string row = row_of(shown);
    if (o.size() + row.size() > k_limit) {
      break;
    }
    o += row;
  }
  if (shown < count) {
    o += "\n_… and " + std::to_string(count - shown) + " more " + what +
         " (cut to fit a job summary; `twinctl history findings` lists them all)._\n";
  }
  o += "\n";
}

std::string sev_header(const std::string &first) {
  std::string h = "| " + first + " |";
  std::string rule = "| --- |";
  for (model::Severity s : k_order) {
    h += std::string(" ") + model::to_string(s) + " |";
    rule += " ---: |";
  }
  return h + " total |\n" + rule + " ---: |\n";
}

std::string sev_cells(const report::SeverityCounts &c) {
  std::string s;
  for (model::Severity sev : k_order) {
    s += " " + std::to_string(c[size_t(sev)]) + " |";
  }
  return s + " " + std::to_string(report::total(c)) + " |\n";
}

void groups(std::string &o, const char *title, const char *column, const std::vector<report::GroupCount> &v,
            const char *unassigned) {
  o += std::string("### ") + title + "\n\n";
  if (v.empty()) {
    o += "No open findings.\n\n";
    return;
  }
  rows(o, sev_header(column), v.size(), "groups", [&](size_t i) {
    return "| " + (v[i].name.empty() ? std::string("_") + unassigned + "_" : md(v[i].name)) + " |" +
           sev_cells(v[i].counts);
  });
}

void finding_list(std::string &o, const std::vector<report::FindingRecord> &v, const char *what) {
  rows(o, "| Severity | Rule | Asset | Finding | Team | Where |\n| --- | --- | --- | --- | --- | --- |\n", v.size(),
       what, [&](size_t i) {
         const report::FindingRecord &f = v[i];
         return "| " + std::string(model::to_string(f.severity)) + (f.state == "reopened" ? " (reopened)" : "") +
                " | " + md(f.rule) + " | " + cell(f.asset) + " | " + cell(f.message) + " | " + cell(f.team) + " | " +
                where(f) + " |\n";
       });
}

void health(std::string &o, const report::AuditReport &r) {
  o += "## Health\n\n";
  if (!r.health) {
    o += "This run recorded no health (it was audited by a twinctl before health was recorded).\n\n";
    return;
  }
  const report::HealthSection &h = *r.health;
  o += "Site score **" + score_text(h.site.score) + "** of 100 (" +
       (h.site_previous ? change_text(h.site.score, h.site_previous) + " since the previous run"
                        : std::string("first run with health")) +
       ") · " + plural(h.site.warnings, "asset", "assets") + " under the warning score " +
       score_text(h.inputs.warn_below) + " · " + plural(h.site.at_risk, "asset", "assets") + " at risk · " +
       plural(h.site.assets, "asset", "assets") + " scored.";
  if (!h.unscored.empty()) {
    std::string list;
    for (const std::string &u : h.unscored) {
      list += (list.empty() ? "" : "; ") + md(u);
    }
    o += " Not scored in this run: " + list + ".";
  }
  o += "\n\n";
  if (!h.lines.empty()) {
    rows(o, "| Line | Score | Change | Assets | Under " + score_text(h.inputs.warn_below) +
                " | At risk | Lowest asset |\n| --- | ---: | ---: | ---: | ---: | ---: | --- |\n",
         h.lines.size(), "lines", [&](size_t i) {
           const report::HealthScoreRecord &s = h.lines[i].score;
           return "| " + md(s.id) + " | " + (s.score < h.inputs.warn_below ? "**" + score_text(s.score) + "** ⚠️" : score_text(s.score)) +
                  " | " + change_text(s.score, h.lines[i].previous) + " | " + std::to_string(s.assets) + " | " +
                  std::to_string(s.warnings) + " | " + std::to_string(s.at_risk) + " | " +
                  (s.worst_asset.empty() ? "—" : md(s.worst_asset) + " (" + score_text(s.worst_score) + ")") + " |\n";
         });
  }
  o += "### Lowest-scoring assets, and why\n\n";
  if (h.lowest.empty()) {
    o += "Every asset scores 100: nothing took points off.\n\n";
  } else {
    rows(o, "| Score | Asset | Line | Risk | Why (points taken off) |\n| ---: | --- | --- | ---: | --- |\n", h.lowest.size(),
         "assets", [&](size_t i) {
           const report::HealthAssetRecord &a = h.lowest[i];
           std::string why;
           bool degraded = false; // the degradation component already names the trend
           for (const report::HealthComponentRecord &c : a.components) {
             degraded = degraded || (c.name == "degradation" && c.penalty > 0);
             if (c.penalty > 0) {
               why += (why.empty() ? "" : "; ") + std::string("**") + md(c.name) + " −" + score_text(c.penalty) +
                      "**: " + md(c.why);
             }
           }
           if (!a.trend.empty() && !degraded) {
             why += (why.empty() ? "" : "; ") + std::string("_trend_: ") + md(a.trend);
           }
           char risk[32] = "—";
           if (a.risk) {
             std::snprintf(risk, sizeof risk, "%.2f%s", *a.risk, a.at_risk ? " ⚠️" : "");
           }
           return "| " + (a.warning ? "**" + score_text(a.score) + "**" : score_text(a.score)) + " | " + md(a.asset) +
                  " | " + cell(a.line) + " | " + risk + " | " + (why.empty() ? "—" : why) + " |\n";
         });
  }
  size_t first = h.trend.size() > k_trend_rows ? h.trend.size() - k_trend_rows : 0;
  o += "### Health trend (last " + plural(int64_t(h.trend.size() - first), "run", "runs") + ")\n\n";
  o += "| Run | Date | Site score | Under " + score_text(h.inputs.warn_below) +
       " | At risk | Lowest line |\n| --- | --- | ---: | ---: | ---: | --- |\n";
  for (size_t i = first; i < h.trend.size(); ++i) {
    const report::HealthTrendPoint &p = h.trend[i];
    o += "| #" + std::to_string(p.run) + " | " + md(p.date) + " | " + score_text(p.site) + " | " +
         std::to_string(p.warnings) + " | " + std::to_string(p.at_risk) + " | " +
         (p.worst_line.empty() ? "—" : md(p.worst_line) + " (" + score_text(p.worst_line_score) + ")") + " |\n";
  }
  o += "\n";
}

std::string oee_cells(const report::OeeRecord &o) {
  return " **" + percent_text(o.oee) + "** | " + percent_text(o.availability) + " | " + percent_text(o.performance) + " | " + percent_text(o.quality) +
         " | " + std::to_string(o.good) + " / " + std::to_string(o.total) + " |";
}

void oee(std::string &o, const report::AuditReport &r) {
  o += "## OEE by line\n\n";
  if (!r.oee) {
    o += "No OEE in this run: the audit was given no --readings, or no asset of the twin declares production (ideal "
         "cycle and part counters).\n\n";
    return;
  }
  const report::OeeSection &s = *r.oee;
  o += "Availability × performance × quality over the audit's readings" +
       (s.window_from.empty() ? std::string() : " (" + md(s.window_from) + " to " + md(s.window_to) + ")") +
       ", planned production time only. Losses in hours of planned time, the biggest first.\n\n";
  rows(o, "| Line | OEE | Availability | Performance | Quality | Good / parts | Biggest losses |\n| --- | ---: | ---: | "
          "---: | ---: | ---: | --- |\n",
       s.lines.size(), "lines", [&](size_t i) {
         const report::OeeLine &l = s.lines[i];
         std::string losses;
         for (size_t k = 0; k < l.losses.size() && k < 3; ++k) {
           char share[32];
           std::snprintf(share, sizeof share, "%.0f %%", l.losses[k].share * 100);
           losses += (losses.empty() ? "" : "; ") + md(l.losses[k].name) + ": " + hours_text(l.losses[k].seconds) + " (" +
                     share + ")";
         }
         return "| " + (l.line.line.empty() ? std::string("_no line_") : md(l.line.line)) + " |" + oee_cells(l.line) +
                " " + (losses.empty() ? "none" : losses) + " |\n";
       });
  std::vector<const report::OeeRecord *> assets;
  for (const report::OeeLine &l : s.lines) {
    for (const report::OeeRecord &a : l.assets) {
      assets.push_back(&a);
    }
  }
  rows(o, "| Asset | Line | OEE | Availability | Performance | Quality | Good / parts | Breakdowns | Setup | Idling |\n"
          "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
       assets.size(), "assets", [&](size_t i) {
         const report::OeeRecord &a = *assets[i];
         return "| " + md(a.asset) + " | " + cell(a.line) + " |" + oee_cells(a) + " " + hours_text(a.down_s) + " | " +
                hours_text(a.setup_s) + " | " + hours_text(a.idle_s) + " |\n";
       });
  o += "What the data could not separate:\n\n";
  for (const std::string &u : s.unseparated) {
    o += "- " + md(u) + "\n";
  }
  o += "\n";
}

} // namespace

void write_report_markdown(std::ostream &out, const report::AuditReport &r) {
  std::string o;
  o += "# " + md(r.title) + "\n\n";
  o += "**" + md(r.run.site) + "**" + (r.run.site_name.empty() ? "" : " — " + md(r.run.site_name)) + " · audit run #" +
       std::to_string(r.run.id) + " of " + md(r.run.started_at) +
       (r.run.twin_commit ? " · commit `" + md(r.run.twin_commit->substr(0, 12)) + "`" : std::string()) + " · " +
       plural(r.run.assets, "asset", "assets") + "\n\n";
  if (r.run.incomplete) {
    o += "> ⚠️ **Incomplete run:** " + plural(r.sources_failed, "live source", "live sources") +
         " could not be read; the assets only they report count as unobserved, so this run may miss findings.";
    int listed = 0;
    for (const report::SourceRecord &s : r.sources) {
      if (!s.ok && ++listed <= 5) {
        o += " **" + md(s.name) + "**: " + cell(s.error) + ".";
      }
    }
    o += "\n\n";
  }
  if (r.data_age_days) {
    o += "> ⚠️ **Old data:** this run is " + plural(*r.data_age_days, "day", "days") + " older than the report (" +
         md(r.generated_at) + ").\n\n";
  }

  o += "## Summary\n\n| Open | critical | high | medium | low | info | New | Reopened | Resolved | Coverage | "
       "Sources | Incidents | Overdue |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
       "--- | ---: | ---: |\n| **" +
       std::to_string(r.open_total) + "** |";
  for (model::Severity s : k_order) {
    o += " " + std::to_string(r.open[size_t(s)]) + " |";
  }
  o += " " + std::to_string(r.new_count) + " | " + std::to_string(r.reopened_count) + " | " +
       std::to_string(r.resolved_count) + " | " + coverage_text(r.run.coverage) + " | " + std::to_string(r.sources_ok) +
       "/" + std::to_string(r.sources_ok + r.sources_failed) + " ok | " + std::to_string(r.incidents.size()) + " | " +
       std::to_string(r.overdue) + " |\n\n";
  if (r.suppressed > 0) {
    o += plural(r.suppressed, "finding is", "findings are") + " suppressed.\n\n";
  }

  size_t first = r.trend.size() > k_trend_rows ? r.trend.size() - k_trend_rows : 0;
  o += "## Drift trend (last " + plural(int64_t(r.trend.size() - first), "run", "runs") + ")\n\n";
  std::string head = "| Run | Date |";
  std::string rule = "| --- | --- |";
  for (model::Severity s : k_order) {
    head += std::string(" ") + model::to_string(s) + " |";
    rule += " ---: |";
  }
  o += head + " total | new | resolved | coverage |\n" + rule + " ---: | ---: | ---: | ---: |\n";
  for (size_t i = first; i < r.trend.size(); ++i) {
    const report::TrendPoint &p = r.trend[i];
    o += "| #" + std::to_string(p.run) + (p.incomplete ? " ⚠️" : "") + " | " + md(p.date) + " |";
    for (model::Severity s : k_order) {
      o += " " + std::to_string(p.open[size_t(s)]) + " |";
    }
    o += " **" + std::to_string(p.total) + "** | " + std::to_string(p.new_count) + " | " +
         std::to_string(p.resolved_count) + " | " + coverage_text(p.coverage) + " |\n";
  }
  o += "\n";

  health(o, r);
  oee(o, r);

  o += "## Open findings by zone, line and team\n\n";
  groups(o, "By zone", "Zone", r.by_zone, "no zone");
  groups(o, "By line", "Line", r.by_line, "no line");
  groups(o, "By team", "Team", r.by_team, "no owner");

  o += "## Oldest open findings\n\n";
  if (r.oldest.empty()) {
    o += "No open findings.\n\n";
  } else {
    rows(o,
         "| Days open | Severity | Rule | Asset | Finding | Team | Where |\n| ---: | --- | --- | --- | --- | --- | --- "
         "|\n",
         r.oldest.size(), "open findings", [&](size_t i) {
           const report::FindingRecord &f = r.oldest[i].finding;
           return "| " + std::to_string(r.oldest[i].days_open) + " | " + model::to_string(f.severity) + " | " +
                  md(f.rule) + " | " + cell(f.asset) + " | " + cell(f.message) + " | " + cell(f.team) + " | " +
                  where(f) + " |\n";
         });
  }

  o += "## New or reopened since the previous run (" + std::to_string(r.new_findings.size()) + ")\n\n";
  if (r.new_findings.empty()) {
    o += "Nothing new.\n\n";
  } else {
    finding_list(o, r.new_findings, "new findings");
  }
  o += "## Resolved since the previous run (" + std::to_string(r.resolved.size()) + ")\n\n";
  if (r.resolved.empty()) {
    o += "Nothing resolved.\n\n";
  } else {
    finding_list(o, r.resolved, "resolved findings");
  }

  o += "## Incidents and their root causes\n\n";
  if (r.incidents.empty()) {
    o += "No incidents.\n\n";
  } else {
    rows(o, "| Rank | Root cause | Explains | Why | Team |\n| ---: | --- | ---: | --- | --- |\n", r.incidents.size(),
         "incidents", [&](size_t i) {
           const report::IncidentRecord &x = r.incidents[i];
           return "| " + std::to_string(x.rank) + " | **" + md(x.root) + "** | " + std::to_string(x.affected) + " | " +
                  cell(x.explanation) + " | " + cell(x.team) + " |\n";
         });
  }

  o += "## Certificates, calibrations and maintenance due\n\n";
  if (r.due.empty()) {
    o += "Nothing overdue or due soon.\n\n";
  } else {
    rows(o, "| Status | Due on | Asset | Kind | Item |\n| --- | --- | --- | --- | --- |\n", r.due.size(), "items",
         [&](size_t i) {
           const report::DueRecord &d = r.due[i];
           std::string status = d.days_left < 0    ? "**overdue by " + plural(-d.days_left, "day", "days") + "**"
                                : d.days_left == 0 ? std::string("**due today**")
                                                   : "due in " + plural(d.days_left, "day", "days");
           return "| " + status + " | " + md(d.due_on) + " | " + md(d.asset) + " | " + md(d.kind) + " | " + md(d.item) +
                  " |\n";
         });
  }

  o += "## Who to contact\n\n";
  if (r.contacts.empty()) {
    o += "No team has open findings or incidents.\n\n";
  } else {
    rows(o,
         "| Team | Lead | Email | Chat | On call | Open findings | Incidents |\n| --- | --- | --- | --- | --- | --- | "
         "---: |\n",
         r.contacts.size(), "teams", [&](size_t i) {
           const report::Contact &c = r.contacts[i];
           std::string open;
           for (model::Severity s : k_order) {
             if (c.open[size_t(s)] > 0) {
               open += (open.empty() ? "" : ", ") + std::to_string(c.open[size_t(s)]) + " " + model::to_string(s);
             }
           }
           std::string team = c.contact.team.empty() ? std::string("_no owner_") : md(c.contact.team);
           std::string who = c.on_record ? cell(c.contact.lead) + " | " + cell(c.contact.email) + " | " +
                                               cell(c.contact.chat) + " | " + cell(c.contact.oncall)
                                         : "_no contact on record_ | | |";
           return "| " + team + " | " + who + " | " + (open.empty() ? "—" : open) + " | " +
                  std::to_string(c.incidents) + " |\n";
         });
  }

  if (!r.sources.empty()) {
    o += "## Live sources\n\n";
    rows(o, "| Source | Status | Items | Error |\n| --- | --- | ---: | --- |\n", r.sources.size(), "sources",
         [&](size_t i) {
           const report::SourceRecord &s = r.sources[i];
           return "| " + md(s.name) + " | " + (s.ok ? "✅ read" : "❌ failed") + " | " +
                  (s.items ? std::to_string(*s.items) : std::string("—")) + " | " + cell(s.error) + " |\n";
         });
  }
  o += "<sub>twinctl " + md(r.tool_version) + " · run #" + std::to_string(r.run.id) + " · as of " + md(r.generated_at) +
       "</sub>\n";
  out << o;
}

} // namespace twinctl::output
