// Device identity -> asset id (DESIGN.md §4): "Device identity maps to assets
// by the asset's `live` binding, else by id." The index is built once from the
// twin; every lookup is a few hash probes, so 100k assets cost nothing extra.
#pragma once

#include "lib/model/twin.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace twinctl::live {

// Where an MQTT topic belongs.
struct TopicMatch {
  std::string asset; // matched asset id; empty = no asset
  // The device's identity: the bound topic (or bound prefix without "/#"), or
  // the topic up to the identifying level. Empty when nothing identified the
  // device (the caller then uses its own per-profile identity).
  std::string ref;
};

class AssetMatcher {
public:
  explicit AssetMatcher(const model::Twin& twin);

  // Ditto thingId: the asset whose `live.ditto` is the thingId, else the asset
  // whose id is the name part after the last ':'. Empty when none.
  std::string match_ditto(std::string_view thing_id) const;
  // AWS thing name: `live.aws`, else the asset with that id. Empty when none.
  std::string match_aws(std::string_view thing_name) const;
  // Azure deviceId: `live.azure`, else the asset with that id. Empty when none.
  std::string match_azure(std::string_view device_id) const;
  // Sparkplug "group/edge-node[/device]" (or a host application id): `live.sparkplug`
  // equal to it, else the asset whose id is the last part. Empty when none.
  std::string match_sparkplug(std::string_view ref) const;
  // MQTT topic, in this order: a `live.mqtt` topic equal to it, or a `live.mqtt`
  // "prefix/#" above it; else the level matched by the first '+' of the first
  // matching filter (that level is the device, asset or not); else, without a
  // matching filter, the deepest topic level that is an asset id.
  TopicMatch match_topic(std::string_view topic, const std::vector<std::string>& filters) const;

  bool is_asset(std::string_view id) const;
  // The asset's `live.mqtt` binding without a trailing "/#"; empty when none.
  std::string mqtt_binding(std::string_view asset) const;

private:
  using Index = std::unordered_map<std::string, std::string>;
  std::string bound_or_id(const Index& index, std::string_view key, std::string_view id) const;

  Index m_ditto;
  Index m_aws;
  Index m_azure;
  Index m_sparkplug;
  Index m_mqtt_topic;  // exact topic -> asset
  Index m_mqtt_prefix; // "a/b" of a "a/b/#" binding -> asset
  Index m_mqtt_of_asset;
  std::unordered_set<std::string> m_ids;
};

// True when the MQTT topic filter (with '+' and '#') matches the topic. When
// it does and the filter has a '+', *plus_level is set to the topic level the
// first '+' matched (0-based); otherwise to npos.
bool topic_matches(std::string_view filter, std::string_view topic, size_t* plus_level = nullptr);

} // namespace twinctl::live
