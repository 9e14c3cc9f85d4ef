// MQTT live sources (libmosquitto): subscribe, collect retained state until a
// quiet period or the timeout, decode by profile (plain-json, sparkplug,
// aws-shadow, tasmota, homie).
#pragma once

#include "lib/live/match.hpp"
#include "lib/live/sources.hpp"

namespace twinctl::live {

// Collects and decodes one MQTT source. Never throws for what the network or
// the broker did: that is a failed LiveSource (see sources.hpp).
model::LiveSnapshot read_mqtt(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options);

} // namespace twinctl::live
