// Checks of the intended state that need the whole twin: references between
// documents, dependency cycles, the zone policy, and expiry dates.
#pragma once

#include "lib/model/finding.hpp"
#include "lib/model/twin.hpp"

#include <cstdint>
#include <vector>

namespace twinctl::validate {

// Structural errors (any one fails the command with exit 2): dangling
// references, addresses outside their zone's subnets, POWERS/FEEDS_DATA cycles,
// space parent cycles. Sorted by location.
std::vector<model::Diagnostic> check_structure(const model::Twin& twin);

struct PolicyOptions {
  int64_t now = 0; // seconds since the epoch
};

// Policy findings with severities: TWIN201/202 (certificates, calibrations),
// TWIN301 (conduit missing), TWIN302 (Purdue level skip). Unsorted.
std::vector<model::Finding> check_policy(const model::Twin& twin, const PolicyOptions& opts);

// The Purdue level of an asset: its own, else its zone's; nullopt when neither is set.
std::optional<double> purdue_level_of(const model::Twin& twin, const model::Asset& a);

} // namespace twinctl::validate
