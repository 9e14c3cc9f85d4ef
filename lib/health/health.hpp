// `twinctl health`: a score from 0 to 100 per asset, rolled up per cell, line
// and site, from documented components, and a failure risk from the
// degradation trend of its sensors (lib/health/trend.hpp). Pure: the command
// gathers the findings, alerts and readings; this only weighs them.
#pragma once

#include "lib/health/trend.hpp"
#include "lib/model/alert.hpp"
#include "lib/model/finding.hpp"
#include "lib/model/twin.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace twinctl::health {

// One part of the score: the points it takes off (at most `weight`) and why.
struct Component {
  std::string name;     // drift | alerts | availability | compliance | maintenance | degradation
  double weight = 0;    // the most it can take off
  double penalty = 0;   // 0..weight
  bool has_data = false; // false: its input was not given or holds nothing for this asset
  std::string why;      // what the penalty comes from, or why there is no data
};

// The components in order, with their weights (documented in man twinctl-health).
struct Weights {
  static constexpr double drift = 30, alerts = 25, availability = 20, compliance = 10, maintenance = 10,
                          degradation = 15;
};

struct SensorTrend {
  std::string sensor;
  std::string unit;
  TrendResult trend;
};

struct AssetHealth {
  std::string asset, name, criticality, line, cell, team;
  double score = 100;
  std::vector<Component> components;
  std::optional<double> risk;      // the highest of its sensors' risks; empty without a fitted sensor
  std::vector<SensorTrend> trends; // fitted sensors, highest risk first
  bool warning = false;            // score < policy.warn_below
  bool at_risk = false;            // risk > policy.risk_above
};

struct Rollup {
  std::string level; // site | line | cell
  std::string id, name;
  double score = 100; // criticality-weighted mean of its assets (safety 4, high 3, medium 2, low 1)
  size_t assets = 0, warnings = 0, at_risk = 0;
  std::string worst_asset;
  double worst_score = 100;
};

struct Inputs {
  const std::vector<model::Finding>* findings = nullptr; // drift and policy findings (suppressed ones skipped)
  bool drift_checked = false;                            // findings include drift (live state was read)
  const std::vector<model::Alert>* alerts = nullptr;     // null: no alert stream given
  std::map<std::string, double> availability;            // asset -> share of observed time up (status readings)
  // Assets whose availability is OEE's: running over planned production time (the ShiftCalendar), for
  // the assets with production, so nights and weekends off are no loss.
  std::set<std::string> availability_planned;
  std::map<std::string, std::vector<SensorTrend>> trends; // asset -> its sensors with limits
};

struct HealthReport {
  std::string site, site_name;
  int64_t now = 0;
  model::HealthPolicy policy;
  std::vector<AssetHealth> assets; // by id
  std::vector<Rollup> rollups;     // site, then lines, then cells, by id
  size_t warnings = 0, at_risk = 0;
};

HealthReport assess(const model::Twin& twin, const Inputs& in, int64_t now);

// The sensors of the twin whose trend is judged: those with an alarm limit.
Limits limits_of(const model::Sensor& s);

// "crosses 85 Cel in 6-11 days", "past its limit", "no trend": a trend in words.
std::string trend_phrase(const SensorTrend& t);

} // namespace twinctl::health
