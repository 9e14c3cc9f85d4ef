// The degradation trend of one sensor towards its alarm limit: readings are
// averaged into buckets (window / 336: hourly over the default 14 days), a
// straight line plus a daily cycle (once two days are covered) is fitted to
// the bucket means, and from it the expected time the daily peak (trough, for
// a low limit) crosses the limit, with an interval, and the risk that it is
// past the limit at the end of the horizon. Pure and streaming: constant
// memory per sensor (336 buckets), whatever the number of readings.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace twinctl::health {

// The alarm limits a trend is judged against (the sensor's thresholds).
struct Limits {
  std::optional<double> high; // high_alarm
  std::optional<double> low;  // low_alarm
};

struct TrendResult {
  size_t points = 0;        // buckets with readings that were fitted
  double span_days = 0;     // first to last bucket
  int64_t last_ms = 0;      // the last reading: predictions count from here
  double level = 0;         // fitted level at last_ms
  double slope_per_day = 0; // units per day
  double slope_se = 0;      // its standard error, widened for autocorrelated residuals
  double daily_swing = 0;   // amplitude of the daily cycle (fitted once 2 days are covered)
  bool enough = false;      // enough buckets (>= k_min_points) to say anything
  bool trending = false;    // |slope| >= 3 standard errors, towards `limit`
  std::optional<double> limit; // the limit the level moves towards (or the nearer one without a trend)
  bool high_side = true;       // limit is a high limit
  bool past = false;           // the fitted level is already past the limit
  // Days from last_ms until the level crosses the limit: expected, and the
  // interval from the slope +- 2 standard errors; latest is empty when the
  // slow end of the interval never reaches the limit.
  std::optional<double> crossing_days, earliest_days, latest_days;
  std::optional<double> risk; // P(level past the limit at last_ms + horizon); empty without enough data or limit
};

class TrendFit {
public:
  static constexpr size_t k_buckets = 336;
  static constexpr size_t k_min_points = 24;
  // window_ms: how far back from the newest reading readings are fitted.
  explicit TrendFit(int64_t window_ms);
  // Readings may come out of order within the window; older ones are dropped.
  void add(int64_t ts_ms, double value);
  TrendResult fit(const Limits& limits, double horizon_days) const;

private:
  struct Bucket {
    double sum = 0;
    uint32_t n = 0;
  };
  int64_t m_bucket_ms;
  int64_t m_first = 0; // bucket index of m_buckets.front()
  std::deque<Bucket> m_buckets;
  int64_t m_last_ms = INT64_MIN;
};

} // namespace twinctl::health
