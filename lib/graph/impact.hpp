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

struct AffectedAsset {
  std::string id;
  std::string name;
  std::string asset_class;
  std::string criticality;
  std::string space; // located_in
  std::string team;  // owned_by
  uint32_t hop = 0;
  std::vector<std::string> path; // seed ... id
  std::vector<std::string> via;  // the edge type of each step (path.size() - 1)
  std::optional<double> power_kw;
};

struct SpaceImpact {
  std::string id;
  std::string name;
  std::string type; // area | line | cell
  size_t down = 0;  // affected assets in the space and below it
  size_t total = 0; // assets in the space and below it
  bool stopped = false; // a machine, PLC or drive in it is down
};

struct TeamImpact {
  std::string id;
  std::string name;
  std::string lead;
  std::string email;
  std::string chat;
  std::string oncall;
  size_t assets = 0; // affected assets it owns
};

struct SurvivorInfo {
  std::string id;
  std::string type; // relationship type
  uint32_t down = 0;
  uint32_t total = 0;
  uint32_t needed = 0; // k of redundancy
};

struct FailureReport {
  std::string site;
  std::vector<std::string> targets; // what the user failed (assets or spaces)
  PropagationOptions options;
  std::vector<AffectedAsset> affected; // by hop, then id
  std::map<std::string, size_t> by_class;
  std::vector<SpaceImpact> spaces; // areas, lines and cells with affected assets, by type then id
  std::vector<TeamImpact> teams;   // by id
  double power_lost_kw = 0;
  std::vector<SurvivorInfo> survivors; // by id
};

// The team of a twin as a TeamImpact (contacts), for any report that routes to owners.
TeamImpact team_contacts(const model::Twin& twin, const std::string& team_id);

// The report of a propagation. `targets` are the names the user gave.
FailureReport describe_failure(const AssetGraph& g, const Propagation& p, const std::vector<std::string>& targets,
                               const PropagationOptions& opts);

} // namespace twinctl::graph
