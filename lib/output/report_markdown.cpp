// The audit report in Markdown, for a GitHub job summary ($GITHUB_STEP_SUMMARY):
// the same sections as the HTML page, as tables. GitHub refuses a summary over
// 1 MiB, so every list is cut ("… and N more"), long cells are shortened, and a
// byte budget stops any list that would still not fit.
#include "lib/output/audit_report_output.hpp"
#include "lib/util/strings.hpp"
#include "lib/output/markdown_text.hpp"

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
