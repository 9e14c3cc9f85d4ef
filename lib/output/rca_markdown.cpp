// `rca` as Markdown (an incident ticket or a job summary).
#include "lib/output/graph_output.hpp"

#include <cstdio>

namespace twinctl::output {

namespace {

std::string code(const std::string& s) { return "`" + s + "`"; }

std::string owner(const graph::TeamImpact& t) {
  if (t.id.empty()) {
    return "";
  }
  std::string s = code(t.id);
  const model::Team& c = t.contacts();
  for (const std::string* w : {&c.oncall, &c.email, &c.chat}) {
    if (!w->empty()) {
      s += " " + *w;
    }
  }
  return s;
}

} // namespace

void write_rca_markdown(std::ostream& out, const rca::RcaReport& r) {
  out << "## Root-cause analysis: " << r.site << "\n\n"
      << r.failed << " failed, " << r.alerting << " alerting, " << r.healthy << " healthy; **" << r.incidents.size()
      << "** " << (r.incidents.size() == 1 ? "incident" : "incidents") << " (" << r.isolated.size() << " isolated "
      << (r.isolated.size() == 1 ? "failure" : "failures") << "), " << r.unexplained.size() << " unexplained "
      << (r.unexplained.size() == 1 ? "alert" : "alerts") << ".\n";
  if (r.incomplete) {
    out << "\n> **Incomplete:** a live source could not be read; its assets count as unobserved.\n";
  }
  for (const rca::IncidentView& inc : r.incidents) {
    out << "\n### " << inc.id << ": ";
    for (size_t i = 0; i < inc.roots.size(); ++i) {
      out << (i ? ", " : "") << code(inc.roots[i]);
    }
    out << (inc.isolated ? " failed on its own" : "") << "\n\n| # | Candidate | Observed | Score | Share | Explains | Contradicts | Owner |\n"
           "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |\n";
    for (size_t i = 0; i < inc.candidates.size(); ++i) {
      const rca::CandidateView& c = inc.candidates[i];
      char score[32], share[32];
      std::snprintf(score, sizeof score, "%.2f", c.score);
      std::snprintf(share, sizeof share, "%.1f%%", c.share * 100);
      out << "| " << i + 1 << " | " << code(c.id) << (c.root ? " **root**" : "") << " | " << c.evidence << " | "
          << score << " | " << share << " | " << c.explains.size() << " | " << c.contradicted << " | "
          << owner(c.team) << " |\n";
    }
    out << "\n";
    for (size_t i = 0; i < inc.steps.size(); ++i) {
      out << i + 1 << ". " << inc.steps[i] << "\n";
    }
  }
  bool header = false;
  for (const rca::IsolatedView& i : r.isolated) {
    if (i.incident.empty()) { // one with an incident of its own was shown there, in its rank
      out << (header ? "" : "\n### Isolated failures\n\n") << "- " << code(i.id) << " (" << i.evidence << ") "
          << owner(i.team) << "\n";
      header = true;
    }
  }
  if (!r.unexplained.empty()) {
    out << "\n### Unexplained alerts\n\n";
    for (const std::string& u : r.unexplained) {
      out << "- " << code(u) << "\n";
    }
  }
}

} // namespace twinctl::output
