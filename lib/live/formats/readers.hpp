// The document readers behind read_live_text and read_live_page: each maps
// one device document to an observation in `c.observations`, or fails with
// the document's location. Internal to lib/live.
#pragma once

#include "lib/live/formats/live_files.hpp"
#include "lib/live/formats/mapping.hpp"

namespace twinctl::live::detail {

// Eclipse Ditto: one Thing (features/properties -> fields and metrics, desiredProperties kept).
void read_ditto_thing(Ctx& c, const Mapping& m, const json& thing, const Path& where);
// AWS IoT Device Shadow: one shadow document of `thing`.
model::Observation read_shadow(Ctx& c, const Mapping& m, const json& shadow, const Path& where,
                               const std::string& thing);
// {thingName, shadow} or {thingName, state, ...}.
void read_shadow_envelope(Ctx& c, const Mapping& m, const json& item, const Path& where);
// Azure IoT Hub: one device twin.
void read_azure_twin(Ctx& c, const Mapping& m, const json& twin, const Path& where);
// A generic HTTP item: identity at format.id (matched by asset id), fields through
// the mapping, metrics from the numeric leaves at format.metrics.
void read_generic_item(Ctx& c, const Mapping& m, const PageFormat& format, const json& item, const Path& where);

// twinctl-live/v1, read as written (the general reader; live_v1_fast.cpp is the fast one),
// with the defaults of docs/live-format.md; without `sources`, the source is `default_source`.
model::LiveSnapshot read_v1(const Doc& d, const std::string& default_source);

} // namespace twinctl::live::detail
