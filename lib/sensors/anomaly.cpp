#include "lib/sensors/anomaly.hpp"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>

namespace twinctl::sensors {

namespace {

// The constants, in readings (= sampling intervals), chosen on real series of
// 1 s to 1 h sampling (bench/RESULTS.md, "Detection on real data"); why each:
// Readings learned before judging: 400 (7 min at 1 s, 33 h at 5 min), but
// no more than two days of readings (the time the daily profile takes) and
// at least 100: an hourly sensor judges after 4 days, not 17.
constexpr double k_warm = 400;
constexpr double k_warm_days = 2;
constexpr double k_warm_min = 100;
constexpr double k_fast = 3;       // time constant of the recent level: smooths one reading of noise
constexpr double k_slow = 100;     // of the long-run level: a shift is judged against ~100 readings
constexpr double k_spread = 500;   // memory of the learned spreads
constexpr double k_mad = 6;        // limit = 6 mean absolute deviations (~7.5 sigma for Gaussian noise) ...
constexpr double k_quantile = 2;   // ... or 2 x its tracked 99.8th percentile, whichever is larger.
// The tracker steps down ~500 x slower than it steps up (one mean absolute
// deviation per ~10,000 readings), so a burst keeps the limit up for
// thousands of readings after it: the mild outliers of a heavy-tailed signal
// after a burst (news-driven volumes) are its normal. The outlier, the level
// shift and the change-point sum each track their own; 0.997-0.999 scored
// alike on the real series, 0.99 worse (bench/RESULTS.md).
constexpr double k_q = 0.998;
constexpr double k_q_step = 0.05; // step of the percentile tracker, in mean absolute deviations
constexpr double k_clip = 4;      // a deviation teaches the spread at most 4 x the spread
constexpr double k_season_days = 2;    // a daily profile is judged after two days ...
constexpr double k_week_days = 14;     // ... a weekly one after two weeks
constexpr int k_max_bins = 144;        // one bin per 10 min at most
constexpr double k_weekly_ms = 1800000; // sensors read every 30 min or slower get a weekly profile
constexpr int k_week_bins_a_day = 48;   // a weekly profile has bins of 30 min at least: 336
constexpr double k_week_gain = 0.5;     // a week replaces a day when its noise is under half the day's
constexpr int64_t k_day_ms = 86400000;
// An anomaly that came at this time of day (in its profile bin or a
// neighbour) on at least three of the last seven days (weeks, for a weekly
// profile) is the sensor's normal: a motor's inrush at every morning start.
// Two were tried: a labelled traffic anomaly on two days running was lost.
constexpr int k_usual_cycles = 3;
// The outlier rate and the change-point sums start at 3/4 of the warm-up
// (reading 300 of 400): counted against limits learned from fewer readings,
// they would learn the limits' own settling (a noise-only sensor crossing
// its young limits) as the sensor's.
constexpr double k_rate_start = 300;
// An outlier is judged at two sizes, each against the sensor's own rate of
// outliers that large (event_rate.hpp): over the limit, it raises when the
// outliers of the last 64 readings are rarer than 1 in 20 at that rate; over
// twice the limit, rarer than 1 in 10 at the rate of such big ones. A
// sensor whose outliers are frequent still raises on one far beyond them
// (an ad exchange's price spike of 10 x its limit among the usual 1-2 x).
constexpr double k_rare = 0.05;
constexpr double k_big = 2;
constexpr double k_rare_big = 0.1;
// Change points: a two-sided CUSUM of the level shift d, each reading adding
// min(|d|, 4 dev) - 3 dev (dev: the mean absolute deviation of d): it
// reaches 15 dev once the recent level has stayed beyond ~3-4 deviations of
// the long-run level for 15 to 60 readings (a shift too small for the
// instantaneous limit, but lasting). Its score is the sum / (15 dev).
// The limit of the sum is also at least its own tracked 99.8th percentile: a
// signal that wanders between regimes (a machine's temperature, an
// autoscaled CPU) reaches 15 deviations now and then, and learns so.
constexpr double k_cusum_slack = 3;
constexpr double k_cusum_clip = 4;
constexpr double k_cusum_limit = 15;

double limit_of(double dev, double q) { return std::max(k_mad * dev, k_quantile * q); }

inline __attribute__((always_inline)) void learn_spread(double x, double& dev, double& q, double rate, double quantile) {
  const double a = std::fabs(x);
  dev += rate * (std::min(a, dev > 0 ? k_clip * dev : a) - dev);
  q += k_q_step * dev * (a > q ? quantile : -(1 - quantile));
  q = std::max(q, 0.0);
}

} // namespace

int AnomalyScore::Season::bin_of(int64_t ts) {
  if (ts >= bin_start && ts < bin_end) {
    return bin; // the common case: no division
  }
  const int64_t day = ts >= 0 ? ts / k_day_ms : (ts - k_day_ms + 1) / k_day_ms;
  const int64_t in_day = ts - day * k_day_ms;
  const int b = static_cast<int>(in_day * per_day / k_day_ms);
  bin_start = day * k_day_ms + (int64_t(b) * k_day_ms + per_day - 1) / per_day;
  bin_end = day * k_day_ms + (int64_t(b + 1) * k_day_ms + per_day - 1) / per_day;
  bin = weekly ? b + per_day * static_cast<int>(((day % 7) + 7) % 7) : b;
  cycle = weekly ? (day >= 0 ? day / 7 : (day - 6) / 7) : day;
  return bin;
}

void AnomalyScore::Season::record_event(int b) {
  Bin& x = bin_stats[size_t(b)];
  x.events = uint8_t(events_now(x) | 1);
  x.cycle = uint8_t(cycle);
}

bool AnomalyScore::Season::usual_event(int b) const {
  unsigned seen = 0;
  for (int k = b - 1; k <= b + 1; ++k) {
    seen |= events_now(bin_stats[size_t((k + bins) % bins)]);
  }
  return std::popcount(seen & 0xfeu) >= k_usual_cycles; // earlier cycles only: not today's burst
}

void AnomalyScore::reset_levels() {
  m_n = 0;
  m_fast = m_slow = m_dev_r = m_dev_d = m_q_r = m_q_d = m_cusum_hi = m_cusum_lo = m_q_c = 0;
  m_outliers.reset();
  m_big_outliers.reset();
}

bool AnomalyScore::Season::shape(double& swing, double& within) const {
  double sum = 0;
  within = 0;
  int filled = 0;
  for (const Bin& x : bin_stats) {
    if (x.count > 0) {
      sum += x.mean;
      within += x.dev;
      ++filled;
    }
  }
  if (filled == 0 || filled < bins * 9 / 10) {
    return false;
  }
  const double mean = sum / filled;
  swing = 0;
  for (const Bin& x : bin_stats) {
    swing += x.count > 0 ? std::fabs(x.mean - mean) : 0;
  }
  swing /= filled;
  within /= filled;
  return true;
}

void AnomalyScore::Season::learn(int b, double v) {
  Bin& x = bin_stats[size_t(b)];
  if (x.count == 0) {
    x.mean = float(v);
  } else {
    static constexpr double k_inverse[] = {1,      1,      1 / 2.,  1 / 3.,  1 / 4.,  1 / 5.,  1 / 6.,
                                           1 / 7., 1 / 8., 1 / 9.,  1 / 10., 1 / 11., 1 / 12., 1 / 13.,
                                           1 / 14., 1 / 15., 1 / 16., 1 / 17., 1 / 18., 1 / 19., 1 / 20.};
    const double a = k_inverse[std::min<int>(x.count + 1, 20)];
    x.dev += float(a * (std::fabs(v - x.mean) - x.dev));
    x.mean += float(a * (v - x.mean));
  }
  x.count = uint16_t(std::min<int>(x.count + 1, 60000));
}

// After two days: the daily profile is used when it covers the day and its
// swing (mean distance of the bins from their mean) is more than twice the
// noise within the bins. A sensor read more often than every 30 min then
// starts learning its week.
void AnomalyScore::decide_season(int64_t ts) {
  Season& s = *m_season;
  m_decide_ms = INT64_MAX;
  double swing = 0, within = 0;
  s.state = s.shape(swing, within) && swing > 2 * within ? 1 : -1;
  if (!s.weekly && m_week_decide_ms == INT64_MAX) {
    m_week = std::make_unique<Season>();
    Season& w = *m_week;
    w.per_day = std::min(s.per_day, k_week_bins_a_day);
    w.weekly = true;
    w.bins = w.per_day * 7;
    w.bin_stats.assign(size_t(w.bins), Bin{});
    m_week_decide_ms = ts + static_cast<int64_t>(k_week_days * double(k_day_ms));
  }
  if (s.state == 1) {
    reset_levels(); // from now on the detector judges value - profile: learn it afresh
  } else {
    m_season.reset(); // no daily cycle: free the profile
  }
}

// After two weeks of the weekly profile: it replaces the daily one when it
// has a cycle (swing over twice its noise) and its noise is under half the
// daily profile's (a plant that stops at weekends: the daily bins mix
// running weekdays with idle weekends), or when there is no daily one.
void AnomalyScore::decide_week() {
  m_week_decide_ms = INT64_MIN;
  double swing = 0, within = 0, daily_swing = 0, daily_within = 0;
  const bool cycle = m_week->shape(swing, within) && swing > 2 * within;
  const bool daily = m_season && m_season->state == 1 && m_season->shape(daily_swing, daily_within);
  if (cycle && (!daily || within < k_week_gain * daily_within)) {
    m_season = std::move(*m_week);
    m_season->state = 1;
    m_decide_ms = INT64_MAX;
    reset_levels(); // judged against the week from now on: learn afresh
  }
  m_week.reset();
}

AnomalyScore::Result AnomalyScore::add(int64_t ts, double v, double interval_ms, bool alerting, double limit,
                                       bool outliers_only) {
  if (!m_season && interval_ms > 0 && interval_ms <= 3600000 && m_n < 2 * k_warm) {
    // Seasonality only for sensors read at least hourly, decided once.
    m_season.emplace();
    m_season->per_day = std::clamp(static_cast<int>(double(k_day_ms) / interval_ms), 1, k_max_bins);
    m_season->weekly = interval_ms >= k_weekly_ms; // at most k_week_bins_a_day bins a day
    m_season->bins = m_season->per_day * (m_season->weekly ? 7 : 1);
    m_season->bin_stats.assign(size_t(m_season->bins), Bin{});
    m_decide_ms = ts + static_cast<int64_t>((m_season->weekly ? k_week_days : k_season_days) * double(k_day_ms));
  }
  if (ts >= m_decide_ms) {
    decide_season(ts);
  }
  if (m_week && ts >= m_week_decide_ms) {
    decide_week();
  }
  double x = v, profile = 0;
  const int bin = m_season ? m_season->bin_of(ts) : 0;
  if (m_season && m_season->state == 1) {
    const Bin& b = m_season->bin_stats[size_t(bin)];
    profile = b.count > 0 ? double(b.mean) : v;
    x = v - profile;
  }
  Result out;
  if (m_n == 0) {
    m_fast = m_slow = m_prev1 = m_prev2 = x;
  }
  const double r = x - m_fast; // outlier: value against its recent level
  const double d = m_fast - m_slow; // shift: recent level against the long-run level
  if (m_warm == 0 && interval_ms > 0) { // once, when the interval is first known
    m_warm = uint32_t(std::clamp(k_warm_days * double(k_day_ms) / interval_ms, k_warm_min, k_warm));
  }
  const double warm = m_warm > 0 ? double(m_warm) : k_warm;
  if (m_n >= warm * (k_rate_start / k_warm)) {
    // Never under the rounding of the value and its profile (kept as float):
    // a noise-free signal would otherwise judge its own last digits. Never 0
    // either: a sensor that reads exactly 0 (a closed valve, a spare channel)
    // is not anomalous at 0 (0 >= 0), only when it moves.
    const double floor = std::max(1e-6 * (std::fabs(v) + std::fabs(profile)), DBL_MIN);
    const double lim_r = std::max(limit_of(m_dev_r, m_q_r), floor);
    const double size = std::fabs(r);
    // An outlier counts when it is rare at the sensor's own rate of outliers that large.
    const bool rare_big = m_big_outliers.add(size >= k_big * limit * lim_r, k_rare_big);
    const bool over = size >= limit * lim_r;
    const bool rare = (m_outliers.add(over, k_rare) || rare_big) && m_n >= warm;
    const double lim_d = outliers_only ? INFINITY : std::max(limit_of(m_dev_d, m_q_d), floor);
    if (!outliers_only) {
      // In units of d (no division per reading): slack and clip are multiples of its deviation.
      const double clipped = std::clamp(d, -k_cusum_clip * m_dev_d, k_cusum_clip * m_dev_d);
      m_cusum_hi = std::max(0.0, m_cusum_hi + clipped - k_cusum_slack * m_dev_d);
      m_cusum_lo = std::max(0.0, m_cusum_lo - clipped - k_cusum_slack * m_dev_d);
    }
    const double cusum = outliers_only ? 0 : std::max(m_cusum_hi, m_cusum_lo);
    const double lim_c = std::max({k_cusum_limit * m_dev_d, m_q_c, floor});
    if (!outliers_only) {
      m_q_c = std::max(0.0, m_q_c + k_q_step * m_dev_d * (cusum > m_q_c ? k_q : -(1 - k_q)));
    }
    const bool shifted = std::fabs(d) >= limit * lim_d, changed = cusum >= limit * lim_c;
    bool usual = false; // anomalous in some part at this time of day before
    if (m_season && (over || shifted || changed)) {
      usual = m_season->state == 1 && m_season->usual_event(bin);
      m_season->record_event(bin);
    }
    // The scores (divisions) only for a reading that is anomalous in some part.
    if (m_n >= warm && !usual && (rare || shifted || changed)) {
      // Limits are > 0; a score over 1e9 (a flat signal that moved) says 1e9.
      const double zc = std::min(cusum / lim_c, 1e9);
      const double zr = !rare ? 0 : std::min(size / lim_r, 1e9);
      const double zd = outliers_only ? 0 : std::min(std::fabs(d) / lim_d, 1e9);
      out.score = std::max({zr, zd, zc});
      out.part = out.score == zr ? Part::outlier : out.score == zd ? Part::shift : Part::change;
      const double centre = profile + (out.part == Part::outlier ? m_fast : m_slow);
      const double half = limit * (out.part == Part::outlier ? lim_r : lim_d);
      out.expected_lo = centre - half;
      out.expected_hi = centre + half;
    }
  }
  ++m_n;
  const double rate = m_n < k_spread ? 1.0 / m_n : 1 / k_spread;
  learn_spread(r, m_dev_r, m_q_r, rate, k_q);
  if (!outliers_only) { // once an asset model judges shifts, it does for good
    learn_spread(d, m_dev_d, m_q_d, rate, k_q);
  }
  m_slow += (m_n < k_slow ? 1.0 / m_n : 1 / k_slow) * (x - m_slow);
  // The recent level follows the median of the last three values: a spike of
  // one reading does not move it (nor make a level shift), a shift does.
  const double med = std::max(std::min(x, m_prev1), std::min(std::max(x, m_prev1), m_prev2));
  m_prev2 = m_prev1;
  m_prev1 = x;
  m_fast += (med - m_fast) * (1 / k_fast);
  if (m_season && (m_season->state == 0 || !alerting)) {
    m_season->learn(bin, v);
  }
  if (m_week && !alerting) {
    m_week->learn(m_week->bin_of(ts), v);
  }
  return out;
}

} // namespace twinctl::sensors
