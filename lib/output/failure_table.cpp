// `simulate failure` as text: the summary, every affected asset with its path,
// then classes, spaces, teams and survivors.
#include "lib/output/graph_output.hpp"

#include <cstdio>

namespace twinctl::output {

namespace {

std::string kw(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f kW", v);
  return buf;
}

std::string path_text(const graph::AffectedAsset& a) {
  std::string s = a.path.front();
  for (size_t i = 0; i < a.via.size(); ++i) {
    s += " -" + a.via[i] + "-> " + a.path[i + 1];
  }
  return s;
}

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
      << r.affected.size() << (r.affected.size() == 1 ? " asset" : " assets") << " down, " << kw(r.power_lost_kw)
      << " lost; " << count_stopped(r, "line") << " lines and " << count_stopped(r, "cell") << " cells stopped; "
      << r.teams.size() << (r.teams.size() == 1 ? " team" : " teams") << " affected; " << r.survivors.size()
      << " survived thanks to redundancy\n\n";
  std::vector<std::vector<std::string>> rows{{"HOP", "ASSET", "CLASS", "SPACE", "TEAM", "PATH"}};
  for (const graph::AffectedAsset& a : r.affected) {
    rows.push_back({std::to_string(a.hop), a.id, a.asset_class, a.space, a.team, path_text(a)});
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
      s.push_back({"  " + sp.id, sp.type, std::to_string(sp.down) + "/" + std::to_string(sp.total) + " down",
                   sp.stopped ? "STOPPED" : "running"});
    }
    out << columns(s);
  }
  if (!r.teams.empty()) {
    out << "\nTeams to call:\n";
    std::vector<std::vector<std::string>> t;
    for (const graph::TeamImpact& tm : r.teams) {
      t.push_back({"  " + tm.id, std::to_string(tm.assets) + (tm.assets == 1 ? " asset" : " assets"),
                   tm.oncall.empty() ? tm.email : tm.oncall, tm.chat});
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
