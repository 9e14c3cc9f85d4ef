// The audit sections of the Markdown job summary.
#include "lib/output/output.hpp"
#include "lib/output/markdown_text.hpp"

#include <cstdio>

namespace twinctl::output {

namespace {

// Table cells: pipes and line breaks would break the row.
std::string cell(const std::string& s) { return s.empty() ? "—" : markdown_text(s); }

// Appends rows while they fit in `budget` bytes of `out`.
template <class Rows> void rows(std::string& out, size_t budget, size_t count, Rows&& row_of) {
  for (size_t i = 0; i < count; ++i) {
    std::string row = row_of(i);
    if (out.size() + row.size() > budget) {
      out += "| _" + std::to_string(count - i) + " more not shown_ |\n";
      return;
    }
    out += row;
  }
}

} // namespace

std::string audit_markdown(const report::Report& r, size_t budget) {
  const report::Audit& a = *r.audit;
  std::string s;
  std::string line = history_line(r);
  if (!line.empty()) {
    s += "**" + cell(line) + "**\n\n";
  }
  if (a.history && !a.history->resolved.empty()) {
    s += "### Resolved since run " + std::to_string(a.history->previous_run) +
         "\n\n| Severity | Rule | Asset | Field | Message | Open for |\n| --- | --- | --- | --- | --- | --- |\n";
    rows(s, budget / 3, a.history->resolved.size(), [&](size_t i) {
      const report::ResolvedFinding& f = a.history->resolved[i];
      return "| " + f.severity + " | " + cell(f.rule) + " | " + cell(f.asset) + " | " + cell(f.field) + " | " +
             cell(f.message) + " | " + std::to_string(f.open_days) + " days |\n";
    });
    s += "\n";
  }
  if (!a.incidents.empty() || !a.isolated.empty()) {
    s += "### Incidents\n\n";
    if (!a.isolated.empty()) {
      std::string ids;
      for (const std::string& id : a.isolated) {
        ids += (ids.empty() ? "" : ", ") + id;
      }
      s += "Failed with no upstream cause (isolated: " + cell(ids) + ").\n\n";
    }
  }
  if (!a.incidents.empty()) {
    s += "| Incident | Root | Explains | Score | Team |\n| --- | --- | --- | --- | --- |\n";
    rows(s, 2 * budget / 3, a.incidents.size(), [&](size_t i) {
      const report::AuditIncident& inc = a.incidents[i];
      std::string roots;
      for (const std::string& id : inc.roots) {
        roots += (roots.empty() ? "" : ", ") + id;
      }
      char score[32];
      std::snprintf(score, sizeof score, "%.1f", inc.score);
      return "| " + inc.id + " | " + cell(roots) + " | " + std::to_string(inc.affected) + " | " + score + " | " +
             cell(inc.team) + " |\n";
    });
    s += "\n";
  }
  if (!a.due.empty()) {
    s += "### Certificates, calibrations and maintenance due\n\n| Due on | Asset | Kind | Item | Days left |\n| --- | --- | --- | --- | --- |\n";
    rows(s, budget, a.due.size(), [&](size_t i) {
      const report::DueItem& d = a.due[i];
      return "| " + d.due_on + " | " + cell(d.asset) + " | " + d.kind + " | " + cell(d.item) + " | " +
             std::to_string(d.days_left) + " |\n";
    });
    s += "\n";
  }
  return s;
}

} // namespace twinctl::output
