// Alert streams (JSONL, schemas/alert.schema.json) as `rca --alerts` reads
// them. Property: only twinctl::Error escapes, naming the file.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/loaders/alert_reader.hpp"
#include "lib/util/error.hpp"

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    loaders::parse_alerts("alerts.jsonl", std::string(fuzz::as_text(data, size)));
  } catch (const Error& e) {
    FUZZ_CHECK(std::string(e.what()).rfind("alerts.jsonl", 0) == 0, "an error starts with the file name");
  }
  return 0;
}
