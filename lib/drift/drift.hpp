// The drift engine: compares the intended state with the live state and
// returns findings. Pure: `now` comes in the options.
#pragma once

#include "lib/model/finding.hpp"
#include "lib/model/live.hpp"
#include "lib/model/twin.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::drift {

struct DriftOptions {
  int64_t now = 0; // staleness is judged against the snapshot's taken_at when it has one, else now
};

struct DriftResult {
  std::vector<model::Finding> findings; // unsorted; the gate sorts
  std::vector<model::Unobserved> unobserved;
  size_t monitored = 0; // intended assets live state is expected to show
  size_t observed = 0;
  std::optional<double> coverage_percent;
  bool incomplete = false; // some source failed
};

DriftResult compute_drift(const model::Twin& twin, const model::LiveSnapshot& live, const DriftOptions& opts);

// The freshest observed value of `field` among an asset's observations (the
// newest observed_at wins); `online: false` is status offline whatever status
// was last reported. nullopt when no observation has the field.
struct LiveValue {
  std::string value;
  const model::Observation* obs = nullptr;
};
std::optional<LiveValue> live_value(const std::vector<const model::Observation*>& obs, const std::string& field);

// One field compared after typed normalisation.
struct Comparison {
  bool equal = true;
  std::string intended_norm;
  std::string live_norm;
  std::string note; // "behind", "ahead", "different algorithm", ...
};

// Compares an intended and a live value of `field` (status, ip, firmware,
// config_checksum, zone). `aliases` maps live vocabulary to canonical values
// (status and zone fields only).
Comparison compare_field(const std::string& field, const std::string& intended, const std::string& live,
                         const std::map<std::string, std::string>& aliases);

} // namespace twinctl::drift
