#include "lib/graph/impact.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace twinctl::graph {

namespace {

bool production_class(const std::string& c) { return c == "machine" || c == "plc" || c == "drive"; }

bool reported_space_type(const std::string& t) { return t == "area" || t == "line" || t == "cell"; }

// Step: each affected asset, its hop and what took it down; classes and power.
void add_affected(FailureReport& r, const AssetGraph& g, const Propagation& p) {
  r.affected.reserve(p.failed.size());
  // Few distinct classes: count by the twin's string, name them once at the end.
  std::vector<std::pair<const std::string*, size_t>> classes;
  size_t last = 0;
  for (size_t i = 0; i < p.failed.size(); ++i) {
    const model::Asset& a = g.asset(p.failed[i]);
    bool degraded = i < p.degraded.size() && p.degraded[i];
    r.affected.push_back({p.failed[i], p.hop[i], p.parent_index[i], p.via[i], degraded});
    r.stopped += degraded ? 0 : 1;
    if (last >= classes.size() || *classes[last].first != a.asset_class) {
      last = 0;
      while (last < classes.size() && *classes[last].first != a.asset_class) {
        ++last;
      }
      if (last == classes.size()) {
        classes.push_back({&a.asset_class, 0});
      }
    }
    classes[last].second++;
    r.power_lost_kw += degraded ? 0 : a.power_kw.value_or(0);
  }
  for (const auto& [c, n] : classes) {
    r.by_class[c->empty() ? "unknown" : *c] += n;
  }
}

// Step: down/total per area, line and cell, and whether production stopped
// there (a degraded machine still runs): a walk up from each affected asset's space (totals are the graph's).
void add_spaces(FailureReport& r, const AssetGraph& g, const Propagation& p) {
  const model::Twin& twin = *g.twin;
  std::unordered_map<NodeId, SpaceImpact> touched;
  NodeId last_space = k_no_node;
  std::vector<SpaceImpact*> chain; // the spaces above last_space, cached: neighbours share them
  for (size_t i = 0; i < p.failed.size(); ++i) {
    NodeId n = p.failed[i];
    NodeId s = g.space_of[n];
    if (s != last_space) {
      last_space = s;
      chain.clear();
      for (size_t guard = 0; s != k_no_node && guard <= g.space_parent.size(); ++guard, s = g.space_parent[s]) {
        chain.push_back(&touched[s]);
      }
    }
    bool degraded = i < p.degraded.size() && p.degraded[i];
    bool production = production_class(g.asset(n).asset_class) && !degraded;
    for (SpaceImpact* sp : chain) {
      (degraded ? sp->degraded : sp->down)++;
      sp->stopped = sp->stopped || production;
    }
  }
  std::vector<NodeId> ids;
  for (const auto& [s, impact] : touched) {
    if (reported_space_type(twin.spaces[s].type)) {
      ids.push_back(s);
    }
  }
  std::sort(ids.begin(), ids.end());
  for (NodeId s : ids) {
    const model::Space& sp = twin.spaces[s];
    SpaceImpact& x = touched[s];
    x.id = sp.id;
    x.name = sp.name;
    x.type = sp.type;
    x.total = g.space_total[s];
    r.spaces.push_back(std::move(x));
  }
  auto rank = [](const std::string& t) { return t == "area" ? 0 : t == "line" ? 1 : 2; };
  std::stable_sort(r.spaces.begin(), r.spaces.end(),
                   [&](const SpaceImpact& a, const SpaceImpact& b) { return rank(a.type) < rank(b.type); });
}

void add_teams(FailureReport& r, const AssetGraph& g) {
  std::map<std::string_view, size_t> count;
  std::string_view last;
  size_t* slot = nullptr;
  for (const AffectedAsset& a : r.affected) {
    const std::string& team = g.asset(a.node).owned_by;
    if (team.empty()) {
      continue;
    }
    if (!slot || team != last) {
      last = team;
      slot = &count[last];
    }
    ++*slot;
  }
  for (const auto& [id, n] : count) {
    TeamImpact t = team_contacts(*g.twin, std::string(id));
    t.assets = n;
    r.teams.push_back(std::move(t));
  }
}

void add_survivors(FailureReport& r, const AssetGraph& g, const Propagation& p) {
  for (const Survivor& s : p.survivors) {
    const model::Asset& a = g.asset(s.node);
    auto k = a.redundancy.find(to_string(s.type));
    uint32_t needed = k == a.redundancy.end() ? s.total : static_cast<uint32_t>(std::max(k->second, 0));
    r.survivors.push_back({a.id, to_string(s.type), s.down, s.total, needed});
  }
}

} // namespace

const model::Team& TeamImpact::contacts() const {
  static const model::Team none;
  return team ? *team : none;
}

TeamImpact team_contacts(const model::Twin& twin, const std::string& team_id) {
  TeamImpact t;
  t.id = team_id;
  t.team = twin.find_team(team_id);
  return t;
}

std::vector<uint32_t> FailureReport::path(size_t i) const {
  std::vector<uint32_t> out;
  for (uint32_t at = static_cast<uint32_t>(i); at != k_no_parent; at = affected[at].parent) {
    out.push_back(at);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> FailureReport::path_ids(size_t i) const {
  std::vector<std::string> out;
  for (uint32_t at : path(i)) {
    out.push_back(asset(affected[at]).id);
  }
  return out;
}

std::vector<std::string> FailureReport::path_via(size_t i) const {
  std::vector<std::string> out;
  for (uint32_t at : path(i)) {
    if (affected[at].parent != k_no_parent) {
      out.push_back(to_string(affected[at].via));
    }
  }
  return out;
}

FailureReport describe_failure(const AssetGraph& g, const Propagation& p, const std::vector<std::string>& targets,
                               const PropagationOptions& opts) {
  FailureReport r;
  r.graph = &g;
  r.site = g.twin->id;
  r.targets = targets;
  r.options = opts;
  add_affected(r, g, p);
  add_spaces(r, g, p);
  add_teams(r, g);
  add_survivors(r, g, p);
  return r;
}

} // namespace twinctl::graph
