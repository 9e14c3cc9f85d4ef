// Live-state files as `--live FILE` reads them: format detection, then the
// Ditto (fast and general), AWS shadow, Azure twin and MQTT capture readers
// (Tasmota, Shelly, Home Assistant, Homie, plain JSON, Sparkplug JSON and
// base64 protobuf). Properties: only twinctl::Error escapes, and an error
// names the file.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/live/formats/live_files.hpp"
#include "lib/util/error.hpp"

#include <string>

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const model::Twin& twin = fuzz::scenario_twin();
  static const live::AssetMatcher matcher(twin);
  std::string text(fuzz::as_text(data, size));
  text.reserve(text.size() + 64);
  try {
    model::LiveSnapshot s = live::read_live_text("live/fuzz.json", std::move(text), twin, matcher);
    FUZZ_CHECK(!s.sources.empty(), "a read file has a source");
  } catch (const Error& e) {
    FUZZ_CHECK(std::string(e.what()).rfind("live/fuzz.json", 0) == 0, "an error starts with the file name");
  }
  return 0;
}
