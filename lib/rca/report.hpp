// RCA results for people and pipelines: ids instead of node numbers, the
// evidence behind each candidate, the steps of reasoning in plain words and
// the owners to call. Pure; formatters render it (lib/output/rca_*.cpp).
#pragma once

#include "lib/graph/impact.hpp"
#include "lib/rca/evidence.hpp"
#include "lib/rca/rca.hpp"

#include <string>
#include <vector>

namespace twinctl::rca {

struct ExplainedView {
  std::string asset;
  std::string evidence; // failed | fault | alerting
  std::vector<std::string> path; // candidate ... asset
  std::vector<std::string> via;
  double probability = 0;
};

struct CandidateView {
  std::string id;
  std::string name;
  std::string asset_class;
  std::string evidence; // what was observed of the candidate itself
  bool root = false;
  double score = 0;
  double share = 0;
  std::vector<ExplainedView> explains;
  size_t contradicted = 0;
  std::vector<std::string> contradicted_examples;
  graph::TeamImpact team;
};

struct IncidentView {
  std::string id; // INC-1, INC-2, ... in report order
  std::vector<std::string> roots;
  std::vector<std::string> failures;
  std::vector<CandidateView> candidates;
  std::vector<std::string> steps;
  bool isolated = false; // one asset that failed on its own (its root, its only failure)
};

struct IsolatedView {
  std::string id;
  std::string name;
  std::string evidence;
  graph::TeamImpact team;
  std::string incident; // the incident it is the root of; empty when none took it down
};

struct RcaReport {
  std::string site;
  std::string generated_at;
  std::string taken_at;
  std::vector<std::string> focus;
  std::vector<model::LiveSource> sources; // sorted by name
  bool incomplete = false;
  size_t failed = 0;
  size_t alerting = 0;
  size_t healthy = 0;
  size_t candidates = 0;
  int max_depth = -1;
  std::vector<IncidentView> incidents;
  std::vector<IsolatedView> isolated;
  std::vector<std::string> unexplained;          // alerts no root explains
  std::vector<std::string> unknown_alert_assets; // alerts about assets not in the twin
};

RcaReport describe_rca(const AssetGraph& g, const Observations& obs, const RcaResult& result,
                       const std::vector<std::string>& focus, const RcaOptions& opts);

} // namespace twinctl::rca
