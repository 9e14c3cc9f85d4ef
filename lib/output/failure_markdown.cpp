// `simulate failure` as Markdown (a change review or a job summary).
#include "lib/output/graph_output.hpp"

#include <cstdio>

namespace twinctl::output {

namespace {

std::string code(const std::string& s) { return "`" + s + "`"; }

} // namespace

void write_failure_markdown(std::ostream& out, const graph::FailureReport& r) {
  std::string targets;
  for (const std::string& t : r.targets) {
    targets += (targets.empty() ? "" : ", ") + code(t);
  }
  char kw[32];
  std::snprintf(kw, sizeof kw, "%.1f", r.power_lost_kw);
  out << "## Failure of " << targets << "\n\n"
      << "**" << r.affected.size() << "** " << (r.affected.size() == 1 ? "asset" : "assets") << " affected: **"
      << r.stopped << "** stopped, " << r.affected.size() - r.stopped << " degraded (lost a data feed); **" << kw
      << " kW** lost; " << r.teams.size() << (r.teams.size() == 1 ? " team" : " teams") << " affected; "
      << r.survivors.size() << " survived thanks to redundancy.\n\n";
  out << "| Hop | Asset | Impact | Class | Space | Team | Path |\n| ---: | --- | --- | --- | --- | --- | --- |\n";
  for (size_t i = 0; i < r.affected.size(); ++i) {
    const model::Asset& a = r.asset(r.affected[i]);
    std::string path;
    for (uint32_t at : r.path(i)) {
      const graph::AffectedAsset& step = r.affected[at];
      if (step.parent != graph::k_no_parent) {
        path += std::string(" →") + graph::to_string(step.via) + "→ ";
      }
      path += code(r.asset(step).id);
    }
    out << "| " << r.affected[i].hop << " | " << code(a.id) << " | "
        << (r.affected[i].degraded ? "degraded" : "**stopped**") << " | " << a.asset_class << " | " << a.located_in
        << " | " << a.owned_by << " | " << path << " |\n";
  }
  if (!r.spaces.empty()) {
    out << "\n### Spaces\n\n| Space | Type | Down | Degraded | Stopped |\n| --- | --- | ---: | ---: | --- |\n";
    for (const graph::SpaceImpact& s : r.spaces) {
      out << "| " << code(s.id) << " | " << s.type << " | " << s.down << "/" << s.total << " | " << s.degraded << " | "
          << (s.stopped ? "**yes**" : "no") << " |\n";
    }
  }
  if (!r.teams.empty()) {
    out << "\n### Teams\n\n| Team | Assets | On call | Chat |\n| --- | ---: | --- | --- |\n";
    for (const graph::TeamImpact& t : r.teams) {
      const model::Team& c = t.contacts();
      out << "| " << code(t.id) << " | " << t.assets << " | " << (c.oncall.empty() ? c.email : c.oncall) << " | "
          << c.chat << " |\n";
    }
  }
  if (!r.survivors.empty()) {
    out << "\n### Survived thanks to redundancy\n\n| Asset | Type | Feeders down | Needs |\n| --- | --- | --- | ---: |\n";
    for (const graph::SurvivorInfo& s : r.survivors) {
      out << "| " << code(s.id) << " | " << s.type << " | " << s.down << " of " << s.total << " | " << s.needed
          << " |\n";
    }
  }
}

} // namespace twinctl::output
