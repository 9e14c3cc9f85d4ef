// The sentence of PR mode (--base) that the table and the Markdown summary
// share: what the change opens and closes, against which base.
#include "lib/output/output.hpp"
#include "lib/util/strings.hpp"

namespace twinctl::output {

std::string plan_line(const report::Report& r) {
  if (!r.plan) {
    return "";
  }
  const report::Plan& p = *r.plan;
  std::string s = "This change opens " + util::plural(r.findings.size(), "finding", "findings") + " and closes " +
                  std::to_string(p.resolved.size()) + ", against " + p.base_ref;
  if (!p.base_commit.empty()) {
    s += " (commit " + p.base_commit.substr(0, 12) + ")";
  }
  s += ".";
  if (p.unchanged > 0) {
    s += " " + util::plural(p.unchanged, "finding", "findings") + (p.unchanged == 1 ? " gates" : " gate") +
         " on both sides: not this change's doing, not reported.";
  }
  if (!p.base_note.empty()) {
    s += " The base contributes nothing: " + p.base_note + ".";
  }
  return s;
}

std::string finding_change(const model::Finding& f) {
  if (f.kind == "changed" && !f.intended.empty()) {
    return f.field + " intended " + f.intended + ", live " + (f.live.empty() ? "(none)" : f.live);
  }
  return f.message;
}

} // namespace twinctl::output
