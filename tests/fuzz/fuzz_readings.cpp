// Sensor readings, CSV and JSONL lines (lib/sensors/reading.hpp), the first
// byte picks the format. Properties: a line parses the same with the Reading
// reused from the line before (its timestamp caches warm) as with a fresh one;
// a parsed timestamp formats and parses back to itself.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/sensors/reading.hpp"

#include <cmath>
#include <cstring>

using namespace twinctl;

namespace {

bool same(const char* ea, const sensors::Reading& a, const char* eb, const sensors::Reading& b) {
  if ((ea == nullptr) != (eb == nullptr)) {
    return false;
  }
  if (ea) {
    return std::strcmp(ea, eb) == 0;
  }
  bool values = a.value == b.value || (std::isnan(a.value) && std::isnan(b.value));
  return a.ts_ms == b.ts_ms && a.machine == b.machine && a.sensor == b.sensor && values && a.text == b.text &&
         a.unit == b.unit && a.quality == b.quality;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  bool csv = data[0] % 2 == 0;
  sensors::Reading reused;
  for (std::string_view line : fuzz::split(fuzz::as_text(data + 1, size - 1), '\n', 4096)) {
    if (csv && sensors::is_csv_header(line)) {
      continue;
    }
    sensors::Reading fresh;
    const char* e1 = csv ? sensors::parse_csv_line(line, reused) : sensors::parse_jsonl_line(line, reused);
    const char* e2 = csv ? sensors::parse_csv_line(line, fresh) : sensors::parse_jsonl_line(line, fresh);
    FUZZ_CHECK(same(e1, reused, e2, fresh), "a line parses the same with a warm timestamp cache");
    if (!e2) {
      std::optional<int64_t> back = sensors::parse_time_ms(sensors::format_time_ms(fresh.ts_ms));
      FUZZ_CHECK(back && *back == fresh.ts_ms, "a reading's time formats and parses back to itself");
    }
  }
  return 0;
}
