// `simulate sensors --production`: the status and part counters of every asset
// with `production:` in the twin, for a line whose OEE is known. Each asset
// alternates running with breakdowns, setups and idle time so that its
// availability comes near the target; while running, its part counter stands
// still now and then (small stops) and otherwise counts at a reduced speed, so
// that performance comes near its target; each part is a reject with
// probability 1 - quality. Planned time is the twin's ShiftCalendar, cut as
// the OEE tracker cuts it (oee::Calendar). The OEE built in is returned, in the
// form `replay -o oee` gives (totals over the run per asset and line). Pure
// and deterministic: a seeded PRNG, no clock; readings stream through a sink.
#pragma once

#include "lib/model/twin.hpp"
#include "lib/oee/oee.hpp"
#include "lib/sensors/reading.hpp"

#include <cstdint>
#include <functional>
#include <string_view>

namespace twinctl::sim {

struct ProductionOptions {
  uint64_t seed = 1;
  int64_t start_ms = 1777852800000; // 2026-05-04T00:00:00Z
  double duration = 86400;          // seconds
  double interval = 60;             // seconds between an asset's readings (at most 900: the tracker's hold)
  sensors::Format format = sensors::Format::csv;
  // Targets: the share of planned time running, of the ideal rate while
  // running, and of good parts. Each in (0, 1].
  double availability = 0.85, performance = 0.9, quality = 0.97;
};

// Writes the readings in time order (CSV with a header, or JSONL) and returns
// the OEE built into them: what the readings say, counted by the generator
// (planned, running and lost seconds, parts) with oee's own arithmetic. An
// asset without a reject counter makes no rejects (nothing could count them).
// Throws twinctl::Error for options out of range or a twin without production.
// The checks simulate_production makes first, for the command to make before it creates any file.
void check_production(const model::Twin& twin, const ProductionOptions& options);

oee::Result simulate_production(const model::Twin& twin, const ProductionOptions& options,
                               const std::function<void(std::string_view)>& sink);

} // namespace twinctl::sim
