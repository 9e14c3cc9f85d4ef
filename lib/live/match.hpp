// Device identity -> asset id: "Device identity maps to assets
// by the asset's `live` binding, else by id." The index is built once from the
// twin; every lookup is a few hash probes, so 100k assets cost nothing extra.
#pragma once

#include "lib/model/twin.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace twinctl::live {

// How an MQTT topic names its device, when the default does not fit: the
// `device` option (`?device={2}` in an mqtt:// URL, `options: {device: ...}` of a
// Source). Text with {N} for topic level N (1-based): "{3}", "{2}/{3}".
class DeviceTemplate {
public:
  DeviceTemplate() = default;
  // Throws twinctl::Error for text without a {N}, an unclosed '{' or N outside 1..64.
  explicit DeviceTemplate(std::string_view text);
  bool empty() const { return m_parts.empty(); }
  const std::string& text() const { return m_text; }
  // The device of the topic; nullopt when the topic has no level N. *last_level
  // is the last level the template names (0-based).
  std::optional<std::string> expand(std::string_view topic, size_t* last_level) const;

private:
  struct Part {
    std::string literal;
    size_t level = 0; // 0-based; used when literal is empty
  };
  std::vector<Part> m_parts;
  std::string m_text;
};

// Where an MQTT topic belongs.
struct TopicMatch {
  std::string asset; // matched asset id; empty = no asset
  // The device's identity: the bound topic (or bound prefix without "/#"), the
  // device template's expansion, or the topic through its identifying level.
  // Empty when nothing identified the device (the caller then uses its own
  // per-profile identity).
  std::string ref;
  // What makes two topics the same device: the topic through the last '+' level
  // of the matching filter (the wildcard levels it matched), the binding, or ref.
  // Two topics whose identities differ must not become one device.
  std::string identity;
  bool by_filter = false; // ref and identity come from a filter's '+' levels (no binding, no template)
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
  // "prefix/#" above it; else the device template's expansion (the asset whose
  // id it is, or whose id is the last level it names); else the topic through
  // the last '+' of the first matching filter (the asset whose id is that level);
  // else, without a filter '+', the deepest topic level that is an asset id.
  // Throws twinctl::Error for a topic that has no level the template names.
  TopicMatch match_topic(std::string_view topic, const std::vector<std::string>& filters,
                         const DeviceTemplate& device = {}) const;

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
// last '+' matched (0-based); otherwise to npos.
bool topic_matches(std::string_view filter, std::string_view topic, size_t* plus_level = nullptr);

} // namespace twinctl::live
