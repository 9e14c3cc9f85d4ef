// What a failure takes down, for people (`simulate failure`): every affected
// asset with its hop and the path that took it down, counts by class, the
// lines and cells it stops, the teams to call, the power lost, and what
// survived thanks to redundancy. Pure: built from a Propagation.
#pragma once

#include "lib/graph/propagate.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::graph {

inline constexpr uint32_t k_no_parent = 0xFFFFFFFFu;

// One affected asset. Its strings (id, name, class, space, team) are the
// twin's: FailureReport::asset() gives them, so a failure of a whole site
// costs no string per asset until a formatter writes one.
struct AffectedAsset {
  NodeId node = k_no_node;
  uint32_t hop = 0;
  uint32_t parent = k_no_parent;   // index in FailureReport::affected of what took it down; none for a target
  EdgeType via = EdgeType::powers; // the relationship from that parent
  // Stopped (failed itself, lost power or its network path) or degraded (only lost a
  // data feed: it still runs, on stale or missing data).
  bool degraded = false;
  const char* impact() const { return degraded ? "degraded" : "stopped"; }
};

struct SpaceImpact {
  std::string id;
  std::string name;
  std::string type; // area | line | cell
  size_t down = 0;  // stopped assets in the space and below it
  size_t degraded = 0; // degraded assets (lost a data feed, still running) in it and below it
  size_t total = 0; // assets in the space and below it
  bool stopped = false; // a machine, PLC or drive in it stopped (degraded ones still run)
};

// A team a report routes to: the owner as assets name it, and the twin's
// team with its contacts (nullptr when the twin has no such team).
struct TeamImpact {
  std::string id;
  const model::Team* team = nullptr;
  size_t assets = 0; // affected assets it owns (simulate failure)
  // The team's contacts; all empty when the twin has no such team.
  const model::Team& contacts() const;
};

struct SurvivorInfo {
  std::string id;
  std::string type; // relationship type
  uint32_t down = 0;
  uint32_t total = 0;
  uint32_t needed = 0; // k of redundancy
};

struct FailureReport {
  const AssetGraph* graph = nullptr; // must outlive the report
  std::string site;
  std::vector<std::string> targets; // what the user failed (assets or spaces)
  PropagationOptions options;
  std::vector<AffectedAsset> affected; // by hop, then id
  size_t stopped = 0;                  // affected assets that stopped; the others are degraded
  std::map<std::string, size_t> by_class;
  std::vector<SpaceImpact> spaces; // areas, lines and cells with affected assets, by type then id
  std::vector<TeamImpact> teams;   // by id
  double power_lost_kw = 0; // of the stopped assets
  std::vector<SurvivorInfo> survivors; // by id

  const model::Asset& asset(const AffectedAsset& a) const { return graph->asset(a.node); }
  // The chain that took affected[i] down, as indices into `affected`: the target first, i last.
  std::vector<uint32_t> path(size_t i) const;
  // The same chain as asset ids, and the relationship type of each step (one fewer).
  std::vector<std::string> path_ids(size_t i) const;
  std::vector<std::string> path_via(size_t i) const;
};

// The team of a twin as a TeamImpact (contacts), for any report that routes to owners.
// The twin must outlive it.
TeamImpact team_contacts(const model::Twin& twin, const std::string& team_id);

// The report of a propagation. `targets` are the names the user gave. Costs
// what the failure touches (affected assets, their spaces), not the twin's size.
FailureReport describe_failure(const AssetGraph& g, const Propagation& p, const std::vector<std::string>& targets,
                               const PropagationOptions& opts);

} // namespace twinctl::graph
