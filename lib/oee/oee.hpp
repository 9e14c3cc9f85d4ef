// OEE (overall equipment effectiveness) from readings, streaming: availability
// x performance x quality per asset and line, per shift and per day, with the
// losses behind them. Availability counts only planned production time (the
// twin's ShiftCalendar removes planned stops), as OEE defines it. Pure: the
// command feeds readings one at a time; memory grows with assets x periods,
// never with readings.
#pragma once

#include "lib/model/twin.hpp"
#include "lib/sensors/reading.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::oee {

// One asset (or, with asset empty, one line) in one shift of one day; day and
// shift "" for the total over the whole replay.
struct Period {
  std::string asset, line, day, shift;
  double planned_s = 0; // planned production time with a known state
  double run_s = 0;     // running
  // Availability losses, seconds of planned time: breakdowns (fault, stopped,
  // offline), setup and maintenance, idle and small stops (idle, waiting).
  double down_s = 0, setup_s = 0, idle_s = 0;
  double no_data_s = 0;      // planned time without a state (a gap in the readings): not in planned_s
  double stopped_plan_s = 0; // time in planned stops (not in planned_s)
  uint64_t total = 0, good = 0, reject = 0;
  uint64_t counter_resets = 0;
  double ideal_s = 0; // ideal cycle x parts: the time the parts needed at the rated speed
  std::optional<double> availability, performance, quality, oee;
  // The two time losses after availability: reduced speed (running slower
  // than rated: run - ideal x parts) and quality (ideal x rejects).
  std::optional<double> speed_loss_s, quality_loss_s;
};

struct Result {
  std::vector<Period> assets; // by asset, day, shift; then each asset's total (day "")
  std::vector<Period> lines;  // by line, day, shift; then each line's total
  std::vector<std::string> notes; // "press-1: performance over 100 % (ideal_cycle 12 s is slower than it runs)"
};

class Tracker {
public:
  // The twin's assets with `production:`; the twin must outlive the tracker.
  explicit Tracker(const model::Twin& twin);
  ~Tracker();
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;
  bool tracks() const; // the twin has an asset with production
  void add(const sensors::Reading& r);
  Result finish();

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

} // namespace twinctl::oee
