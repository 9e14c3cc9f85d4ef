// The detectors of `replay` and the alert state machine they
// share. Each detector looks at one reading of one sensor plus a few numbers
// of state, so memory is constant per sensor whatever the input size.
#pragma once

#include "lib/model/twin.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace twinctl::sensors {

enum class Detector : uint8_t { threshold, range, zscore, ewma, rate, stuck, gap, quality, anomaly, multivariate };
inline constexpr size_t k_detector_count = 10;
const char* detector_name(Detector d);

enum class Severity : uint8_t { none = 0, info = 1, warning = 2, critical = 3 };
const char* severity_name(Severity s);
// "critical" | "warning" | "info" | "none" -> Severity; nullopt otherwise.
std::optional<Severity> parse_severity(std::string_view s);

// Every knob of every detector, with the defaults the man page explains.
// Times are seconds; `for`, `keep` and `learn` count sampling intervals (each
// sensor's, learned from its first readings), so one set of defaults fits
// 100 ms to 15 min sampling. Defaults were picked on real recorded series
// (bench/RESULTS.md: NAB, SKAB) and checked on `simulate sensors` data:
// recall >= 0.9 on spikes, steps, stuck values and dropouts with < 1 false
// alert per sensor-day on clean data. zscore and ewma (fixed windows) are
// off: anomaly replaces them.
struct DetectorParams {
  std::array<bool, k_detector_count> enabled = {true, true, false, false, false, true, true, true, true, true};
  double cooldown = 300;   // an alert clears only after its condition was false this long
  double z_window = 600;   // rolling window of zscore and ewma (time-based, 10 buckets)
  double z_limit = 5;      // |value - mean| / stddev that raises
  double z_min_count = 30; // readings in the window before zscore/ewma judge
  double ewma_tau = 60;    // time constant of the smoothed value
  double ewma_limit = 3;   // |ewma - baseline mean| / baseline stddev that raises
  double rate_max = 0;     // units per second; the rate detector is off until set
  double stuck_after = 300; // identical values for this long
  double stuck_min_count = 10;
  double gap_factor = 10; // no reading for gap_factor x the sampling interval ...
  double gap_min = 30;    // ... but at least this long
  double anomaly_limit = 1;  // score that raises (1 = the learned limits; 2 = twice as far)
  double anomaly_for = 0;    // intervals the score stays >= limit before a raise (pending)
  double anomaly_keep = 60;  // intervals below the limit before a clear (keep firing)
  double mv_limit = 1;       // multivariate: score (T2 or Q over its learned limit) that raises
  double mv_learn = 0;       // rows of the asset learned as normal before judging; 0: 50 per sensor, >= 200
  double mv_for = 5;
  double mv_keep = 10;
};

// Sets one parameter from "[TYPE:]DETECTOR.PARAM=VALUE" or "[TYPE:]DETECTOR=on|off",
// where TYPE is a sensor type (temperature, power, ...) and no TYPE means all.
// Throws twinctl::Error naming the setting when it is unknown or malformed.
// Built-in settings per sensor type, before the twin's and --set: a `counter`
// (a cumulative count of parts or events) is judged for gaps and quality, and
// by threshold, range and rate when they are set, but not by the detectors of
// a level (zscore, ewma, stuck, anomaly, multivariate): it grows all shift,
// stands still at every stop and falls at every reset, which they would each
// take for an anomaly. `counter:anomaly=on` and the like switch them back on.
std::map<std::string, DetectorParams, std::less<>> builtin_type_settings();

struct DetectorConfig {
  DetectorParams defaults;
  std::map<std::string, DetectorParams, std::less<>> by_type = builtin_type_settings();
  const DetectorParams& for_type(std::string_view type) const;
};
void apply_setting(DetectorConfig& config, std::string_view setting);
// The same, parsed: `type` none = all types; `key` DETECTOR.PARAM, cooldown or
// DETECTOR; `value` a number or on|off. The error message names the problem
// but not where the setting came from (the caller adds that).
void apply_setting(DetectorConfig& config, std::optional<std::string_view> type, std::string_view key,
                   std::string_view value);

// One open/closed alert of one detector on one sensor. The cooldown makes a
// flapping excursion one alert: the clear waits until the condition has been
// false for `cooldown` seconds.
struct AlertState {
  Severity severity = Severity::none; // none = not raised
  int64_t false_since = -1;           // ms; -1 = condition true or no alert
};

enum class Transition : uint8_t { none, raise, clear };

// Feeds one evaluation of the condition at time ts (ms). Returns raise when an
// alert opens or escalates, clear when it closes.
inline Transition step_alert(AlertState& a, Severity cond, int64_t ts, int64_t cooldown_ms);

// Grafana's alert rule semantics: the condition must hold for more than
// `pending` evaluations in a row before a raise (`for`), and be false for
// keep_ms before a clear (keep firing). `above` counts the evaluations.
inline Transition step_pending_alert(AlertState& a, uint32_t& above, bool cond, Severity sev, int64_t ts,
                                     double pending, int64_t keep_ms) {
  if (cond) {
    ++above;
    if (a.severity == Severity::none && double(above) <= pending) {
      return Transition::none;
    }
  } else {
    above = 0;
  }
  return step_alert(a, cond ? sev : Severity::none, ts, keep_ms);
}

inline Transition step_alert(AlertState& a, Severity cond, int64_t ts, int64_t cooldown_ms) {
  if (cond != Severity::none) {
    a.false_since = -1;
    if (cond > a.severity) {
      a.severity = cond;
      return Transition::raise;
    }
    return Transition::none;
  }
  if (a.severity == Severity::none) {
    return Transition::none;
  }
  if (a.false_since < 0) {
    a.false_since = ts;
  }
  if (ts - a.false_since >= cooldown_ms) {
    a.severity = Severity::none;
    a.false_since = -1;
    return Transition::clear;
  }
  return Transition::none;
}

// Count, sum and sum of squares over a time-based window of 10 buckets; values
// are stored relative to `origin` to keep the variance exact at large levels.
class StateWriter;
class StateReader;

class RollingWindow {
public:
  // The window as a checkpoint holds it (replay_state.cpp).
  void save(StateWriter& w) const;
  void load(StateReader& r);
  void reset(int64_t bucket_ms) { *this = RollingWindow(); m_bucket_ms = bucket_ms; }
  // Adds v at ts; readings older than the window are ignored. A gap longer
  // than the window empties it.
  void add(int64_t ts, double v) {
    if (ts >= m_head_start && ts - m_head_start < m_bucket_ms && m_has_origin) {
      add_to_head(v - m_origin); // the common case: into the newest bucket
    } else {
      add_slow(ts, v);
    }
  }
  // Moves the window's end to ts, retiring older buckets; returns ts's slot.
  int64_t advance(int64_t ts) {
    if (ts >= m_head_start && ts - m_head_start < m_bucket_ms) {
      return m_head; // the common case: still in the newest bucket, no division
    }
    return advance_slow(ts);
  }
  double count() const { return m_n; }
  double mean() const { return m_origin + m_sum / m_n; }
  double stddev() const { return std::sqrt(variance()); }
  double variance() const {
    if (m_n < 2) {
      return 0;
    }
    const double var = (m_sumsq - m_sum * m_sum / m_n) / (m_n - 1);
    return var > 0 ? var : 0;
  }
  // count, mean and stddev of the window without its `skip` newest buckets:
  // the baseline a recent shift is measured against, not yet moved by it.
  struct Stats {
    double n = 0, mean = 0, sd = 0;
  };
  Stats older(int skip) {
    // Readings only ever join the newest bucket (older ones are dropped before),
    // so the older buckets change only when the window moves: cached.
    return m_older_head == m_head && m_older_skip == skip ? m_older : older_slow(skip);
  }

private:
  void add_slow(int64_t ts, double v);
  int64_t advance_slow(int64_t ts);
  Stats older_slow(int skip);
  void add_to_head(double d) {
    Bucket& b = m_b[static_cast<size_t>(m_head % 10 + 10) % 10];
    b.n += 1;
    b.sum += d;
    b.sumsq += d * d;
    m_n += 1;
    m_sum += d;
    m_sumsq += d * d;
  }
  struct Bucket {
    double n = 0, sum = 0, sumsq = 0;
  };
  std::array<Bucket, 10> m_b{};
  double m_n = 0, m_sum = 0, m_sumsq = 0;
  double m_origin = 0;
  bool m_has_origin = false;
  int64_t m_head = INT64_MIN; // slot of the newest bucket
  int64_t m_head_start = INT64_MAX; // its first millisecond
  Stats m_older;                    // older() for m_older_head, m_older_skip
  int64_t m_older_head = INT64_MIN;
  int m_older_skip = -1;
  int64_t m_bucket_ms = 60000;
};

} // namespace twinctl::sensors
