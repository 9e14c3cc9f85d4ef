#include "lib/model/live.hpp"

#include <algorithm>
#include <iterator>

namespace twinctl::model {

void LiveSnapshot::merge(LiveSnapshot other) {
  if (taken_at.empty() || (!other.taken_at.empty() && other.taken_at > taken_at)) {
    taken_at = other.taken_at;
  }
  std::move(other.sources.begin(), other.sources.end(), std::back_inserter(sources));
  if (observations.empty()) {
    observations = std::move(other.observations); // the usual one source: no element moves
    return;
  }
  std::move(other.observations.begin(), other.observations.end(), std::back_inserter(observations));
}

} // namespace twinctl::model
