// What `health` and `audit` read from sensor readings for the health score, in
// one pass over the files: availability per asset (the replay engine with its
// detectors off; for an asset with production, OEE's availability over planned
// production time), the degradation trend of every sensor with an alarm limit,
// and, when asked, OEE (lib/oee). Only wiring: the arithmetic is in lib/.
#pragma once

#include "lib/health/health.hpp"
#include "lib/oee/oee.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::cmd {

struct ReadingsPass {
  int64_t first_ms = INT64_MAX, last_ms = INT64_MIN; // the readings' time span (INT64_MIN: none read)
  uint64_t readings = 0;
  std::optional<oee::Result> oee; // with `with_oee` and a twin that declares production
};

// Reads every file ('-' = stdin; format auto|csv|jsonl) once, filling
// in.availability and in.trends. Lines that are not readings are warned about
// on stderr (the first five, then a count) and skipped.
ReadingsPass read_health_readings(const model::Twin& twin, const std::vector<std::string>& files,
                                  const std::string& format, health::Inputs& in, bool with_oee);

} // namespace twinctl::cmd
