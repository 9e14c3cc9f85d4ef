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

// The ShiftCalendar as OEE reads it: which shift of which (local) day a moment
// belongs to, whether it is planned production time, and where the next
// shift, stop or day boundary is. The tracker and the production simulator
// (`simulate sensors --production`) cut time with it alike.
class Calendar {
public:
  explicit Calendar(const model::ShiftCalendar& cal);

  struct Slot {
    std::string day;   // local date of the shift's start (YYYY-MM-DD)
    std::string shift; // the shift's name, "day" without shifts, "" outside every shift
    bool planned = false; // in a shift and not in a planned stop
  };
  // Where UTC time `t` (seconds) falls.
  Slot at(int64_t t) const;
  // The first shift, stop or midnight boundary after UTC time `t` (seconds, UTC).
  int64_t next_boundary(int64_t t) const;

private:
  const model::ShiftCalendar& m_cal;
  std::vector<int> m_marks; // seconds after local midnight where a shift or stop starts or ends, sorted
};


// One asset (or, with asset empty, one line) in one shift of one day; day and
// shift "" for the total over the whole replay.
struct Period {
  std::string asset, line, day, shift;
  double planned_s = 0; // planned production time with a known state
  double run_s = 0;     // running
  // Availability losses, seconds of planned time: breakdowns (fault, stopped,
  // offline), setup and maintenance, idle and small stops (idle, waiting).
  double down_s = 0, setup_s = 0, idle_s = 0;
  // Performance losses told apart by the counters: running (by its status)
  // while the part counter stood still for two ideal cycles or more between
  // two counter readings. The rest of the running time beyond ideal x parts is
  // reduced speed (speed_loss_s), with the stops shorter than the counters'
  // reading interval.
  double small_stop_s = 0;
  double no_data_s = 0;      // planned time without a state (a gap in the readings): not in planned_s
  double stopped_plan_s = 0; // time in planned stops (not in planned_s)
  uint64_t total = 0, good = 0, reject = 0;
  uint64_t counter_resets = 0;
  // Rejects at startup: after a setup or a breakdown, those of the counter
  // readings with rejects and no good part, up to the first good part. Part of reject.
  uint64_t startup_reject = 0;
  double ideal_s = 0; // ideal cycle x parts: the time the parts needed at the rated speed
  std::optional<double> availability, performance, quality, oee;
  // The two time losses after availability: reduced speed (running slower
  // than rated: run - ideal x parts - small stops) and quality (ideal x rejects).
  std::optional<double> speed_loss_s, quality_loss_s;
  std::optional<double> startup_loss_s; // ideal x startup rejects: the part of quality_loss_s at startup
};

struct Result {
  std::vector<Period> assets; // by asset, day, shift; then each asset's total (day "")
  std::vector<Period> lines;  // by line, day, shift; then each line's total
  std::vector<std::string> notes; // "press-1: performance over 100 % (ideal_cycle 12 s is slower than it runs)"
};

// The arithmetic the tracker applies to its sums, for whoever builds periods
// (the production simulator's built-in answer): an asset's period from its
// counted parts and times (total = good + reject when a good counter is
// used; ideal time; quality loss; the rates); a sum of periods (a line); the
// rates of a sum (availability, performance, quality, OEE).
void finish_asset_period(Period& p, double ideal_cycle_s);
void add_period(Period& to, const Period& p);
void compute_rates(Period& p);

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
