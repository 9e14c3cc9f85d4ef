// `rca` as text: per incident the ranked candidates, the evidence and the
// steps of reasoning (an asset that failed on its own is an incident too, in
// its rank); then unexplained alerts.
#include "lib/output/graph_output.hpp"
#include "lib/util/strings.hpp"

#include <cstdio>

namespace twinctl::output {

using util::plural;

namespace {

// "1 incident", "2 incidents".
std::string fixed(double v, const char* fmt) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string path_text(const rca::ExplainedView& e) {
  std::string s = e.path.front();
  for (size_t i = 0; i < e.via.size(); ++i) {
    s += " -" + e.via[i] + "-> " + e.path[i + 1];
  }
  return s;
}

std::string contact(const graph::TeamImpact& t) {
  std::string s = t.id;
  const model::Team& c = t.contacts();
  for (const std::string* w : {&c.oncall, &c.email, &c.chat}) {
    if (!w->empty()) {
      s += ", " + *w;
    }
  }
  return s;
}

void write_incident(std::ostream& out, const rca::IncidentView& inc) {
  std::string roots;
  for (const std::string& r : inc.roots) {
    roots += (roots.empty() ? "" : ", ") + r;
  }
  if (inc.isolated) {
    out << inc.id << ": " << roots << " failed on its own (1 abnormal asset)\n";
  } else {
    out << inc.id << ": root cause " << roots << " ("
        << plural(inc.failures.size(), "abnormal asset", "abnormal assets") << ")\n";
  }
  std::vector<std::vector<std::string>> rows{{"  RANK", "CANDIDATE", "CLASS", "OBSERVED", "SCORE", "SHARE", "EXPLAINS",
                                              "CONTRADICTS", "OWNER"}};
  for (size_t i = 0; i < inc.candidates.size(); ++i) {
    const rca::CandidateView& c = inc.candidates[i];
    rows.push_back({"  " + std::to_string(i + 1) + (c.root ? " root" : ""), c.id, c.asset_class, c.evidence,
                    fixed(c.score, "%.2f"), fixed(c.share * 100, "%.1f%%"), std::to_string(c.explains.size()),
                    std::to_string(c.contradicted), c.team.id});
  }
  out << columns(rows);
  for (const rca::CandidateView& c : inc.candidates) {
    if (!c.root) {
      continue;
    }
    out << "  Evidence for " << c.id << ":\n";
    for (const rca::ExplainedView& e : c.explains) {
      out << "    " << e.asset << " (" << e.evidence << "): " << path_text(e) << "\n";
    }
    if (!c.team.id.empty()) {
      out << "  Owner: " << contact(c.team) << "\n";
    }
  }
  out << "  Reasoning:\n";
  for (size_t i = 0; i < inc.steps.size(); ++i) {
    out << "    " << i + 1 << ". " << inc.steps[i] << "\n";
  }
  out << "\n";
}

} // namespace

void write_rca_table(std::ostream& out, const rca::RcaReport& r) {
  out << "Root-cause analysis of site " << r.site << ": " << r.failed << " failed, " << r.alerting << " alerting, "
      << r.healthy << " healthy; " << plural(r.incidents.size(), "incident", "incidents") << " ("
      << plural(r.isolated.size(), "isolated failure", "isolated failures") << "), "
      << plural(r.unexplained.size(), "unexplained alert", "unexplained alerts")
      << "\n";
  if (r.incomplete) {
    out << "INCOMPLETE: a live source could not be read; its assets count as unobserved\n";
  }
  out << "\n";
  for (const rca::IncidentView& inc : r.incidents) {
    write_incident(out, inc);
  }
  std::vector<std::vector<std::string>> rows;
  for (const rca::IsolatedView& i : r.isolated) {
    if (i.incident.empty()) { // one with an incident of its own was shown there, in its rank
      rows.push_back({"  " + i.id, i.evidence, contact(i.team)});
    }
  }
  if (!rows.empty()) {
    out << "Isolated failures (no upstream cause):\n" << columns(rows) << "\n";
  }
  if (!r.unexplained.empty()) {
    std::string ids;
    for (const std::string& u : r.unexplained) {
      ids += (ids.empty() ? "" : ", ") + u;
    }
    out << "Unexplained alerts (no failure around them; likely false alarms): " << ids << "\n";
  }
  if (r.incidents.empty() && r.isolated.empty() && r.unexplained.empty()) {
    out << "Nothing to explain: no asset is failed or alerting.\n";
  }
}

} // namespace twinctl::output
