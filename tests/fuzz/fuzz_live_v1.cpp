// twinctl-live/v1, a differential: the fast reader (simdjson, live_v1_fast.cpp)
// against the general one (live_v1.cpp). The fast reader may decline a document
// (the general one then reads it), but whatever it accepts the general reader
// must accept with the same snapshot, and whatever the general reader rejects
// the fast one must reject.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/live/formats/live_files.hpp"
#include "lib/live/formats/live_v1_fast.hpp"
#include "lib/live/snapshot_writer.hpp"
#include "lib/util/error.hpp"

#include <optional>
#include <sstream>

using namespace twinctl;

namespace {

std::string written(const model::LiveSnapshot& s) {
  std::ostringstream out;
  try {
    live::write_snapshot(out, s);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
  return out.str();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(fuzz::as_text(data, size));
  std::string padded;
  padded.reserve(text.size() + 64); // simdjson's padding
  padded = text;
  // "fuzz": the source a document without `sources` gets, as the general reader names it after fuzz.json.
  std::optional<model::LiveSnapshot> fast = live::read_v1_fast(padded, "fuzz");

  // The general reader: 5,000 bytes of leading whitespace keep the fast reader out.
  std::optional<model::LiveSnapshot> general;
  const model::Twin& twin = fuzz::scenario_twin();
  try {
    general = live::read_live_text("fuzz.json", std::string(5000, ' ') + text, twin, live::AssetMatcher(twin));
  } catch (const Error&) {
  }
  if (fast) {
    FUZZ_CHECK(general.has_value(), "the fast reader accepted what the general reader rejects");
    FUZZ_CHECK(written(*fast) == written(*general), "the fast and the general reader disagree");
  }
  return 0;
}
