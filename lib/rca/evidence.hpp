// What RCA knows about each asset, from the live state and the alert stream.
// Pure: the snapshot and the alerts come in already read.
#pragma once

#include "lib/graph/graph.hpp"
#include "lib/model/alert.hpp"
#include "lib/model/live.hpp"
#include "lib/rca/rca.hpp"

#include <string>
#include <vector>

namespace twinctl::rca {

struct Observations {
  std::vector<Evidence> evidence; // one per node
  std::vector<graph::NodeId> abnormal; // abnormal_nodes(evidence): failed or alerting, by node
  size_t failed = 0;   // live status fault/offline (or online: false)
  size_t alerting = 0; // active alerts of severity warning or critical
  size_t healthy = 0;
  std::vector<std::string> unknown_assets; // alerts about assets the twin does not have, sorted
  std::vector<model::LiveSource> failed_sources;
};

// Builds the evidence. Live state: the freshest status of an asset from a
// source that was read, through the status aliases: offline (or online: false)
// = failed (unreachable); fault while it answers = faulted; running or idle =
// running; other statuses = healthy. Assets intended offline, stopped, in
// maintenance or decommissioned that are down give no evidence. Alerts (when `have_alerts`): an alert
// raised and not cleared, of severity warning or critical, makes its asset
// alerting; assets with sensors and no alert are quiet (watched, fine).
Observations observe(const AssetGraph& g, const model::LiveSnapshot* live, const std::vector<model::Alert>* alerts);

} // namespace twinctl::rca
