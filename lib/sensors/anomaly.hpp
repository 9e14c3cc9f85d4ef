// The `anomaly` detector of `replay`: one score per reading of one sensor,
// from statistics that learn the sensor's normal behaviour as the stream
// goes, in units of readings (so the same defaults fit 100 ms and 15 min
// sampling) and robust to the outliers they are looking for:
//  - outlier: the distance of the value from its recent level (a fast EWMA
//    of the median of the last three values, so one spike does not move it),
//  - level shift: the distance of that recent level from the long-run level
//    (a slow EWMA), which also catches slow drift away from it,
//  - change point: a CUSUM of that distance (in its own mean absolute
//    deviations), so a smaller shift that lasts is found too,
// each divided by its own learned limit: the larger of 6 x its mean
// absolute deviation and 2 x its tracked 99.8th percentile (for the CUSUM:
// 15 deviations or the percentile itself), so a quantised signal learns that
// its steps are normal, a heavy-tailed one its bursts, and a wandering one its
// regimes. An outlier counts only when it is rare for the sensor, at two
// sizes: the outliers of the last 64 readings rarer than 1 in 20 at the
// sensor's learned outlier rate (Poisson), or, for one over twice the limit,
// rarer than 1 in 10 at its rate of such big ones. A signal that spikes at a
// steady rate raises nothing until its spikes come denser or far bigger, and
// a quiet sensor raises on its first spike.
// Meanwhile a daily profile (one bin per interval, at most 144 a day) is
// learned; after two days, when the daily cycle is larger than the noise
// around it, the detector judges the value minus the profile (a machine that
// idles every night is not anomalous every night). Sensors read every 30 min
// or slower get a weekly profile instead (one per day of the week, decided
// after two weeks): weekends and weekday rhythms at the same memory. Faster
// sensors then learn a weekly profile too (30 min bins) for two weeks, and
// switch to it when it fits much better (a plant that stops at weekends).
// With a profile in use, an anomaly that came at this time of day on three of
// the last seven days (weeks) is the sensor's normal (a start-up's inrush).
// Score >= 1 is anomalous; `anomaly.limit` scales every limit at once.
#pragma once

#include "lib/sensors/event_rate.hpp"

#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::sensors {

class StateWriter;
class StateReader;

class AnomalyScore {
public:
  // Everything it learned, as a checkpoint holds it (replay_state.cpp); load
  // checks the profile's shape and throws twinctl::Error when it is wrong.
  void save(StateWriter& w) const;
  void load(StateReader& r);
  enum class Part : uint8_t { outlier, shift, change };
  static const char* part_name(Part p) {
    return p == Part::outlier ? "outlier" : p == Part::shift ? "level shift" : "change point";
  }
  struct Result {
    double score = 0;           // >= limit: anomalous; 0 under the limit and while learning
    Part part = Part::outlier;  // the part that decided the score
    double expected_lo = 0, expected_hi = 0; // the range the value (or level) was expected in
  };
  // One numeric reading; `interval_ms` is the sensor's sampling interval, 0
  // while unknown (no seasonality before it is known). `alerting` keeps the
  // daily profile from learning an anomaly.
  // `limit` (anomaly.limit) only sizes the expected range of the result.
  // `outliers_only`: the level-shift part is not scored (a multivariate
  // model of the sensor's asset judges shifts).
  Result add(int64_t ts, double v, double interval_ms, bool alerting, double limit, bool outliers_only = false);
  // Asks the cache for the profile bin the next reading most likely uses.
  void prefetch() const {
    if (m_season && !m_season->bin_stats.empty()) {
      __builtin_prefetch(&m_season->bin_stats[size_t(m_season->bin)]);
    }
  }

private:
  struct Bin {
    float mean = 0, dev = 0;
    uint16_t count = 0;
    uint8_t events = 0; // bit i: an anomalous reading in this bin i cycles (days, or weeks) before `cycle`
    uint8_t cycle = 0;  // the cycle of bit 0, modulo 256
  };
  struct Season {
    // User-provided: clang (14) decides whether std::optional<Season> can
    // emplace() before it has read the member initialisers below, and says no.
    Season() {} // NOLINT(modernize-use-equals-default)
    std::vector<Bin> bin_stats; // a reading touches one cache line of its profile
    int bins = 0, per_day = 0; // bins in all, and in one day
    bool weekly = false;       // one profile per day of the week
    int state = 0; // 0 learning, 1 used, -1 no daily cycle
    int bin = 0;   // the bin of the last reading, [bin_start, bin_end) in ms
    int64_t bin_start = 0, bin_end = 0;
    int64_t cycle = 0; // the day (the week, for a weekly profile) of the last reading
    int bin_of(int64_t ts);
    // Anomalies at this time of day: a bin's event bits as of the current
    // cycle; an anomalous reading recorded; whether anomalies came in this bin
    // or a neighbour on at least three of the last seven cycles (a morning
    // start-up's inrush).
    uint8_t events_now(const Bin& b) const {
      const unsigned shift = uint8_t(uint8_t(cycle) - b.cycle);
      return shift >= 8 ? 0 : uint8_t(b.events << shift);
    }
    void record_event(int b);
    bool usual_event(int b) const;
    void learn(int b, double v); // the bin's mean and spread learn v
    // The mean distance of the bins from their mean, and their mean spread;
    // false when under 90 % of the bins have readings.
    bool shape(double& swing, double& within) const;
  };
  static void save_season(StateWriter& w, const Season* season);
  static std::optional<Season> load_season(StateReader& r);
  void decide_season(int64_t ts);
  void decide_week();
  void reset_levels();
  double m_fast = 0, m_slow = 0;
  double m_prev1 = 0, m_prev2 = 0; // the last two values (minus the profile)
  double m_dev_r = 0, m_dev_d = 0; // mean |outlier| and |shift|
  double m_q_r = 0, m_q_d = 0;     // their tracked 99.8th percentiles
  uint32_t m_n = 0;
  uint32_t m_warm = 0; // readings learned before judging (0: the interval is not known yet)
  EventRate m_outliers;     // readings over the outlier limit, from reading 300
  EventRate m_big_outliers; // readings over twice the limit
  double m_cusum_hi = 0, m_cusum_lo = 0; // the change-point sums, up and down
  double m_q_c = 0;                      // their tracked upper percentile
  int64_t m_decide_ms = INT64_MAX; // when the season being learned is decided
  std::optional<Season> m_season; // inline: no pointer to follow per reading
  // A sensor read more often than every 30 min learns a weekly profile (30 min
  // bins) for two weeks after its daily one is decided, and switches to it
  // when the week explains the readings much better (weekends off).
  // On the heap: learned for two weeks of a sensor's life, and kept out of the
  // cache lines every reading fetches.
  int64_t m_week_decide_ms = INT64_MAX; // INT64_MIN once decided
  std::unique_ptr<Season> m_week;
};

} // namespace twinctl::sensors
