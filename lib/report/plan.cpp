#include "lib/report/plan.hpp"

#include <set>

namespace twinctl::report {

bool gates(const model::Finding& f) { return !f.suppressed && f.baseline_state != "unchanged"; }

void apply_plan(Report& r, const std::vector<model::Finding>& base, Plan plan) {
  std::set<std::string> before;
  for (const model::Finding& f : base) {
    if (gates(f)) {
      before.insert(f.fingerprint);
    }
  }
  std::set<std::string> after;
  std::vector<model::Finding> introduced;
  std::vector<const model::Finding*> suppressed_now;
  for (model::Finding& f : r.findings) {
    if (gates(f)) {
      after.insert(f.fingerprint);
      if (before.count(f.fingerprint)) {
        ++plan.unchanged;
      } else {
        introduced.push_back(std::move(f));
      }
    } else if (f.suppressed) {
      suppressed_now.push_back(&f);
    }
  }
  // Resolved: gated at the base, gates no more. One the change suppressed is
  // shown as such (with the suppression's reason), the others as they were.
  for (const model::Finding& f : base) {
    if (!gates(f) || after.count(f.fingerprint)) {
      continue;
    }
    const model::Finding* now = nullptr;
    for (const model::Finding* s : suppressed_now) {
      if (s->fingerprint == f.fingerprint) {
        now = s;
      }
    }
    plan.resolved.push_back(now ? *now : f);
  }
  model::sort_findings(plan.resolved);
  r.findings = std::move(introduced);
  r.plan = std::move(plan);
  recount(r);
}

} // namespace twinctl::report
