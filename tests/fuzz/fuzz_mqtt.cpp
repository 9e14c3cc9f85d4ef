// MQTT messages as a live source collects them (MqttDecoder): the first byte
// picks the profile (or detection by topic), the rest is topic NUL payload NUL
// topic NUL payload ... Covers plain JSON, Tasmota, Shelly Gen2, Home
// Assistant discovery, Homie, AWS shadows and Sparkplug B (protobuf payloads,
// STATE as JSON). Properties: add() and finish() never throw; a failed source
// has an error and no observations.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/live/formats/live_files.hpp"

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  static const char* const k_profiles[] = {"", "plain-json", "tasmota", "shelly", "homie", "sparkplug", "aws-shadow"};
  const model::Twin& twin = fuzz::scenario_twin();
  static const live::AssetMatcher matcher(twin);
  live::MqttCollection settings;
  settings.source_name = "broker";
  settings.endpoint = "mqtt://127.0.0.1:1883/#";
  settings.profile = k_profiles[data[0] % 7];
  settings.filters = data[0] & 0x80 ? std::vector<std::string>{"plant/+/state"} : std::vector<std::string>{"#"};
  live::MqttDecoder decoder(settings, twin, matcher);
  std::vector<std::string_view> parts = fuzz::split(fuzz::as_text(data + 1, size - 1), '\0', 512);
  for (size_t i = 0; i + 1 < parts.size(); i += 2) {
    io::MqttMessage m;
    m.topic = parts[i];
    m.payload = parts[i + 1];
    if (i % 4 == 2) {
      m.received = 1746351667; // a live message
    }
    decoder.add(std::move(m));
  }
  model::LiveSnapshot s = decoder.finish();
  FUZZ_CHECK(s.sources.size() == 1, "one source");
  if (!s.sources[0].ok) {
    FUZZ_CHECK(!s.sources[0].error.empty() && s.observations.empty(), "a failed source says why and has no devices");
  }
  return 0;
}
