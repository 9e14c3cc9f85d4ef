// The observation model RCA scores with (internal to lib/rca): how likely
// each kind of observation of an asset is when it failed, and when it did not.
#pragma once

#include "lib/rca/rca.hpp"

#include <algorithm>
#include <cmath>

namespace twinctl::rca::detail {

// No observation is impossible: noise-free settings still leave a trace of doubt.
inline constexpr double k_floor = 1e-4;

struct Likelihood {
  double if_failed;
  double if_ok;
};

// How likely each kind of observation is when the asset failed, and when it did not.
inline Likelihood likelihood(Evidence e, const RcaOptions& o) {
  switch (e) {
  case Evidence::healthy:
    return {0.05, 0.99};
  case Evidence::running:
    // It answers and says it runs: as strong as "unreachable" is the other way.
    return {0.001, 0.99};
  case Evidence::quiet:
    return {std::max(o.p_miss, k_floor), std::max(1 - o.p_fa, k_floor)};
  case Evidence::alerting:
    return {std::max(1 - o.p_miss, k_floor), std::max(o.p_fa, k_floor)};
  case Evidence::failed:
  case Evidence::faulted: // its own failure or a lost data feed; a lost power or network path would silence it
    return {0.99, 0.001};
  case Evidence::unknown:
    break;
  }
  return {1, 1};
}

// log(P(observation | failed) / P(observation | fine)): what one failed asset adds to a score.
inline double log_ratio(Evidence e, const RcaOptions& o) {
  Likelihood l = likelihood(e, o);
  return std::log(l.if_failed / l.if_ok);
}

} // namespace twinctl::rca::detail
