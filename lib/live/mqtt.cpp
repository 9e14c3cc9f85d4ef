#include "lib/live/mqtt.hpp"

namespace twinctl::live {

model::LiveSnapshot read_mqtt(const SourceSpec& spec, const model::Twin&, const AssetMatcher&, const LiveOptions&) {
  model::LiveSnapshot snap;
  model::LiveSource s;
  s.name = spec.name;
  s.adapter = spec.adapter;
  s.ok = false;
  s.error = "MQTT sources are not built yet";
  snap.sources.push_back(s);
  return snap;
}

} // namespace twinctl::live
