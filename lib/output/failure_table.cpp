// `simulate failure` as text: the summary, every affected asset with its impact
// (stopped or degraded) and path, then classes, spaces, teams and survivors.
#include "lib/output/graph_output.hpp"
#include "lib/util/strings.hpp"

#include <cstdio>

namespace twinctl::output {

using util::plural;

namespace {

std::string kw(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f kW", v);
  return buf;
}

std::string path_text(const graph::FailureReport& r, size_t i) {
  std::string s;
  for (uint32_t at : r.path(i)) {
    const graph::AffectedAsset& step = r.affected[at];
    if (step.parent != graph::k_no_parent) {
      s += std::string(" -") + graph::to_string(step.via) + "-> ";
    }
    s += r.asset(step).id;
  }
  return s;
}

// "1 asset", "2 assets".
size_t count_stopped(const graph::FailureReport& r, const std::string& type) {
  size_t n = 0;
  for (const graph::SpaceImpact& s : r.spaces) {
    n += s.type == type && s.stopped ? 1 : 0;
  }
  return n;
}

} // namespace

std::string columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(width[i] - row[i].size() + 2, ' ');
      }
    }
    out += line + "\n";
  }
  return out;
}

void write_failure_table(std::ostream& out, const graph::FailureReport& r) {
  std::string targets;
  for (const std::string& t : r.targets) {
    targets += (targets.empty() ? "" : ", ") + t;
  }
  out << "Failure of " << targets << " (site " << r.site << ")";
  if (r.options.max_depth >= 0) {
    out << ", depth " << r.options.max_depth;
  }
  if (r.options.probability < 1) {
    out << ", propagation probability " << r.options.probability << " seed " << r.options.seed;
  }
  out << "\n"
      << plural(r.affected.size(), "asset", "assets") << " affected: " << r.stopped << " stopped, "
      << r.affected.size() - r.stopped << " degraded (lost a data feed); " << kw(r.power_lost_kw) << " lost; "
      << plural(count_stopped(r, "line"), "line", "lines") << " and "
      << plural(count_stopped(r, "cell"), "cell", "cells") << " stopped; "
      << plural(r.teams.size(), "team", "teams") << " affected; " << r.survivors.size()
      << " survived thanks to redundancy\n\n";
  std::vector<std::vector<std::string>> rows{{"HOP", "ASSET", "IMPACT", "CLASS", "SPACE", "TEAM", "PATH"}};
  for (size_t i = 0; i < r.affected.size(); ++i) {
    const model::Asset& a = r.asset(r.affected[i]);
    rows.push_back({std::to_string(r.affected[i].hop), a.id, r.affected[i].impact(), a.asset_class, a.located_in,
                    a.owned_by, path_text(r, i)});
  }
  out << columns(rows);
  std::string classes;
  for (const auto& [c, n] : r.by_class) {
    classes += (classes.empty() ? "" : ", ") + c + " " + std::to_string(n);
  }
  out << "\nBy class: " << (classes.empty() ? "none" : classes) << "\n";
  if (!r.spaces.empty()) {
    out << "\nSpaces:\n";
    std::vector<std::vector<std::string>> s;
    for (const graph::SpaceImpact& sp : r.spaces) {
      s.push_back({"  " + sp.id, sp.type,
                   std::to_string(sp.down) + "/" + std::to_string(sp.total) + " down" +
                       (sp.degraded ? ", " + std::to_string(sp.degraded) + " degraded" : ""),
                   sp.stopped ? "STOPPED" : "running"});
    }
    out << columns(s);
  }
  if (!r.teams.empty()) {
    out << "\nTeams to call:\n";
    std::vector<std::vector<std::string>> t;
    for (const graph::TeamImpact& tm : r.teams) {
      const model::Team& c = tm.contacts();
      t.push_back({"  " + tm.id, plural(tm.assets, "asset", "assets"),
                   c.oncall.empty() ? c.email : c.oncall, c.chat});
    }
    out << columns(t);
  }
  if (!r.survivors.empty()) {
    out << "\nSurvived thanks to redundancy:\n";
    std::vector<std::vector<std::string>> s;
    for (const graph::SurvivorInfo& sv : r.survivors) {
      s.push_back({"  " + sv.id, sv.type, std::to_string(sv.down) + " of " + std::to_string(sv.total) +
                                              " feeders down, needs " + std::to_string(sv.needed)});
    }
    out << columns(s);
  }
}

} // namespace twinctl::output
