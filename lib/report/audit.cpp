#include "lib/report/audit.hpp"

#include "lib/util/time.hpp"

#include <algorithm>

namespace twinctl::report {

namespace {

std::vector<AuditIncident> incidents_of(const rca::RcaReport& rca) {
  std::vector<AuditIncident> out;
  for (const rca::IncidentView& inc : rca.incidents) {
    AuditIncident a;
    a.id = inc.id;
    a.rank = int(out.size()) + 1;
    a.roots = inc.roots;
    a.affected = inc.failures.size();
    for (const rca::CandidateView& c : inc.candidates) {
      if (!inc.roots.empty() && c.id == inc.roots.front()) {
        a.score = c.score;
        a.team = c.team.id;
      }
    }
    for (const std::string& step : inc.steps) {
      a.explanation += (a.explanation.empty() ? "" : " ") + step;
    }
    out.push_back(std::move(a));
  }
  return out;
}

// Certificates, calibrations and maintenance come from validate's expiry
// findings: TWIN201/TWIN203 (expired, overdue) and TWIN202/TWIN204 (due soon),
// with the date in `intended`. The field is KIND:ITEM, or KIND alone (a
// maintenance plan without a task name).
std::vector<DueItem> due_of(const std::vector<model::Finding>& findings, int64_t now) {
  std::vector<DueItem> out;
  for (const model::Finding& f : findings) {
    if (f.rule != "TWIN201" && f.rule != "TWIN202" && f.rule != "TWIN203" && f.rule != "TWIN204") {
      continue;
    }
    size_t colon = f.field.find(':');
    auto due = util::parse_date(f.intended);
    if (!due) {
      continue;
    }
    DueItem d;
    d.asset = f.asset;
    d.kind = f.field.substr(0, colon);
    d.item = colon == std::string::npos ? "" : f.field.substr(colon + 1);
    d.due_on = f.intended;
    d.days_left = util::days_between(now, *due); // as the finding's message counts them
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const DueItem& a, const DueItem& b) {
    return std::tie(a.due_on, a.asset, a.kind, a.item) < std::tie(b.due_on, b.asset, b.kind, b.item);
  });
  return out;
}

} // namespace

void describe_audit(Report& r, const model::Twin& twin, const rca::RcaReport* rca, int64_t now) {
  Audit a;
  if (rca) {
    a.failed = rca->failed;
    a.alerting = rca->alerting;
    a.incidents = incidents_of(*rca);
    for (const rca::IsolatedView& v : rca->isolated) {
      a.isolated.push_back(v.id);
    }
  }
  a.due = due_of(r.findings, now);
  a.contacts = twin.teams;
  r.audit = std::move(a);
}

} // namespace twinctl::report
