// HTTP live sources (libcurl): the Ditto preset and the generic JSON adapter.
#pragma once

#include "lib/live/match.hpp"
#include "lib/live/sources.hpp"

namespace twinctl::live {

// Reads every page of an HTTP source. Never throws for what the network or
// the server did: that is a failed LiveSource (see sources.hpp).
model::LiveSnapshot read_http(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options);

} // namespace twinctl::live
