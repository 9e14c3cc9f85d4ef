#include "lib/graph/impact.hpp"

#include <algorithm>
#include <unordered_map>

namespace twinctl::graph {

namespace {

bool production_class(const std::string& c) { return c == "machine" || c == "plc" || c == "drive"; }

bool reported_space_type(const std::string& t) { return t == "area" || t == "line" || t == "cell"; }

// Step: each affected asset with the chain of parents that took it down.
void add_affected(FailureReport& r, const AssetGraph& g, const Propagation& p) {
  std::unordered_map<NodeId, size_t> pos;
  pos.reserve(p.failed.size());
  for (size_t i = 0; i < p.failed.size(); ++i) {
    pos[p.failed[i]] = i;
  }
  r.affected.reserve(p.failed.size());
  for (size_t i = 0; i < p.failed.size(); ++i) {
    const model::Asset& a = g.asset(p.failed[i]);
    AffectedAsset x{a.id, a.name, a.asset_class, a.criticality, a.located_in, a.owned_by, p.hop[i], {}, {},
                    a.power_kw};
    for (size_t at = i;; at = pos.at(p.parent[at])) {
      x.path.push_back(g.asset(p.failed[at]).id);
      if (p.parent[at] == k_no_node) {
        break;
      }
      x.via.push_back(to_string(p.via[at]));
    }
    std::reverse(x.path.begin(), x.path.end());
    std::reverse(x.via.begin(), x.via.end());
    r.by_class[a.asset_class.empty() ? "unknown" : a.asset_class]++;
    r.power_lost_kw += a.power_kw.value_or(0);
    r.affected.push_back(std::move(x));
  }
}

// Step: down/total per area, line and cell, and whether production stopped there.
void add_spaces(FailureReport& r, const AssetGraph& g, const Propagation& p) {
  const model::Twin& twin = *g.twin;
  std::vector<uint8_t> is_down(g.nodes(), 0);
  for (NodeId n : p.failed) {
    is_down[n] = 1;
  }
  std::vector<SpaceImpact> all(twin.spaces.size());
  for (NodeId n = 0; n < g.nodes(); ++n) {
    NodeId s = g.space_of[n];
    for (size_t guard = 0; s != k_no_node && guard <= g.space_parent.size(); ++guard, s = g.space_parent[s]) {
      all[s].total++;
      if (is_down[n]) {
        all[s].down++;
        all[s].stopped = all[s].stopped || production_class(g.asset(n).asset_class);
      }
    }
  }
  for (size_t s = 0; s < all.size(); ++s) {
    const model::Space& sp = twin.spaces[s];
    if (all[s].down > 0 && reported_space_type(sp.type)) {
      all[s].id = sp.id;
      all[s].name = sp.name;
      all[s].type = sp.type;
      r.spaces.push_back(std::move(all[s]));
    }
  }
  auto rank = [](const std::string& t) { return t == "area" ? 0 : t == "line" ? 1 : 2; };
  std::stable_sort(r.spaces.begin(), r.spaces.end(),
                   [&](const SpaceImpact& a, const SpaceImpact& b) { return rank(a.type) < rank(b.type); });
}

void add_teams(FailureReport& r, const AssetGraph& g) {
  std::map<std::string, size_t> count;
  for (const AffectedAsset& a : r.affected) {
    if (!a.team.empty()) {
      count[a.team]++;
    }
  }
  for (const auto& [id, n] : count) {
    TeamImpact t = team_contacts(*g.twin, id);
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

TeamImpact team_contacts(const model::Twin& twin, const std::string& team_id) {
  TeamImpact t;
  t.id = team_id;
  if (const model::Team* team = twin.find_team(team_id)) {
    t.name = team->name;
    t.lead = team->lead;
    t.email = team->email;
    t.chat = team->chat;
    t.oncall = team->oncall;
  }
  return t;
}

FailureReport describe_failure(const AssetGraph& g, const Propagation& p, const std::vector<std::string>& targets,
                               const PropagationOptions& opts) {
  FailureReport r;
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
