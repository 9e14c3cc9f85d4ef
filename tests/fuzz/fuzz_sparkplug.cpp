// Sparkplug B payloads (protobuf) and the base64 of captured payloads.
// Properties: only twinctl::Error escapes decode_sparkplug, and what it returns
// is valid JSON (its strings are UTF-8: dump() does not throw).
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/live/mqtt/sparkplug.hpp"
#include "lib/util/error.hpp"

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes = fuzz::as_text(data, size);
  try {
    nlohmann::json j = live::decode_sparkplug(bytes);
    FUZZ_CHECK(!j.dump().empty(), "the decoded payload is JSON");
  } catch (const Error&) {
  }
  if (std::optional<std::string> raw = live::decode_base64(bytes)) {
    FUZZ_CHECK(raw->size() <= bytes.size(), "base64 never grows");
  }
  return 0;
}
