// The replay engine. Per reading: find the sensor's state (interned once),
// drop what would corrupt it (out-of-order, duplicates), then run each
// detector, in the order of DESIGN.md §8, through the shared alert state
// machine. See replay.hpp for the contract.
#include "lib/sensors/replay.hpp"

#include "lib/sensors/anomaly.hpp"
#include "lib/sensors/multivariate.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

namespace twinctl::sensors {

namespace {

std::string num(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  return ec == std::errc() ? std::string(buf, p) : std::string("?");
}

// Word-at-a-time multiply-xorshift: ids are short, and this runs once per reading.
uint64_t hash_bytes(std::string_view s, uint64_t h) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  for (size_t k = i; k < s.size(); ++k) { // the tail, without a memcpy call of variable size
    w = (w << 8) | static_cast<unsigned char>(s[k]);
  }
  h = (h ^ w ^ s.size()) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 29);
}

uint64_t hash_key(std::string_view machine, std::string_view sensor) {
  return hash_bytes(sensor, hash_bytes(machine, 0x243F6A8885A308D3ULL));
}

struct AssetState {
  explicit AssetState(size_t learn) : model(learn) {}
  AssetModel model;
  AlertState alert;
  uint32_t above = 0;
  int64_t last_row_ms = INT64_MIN;
};

struct SensorState {
  SensorSummary s;
  const model::Sensor* twin = nullptr;
  const DetectorParams* p = nullptr;
  std::string asset_id; // the twin's id when matched, else machineId
  bool is_status = false;
  double power_scale = 0; // reading unit -> kW; 0 = not a power sensor
  double sum = 0;
  uint64_t numeric = 0;
  int64_t last_ts = INT64_MIN;
  int64_t last_v_ts = INT64_MIN; // time of last_v
  double last_v = 0;
  RollingWindow window;
  double ewma = 0;
  bool ewma_ok = false;
  double interval_ms = 0; // from the twin, else estimated
  bool interval_fixed = false;
  AnomalyScore anomaly;
  uint32_t anomaly_above = 0; // evaluations in a row over the limit (anomaly.for)
  AssetState* asset = nullptr; // the multivariate model of its asset
  int64_t stuck_since = -1;
  uint32_t stuck_n = 0;
  float repeat_rate = 0; // learned share of readings equal to the one before
  double rest_value = NAN; // the value of the last long run that ended: an idle level, not a fault
  std::array<AlertState, k_detector_count> alerts{};
  SensorState* next = nullptr; // the sensor that came after this one last time
  std::string key;              // "machine,sensor": one compare for a CSV line
  double energy_kwh = 0;
  int64_t up_ms = 0, observed_ms = 0;
  int last_status = -1; // -1 unknown, 0 down, 1 up
  int64_t agg_slot = INT64_MIN;
  Aggregate agg;
  uint64_t alerts_raised = 0;

  int64_t gap_ms() const {
    return static_cast<int64_t>(std::max(p->gap_min * 1000, p->gap_factor * interval_ms));
  }
  // The sampling interval is known: the twin's, or learned from 10 readings.
  // Nothing that depends on it judges before.
  bool interval_known() const { return interval_fixed || (s.readings > 10 && interval_ms > 0); }
};

} // namespace

// True when r is st's sensor. In a CSV line machineId and sensorType are one
// piece of text, "machine,sensor": a single compare with st.key (the machine
// lengths being equal, equal bytes mean equal fields).
// memcmp for the short keys of sensors, without a call: 8-byte compares, the
// last one overlapping.
static bool same_bytes(const char* a, const char* b, size_t n) {
  if (n < 8 || n > 32) {
    return std::memcmp(a, b, n) == 0;
  }
  auto load = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  uint64_t diff = load(a + n - 8) ^ load(b + n - 8);
  for (size_t i = 0; i + 8 < n; i += 8) {
    diff |= load(a + i) ^ load(b + i);
  }
  return diff == 0;
}

static bool same_sensor(const SensorState& st, const Reading& r) {
  if (r.machine.size() != st.s.machine.size()) {
    return false;
  }
  if (r.sensor.data() == r.machine.data() + r.machine.size() + 1) {
    return st.key.size() == r.machine.size() + 1 + r.sensor.size() &&
           same_bytes(st.key.data(), r.machine.data(), st.key.size());
  }
  return st.s.sensor == r.sensor && st.s.machine == r.machine;
}

struct Replayer::Impl {
  const model::Twin* twin;
  ReplayOptions opts;
  AlertSink alert_sink;
  AggregateSink aggregate_sink;
  std::vector<std::unique_ptr<SensorState>> states;
  std::vector<uint32_t> slots; // open addressing: index + 1, 0 = empty
  std::vector<uint64_t> slot_hash;
  std::unordered_map<std::string, const model::Asset*> assets_by_name;
  std::map<std::string, std::unique_ptr<AssetState>, std::less<>> asset_models;
  ReplaySummary sum;
  bool first = true;
  SensorState* last = nullptr; // the previous reading's sensor

  // The sensor of `r`: readings come round in the same order (one per sensor
  // per interval), so first try the sensor that followed the previous one
  // last time; only a miss pays for the hash lookup.
  // Null when r's sensor is new and max_sensors are already tracked.
  SensorState* find(const Reading& r) {
    SensorState* hint = last ? last->next : nullptr;
    SensorState* st = hint && same_sensor(*hint, r) ? hint : intern(r);
    if (last && st) {
      last->next = st;
    }
    last = st;
    return st;
  }

  SensorState* intern(const Reading& r);
  SensorState& create(const Reading& r);
  void emit(SensorState& st, Detector d, Transition t, int64_t ts, double value, const std::string& why,
            int line);
  void emit_asset(SensorState& st, Transition t, int64_t ts, const AssetModel::Result& r, int line);
  void multivariate(SensorState& st, const AssetModel::Result& r, int64_t ts, int line);
  void add(const Reading& r, int line);
  void numeric(SensorState& st, const Reading& r, int line);
  void status(SensorState& st, const Reading& r);
  void aggregate(SensorState& st, int64_t ts, double v);
  std::string unit_of(std::string_view u) const;
};

namespace {

std::string builtin_unit(std::string_view u) {
  static const std::map<std::string_view, std::string_view> k_aliases = {
      {"°C", "Cel"}, {"degC", "Cel"}, {"C", "Cel"}, {"celsius", "Cel"}, {"kw", "kW"}, {"KW", "kW"}};
  auto it = k_aliases.find(u);
  return std::string(it == k_aliases.end() ? u : it->second);
}

} // namespace

std::string Replayer::Impl::unit_of(std::string_view u) const {
  if (twin) {
    auto it = twin->defaults.unit_aliases.find(std::string(u));
    if (it != twin->defaults.unit_aliases.end()) {
      return it->second;
    }
  }
  return builtin_unit(u);
}

// The zscore/ewma window: zscore.window, stretched for slow sensors so it holds
// 3 x zscore.min-count readings (a PT1M sensor gets 90 min, not 10 readings).
static void size_window(SensorState& st) {
  const double seconds = std::max(st.p->z_window, 3 * st.p->z_min_count * st.interval_ms / 1000);
  st.window.reset(static_cast<int64_t>(seconds * 100)); // 10 buckets of window/10 s
}

SensorState& Replayer::Impl::create(const Reading& r) {
  auto st = std::make_unique<SensorState>();
  st->s.machine = std::string(r.machine);
  st->s.sensor = std::string(r.sensor);
  st->asset_id = st->s.machine;
  st->key = st->s.machine + "," + st->s.sensor;
  std::string type = st->s.sensor;
  auto a = assets_by_name.find(st->s.machine);
  if (a != assets_by_name.end()) {
    st->asset_id = a->second->id;
    for (const model::Sensor& s : a->second->sensors) {
      if (s.id == r.sensor || (!st->twin && s.type == r.sensor)) {
        st->twin = &s;
      }
    }
  }
  if (st->twin) {
    st->s.in_twin = true;
    type = st->twin->type;
    if (st->twin->interval && util::approx_seconds(*st->twin->interval) > 0) {
      st->interval_ms = 1000.0 * static_cast<double>(util::approx_seconds(*st->twin->interval));
      st->interval_fixed = true;
    }
  }
  st->p = &opts.detectors.for_type(type);
  st->is_status = type == "status" || type == "state";
  if (type == "power") {
    const std::string unit = unit_of(r.unit.empty() && st->twin ? std::string_view(st->twin->unit) : r.unit);
    st->power_scale = unit == "W" ? 0.001 : unit == "MW" ? 1000 : 1;
  }
  size_window(*st);
  if (st->p->enabled[size_t(Detector::multivariate)] && !st->is_status) {
    auto [it, added] = asset_models.try_emplace(st->asset_id, nullptr);
    if (added) {
      it->second = std::make_unique<AssetState>(static_cast<size_t>(st->p->mv_learn));
      if (auto m = opts.mv_models.find(st->asset_id); m != opts.mv_models.end()) {
        it->second->model.set_model(m->second);
      }
    }
    st->asset = it->second.get();
  }
  st->agg.machine = st->s.machine;
  st->agg.sensor = st->s.sensor;
  states.push_back(std::move(st));
  return *states.back();
}

SensorState* Replayer::Impl::intern(const Reading& r) {
  const uint64_t h = hash_key(r.machine, r.sensor);
  size_t mask = slots.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots[i] == 0) {
      break;
    }
    SensorState& st = *states[slots[i] - 1];
    if (slot_hash[i] == h && st.s.machine == r.machine && st.s.sensor == r.sensor) {
      return &st;
    }
  }
  if (states.size() >= opts.max_sensors) {
    return nullptr;
  }
  SensorState& st = create(r);
  if (states.size() * 2 > slots.size()) {
    // Grow and re-insert: the table stays at most half full.
    std::vector<uint32_t> old_slots(slots.size() * 2, 0);
    std::vector<uint64_t> old_hash(slots.size() * 2, 0);
    old_slots.swap(slots);
    old_hash.swap(slot_hash);
    for (size_t j = 0; j < old_slots.size(); ++j) {
      if (old_slots[j] != 0) {
        mask = slots.size() - 1;
        size_t i = old_hash[j] & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = old_slots[j];
        slot_hash[i] = old_hash[j];
      }
    }
  }
  mask = slots.size() - 1;
  size_t i = h & mask;
  while (slots[i] != 0) {
    i = (i + 1) & mask;
  }
  slots[i] = static_cast<uint32_t>(states.size());
  slot_hash[i] = h;
  return &st;
}

void Replayer::Impl::emit(SensorState& st, Detector d, Transition t, int64_t ts, double value,
                          const std::string& why, int line) {
  model::Alert a;
  a.ts = format_time_ms(ts);
  a.asset = st.asset_id;
  a.sensor = st.s.sensor;
  a.detector = detector_name(d);
  a.event = t == Transition::raise ? "raise" : "clear";
  const Severity sev = st.alerts[static_cast<size_t>(d)].severity;
  a.severity = severity_name(t == Transition::raise ? sev : Severity::info);
  if (std::isfinite(value)) {
    a.value = value;
  }
  a.message = t == Transition::raise ? why : std::string(detector_name(d)) + " back to normal";
  a.line = line;
  if (t == Transition::raise) {
    ++st.s.raises[static_cast<size_t>(d)];
    ++sum.alerts_by_severity[static_cast<size_t>(sev)];
    ++st.alerts_raised;
    if (st.s.worst.empty() || parse_severity(st.s.worst).value_or(Severity::none) < sev) {
      st.s.worst = severity_name(sev);
    }
  }
  if (alert_sink) {
    alert_sink(a);
  }
}

void Replayer::Impl::add(const Reading& r, int line) {
  ++sum.readings;
  if (first || r.ts_ms < sum.first_ms) {
    sum.first_ms = r.ts_ms;
  }
  if (first || r.ts_ms > sum.last_ms) {
    sum.last_ms = r.ts_ms;
  }
  first = false;
  SensorState* found = find(r);
  if (!found) {
    ++sum.over_cap_readings;
    return;
  }
  SensorState& st = *found;
  ++st.s.readings;
  if (st.s.readings == 1) {
    st.s.first_ms = r.ts_ms;
  }
  // Out-of-order and duplicate readings are counted and dropped: feeding them
  // to time-based state would move it backwards.
  if (st.last_ts != INT64_MIN && r.ts_ms <= st.last_ts) {
    const bool dup = r.ts_ms == st.last_ts;
    ++(dup ? st.s.duplicates : st.s.out_of_order);
    ++(dup ? sum.duplicates : sum.out_of_order);
    return;
  }
  const DetectorParams& p = *st.p;
  const int64_t cooldown = static_cast<int64_t>(p.cooldown * 1000);
  if (st.last_ts != INT64_MIN) {
    const int64_t dt = r.ts_ms - st.last_ts;
    const int64_t gap = st.gap_ms();
    if (p.enabled[size_t(Detector::gap)] && dt > gap && st.interval_known()) {
      AlertState& a = st.alerts[size_t(Detector::gap)];
      if (step_alert(a, Severity::warning, st.last_ts + gap, 0) == Transition::raise) {
        emit(st, Detector::gap, Transition::raise, st.last_ts + gap, NAN,
             "no data for " + num(double(dt) / 1000) + " s (gap limit " + num(double(gap) / 1000) + " s)", line);
      }
    } else if (!st.interval_fixed && (dt <= gap || !st.interval_known())) {
      // Learn the sampling interval from ordinary steps only, never from gaps.
      st.interval_ms = st.interval_ms == 0 ? double(dt) : st.interval_ms + 0.05 * (double(dt) - st.interval_ms);
      if (st.s.readings == 10) {
        size_window(st); // now that the interval is known; the window is barely filled yet
      }
    }
    // No data is a state of its own: it ends with the first reading back.
    if (step_alert(st.alerts[size_t(Detector::gap)], Severity::none, r.ts_ms, 0) == Transition::clear) {
      emit(st, Detector::gap, Transition::clear, r.ts_ms, r.value, "", line);
    }
  }
  const bool nan = std::isnan(r.value) && (r.text.empty() || !st.is_status);
  const bool bad = r.quality == Quality::bad || nan;
  st.s.bad_quality += r.quality == Quality::bad;
  st.s.not_a_number += nan;
  if (p.enabled[size_t(Detector::quality)]) {
    AlertState& a = st.alerts[size_t(Detector::quality)];
    const Transition t = step_alert(a, bad ? Severity::warning : Severity::none, r.ts_ms, cooldown);
    if (t != Transition::none) {
      emit(st, Detector::quality, t, r.ts_ms, r.value,
           r.quality == Quality::bad ? "quality bad" : "value is not a number", line);
    }
  }
  if (st.is_status) {
    status(st, r);
  } else if (!bad) {
    numeric(st, r, line);
  }
  st.last_ts = r.ts_ms;
  st.s.last_ms = r.ts_ms;
}

void Replayer::Impl::status(SensorState& st, const Reading& r) {
  int up = -1;
  if (!r.text.empty()) {
    std::string s(r.text);
    if (twin) {
      auto it = twin->defaults.status_aliases.find(s);
      if (it != twin->defaults.status_aliases.end()) {
        s = it->second;
      }
    }
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    up = (s == "running" || s == "idle") ? 1 : 0;
  } else if (std::isfinite(r.value)) {
    up = r.value > 0 ? 1 : 0;
  }
  if (st.last_status >= 0 && st.last_ts != INT64_MIN) {
    const int64_t dt = std::min(r.ts_ms - st.last_ts, st.gap_ms());
    st.observed_ms += dt;
    st.up_ms += st.last_status == 1 ? dt : 0;
  }
  st.last_status = up;
}

void Replayer::Impl::numeric(SensorState& st, const Reading& r, int line) {
  const DetectorParams& p = *st.p;
  const int64_t cooldown = static_cast<int64_t>(p.cooldown * 1000);
  const double v = r.value;
  const int64_t ts = r.ts_ms;
  auto judge_one = [&](Detector d, Severity cond, auto&& why) {
    if (!p.enabled[size_t(d)]) {
      return;
    }
    const Transition t = step_alert(st.alerts[size_t(d)], cond, ts, cooldown);
    if (t != Transition::none) {
      emit(st, d, t, ts, v, t == Transition::raise ? why() : std::string(), line);
    }
  };
  bool unit_ok = true;
  if (st.twin && !r.unit.empty() && r.unit != st.twin->unit && unit_of(r.unit) != st.twin->unit) {
    ++st.s.unit_mismatch;
    unit_ok = false; // thresholds and ranges are in the twin's unit
  }
  if (st.twin && unit_ok) {
    const model::Thresholds& th = st.twin->thresholds;
    const AlertState& a = st.alerts[size_t(Detector::threshold)];
    auto level_at = [&](double h) {
      if ((th.high_alarm && v >= *th.high_alarm - h) || (th.low_alarm && v <= *th.low_alarm + h)) {
        return Severity::critical;
      }
      if ((th.high_warn && v >= *th.high_warn - h) || (th.low_warn && v <= *th.low_warn + h)) {
        return Severity::warning;
      }
      return Severity::none;
    };
    // A raised level holds until the value is back by the hysteresis; it never escalates early.
    Severity level = level_at(0);
    if (a.severity > level && level_at(th.hysteresis) >= a.severity) {
      level = a.severity;
    }
    judge_one(Detector::threshold, level, [&] {
      return "value " + num(v) + " " + st.twin->unit + " beyond the " +
             (level == Severity::critical ? "alarm" : "warning") + " threshold";
    });
    const bool out = (st.twin->range_min && v < *st.twin->range_min) || (st.twin->range_max && v > *st.twin->range_max);
    judge_one(Detector::range, out ? Severity::warning : Severity::none, [&] {
      return "value " + num(v) + " outside the sensor range [" + num(st.twin->range_min.value_or(-INFINITY)) +
             ", " + num(st.twin->range_max.value_or(INFINITY)) + "]: sensor fault";
    });
  }
  const double dt_s = st.last_v_ts == INT64_MIN ? 0 : double(ts - st.last_v_ts) / 1000;
  // zscore and ewma against the rolling window; the value joins the window
  // clipped to the limit, so one spike does not blind the detector.
  double x = v;
  st.window.advance(ts);
  if (st.window.count() >= p.z_min_count) {
    const double mean = st.window.mean();
    const double var = st.window.variance();
    const double floor = 1e-9 * std::max(1.0, std::fabs(mean));
    if (var > floor * floor) {
      // Compared squared: the square root is only taken for the (rare) outlier.
      const double d = v - mean;
      const bool out = d * d > p.z_limit * p.z_limit * var;
      judge_one(Detector::zscore, out ? Severity::warning : Severity::none, [&] {
        return "value " + num(v) + " is " + num(std::fabs(d) / std::sqrt(var)) +
               " standard deviations from the mean " + num(mean);
      });
      if (out) {
        const double sd = std::sqrt(var);
        x = std::clamp(v, mean - p.z_limit * sd, mean + p.z_limit * sd);
      }
      if (!st.ewma_ok) {
        st.ewma = mean; // starts from the first full window, not from one raw value
        st.ewma_ok = true;
      }
      st.ewma += dt_s / (p.ewma_tau + dt_s) * (x - st.ewma);
      // Against the window without its newest 3 buckets, so a shift does not
      // move its own baseline (or inflate its stddev) while it is detected.
      const RollingWindow::Stats base = st.window.older(3);
      if (p.enabled[size_t(Detector::ewma)] && base.n >= p.z_min_count && base.sd > 0) {
        const double ez = (st.ewma - base.mean) / base.sd;
        judge_one(Detector::ewma, std::fabs(ez) > p.ewma_limit ? Severity::info : Severity::none, [&] {
          return "smoothed value " + num(st.ewma) + " is " + num(std::fabs(ez)) +
                 " standard deviations from the baseline mean " + num(base.mean);
        });
      }
    }
  } else {
    st.ewma_ok = false; // warming up (again, after a gap)
  }
  st.window.add(ts, x);
  if (p.enabled[size_t(Detector::anomaly)]) {
    AlertState& a = st.alerts[size_t(Detector::anomaly)];
    const bool known = st.interval_known();
    // A sensor whose asset has a fitted multivariate model leaves shifts to it.
    const bool joint = st.asset && st.asset->model.model() && p.enabled[size_t(Detector::multivariate)];
    const AnomalyScore::Result res =
        st.anomaly.add(ts, v, known ? st.interval_ms : 0, a.severity != Severity::none, p.anomaly_limit, joint);
    const int64_t keep = static_cast<int64_t>(p.anomaly_keep * st.interval_ms);
    const Transition t = step_pending_alert(a, st.anomaly_above, known && res.score >= p.anomaly_limit,
                                            Severity::warning, ts, p.anomaly_for, keep);
    if (t != Transition::none) {
      emit(st, Detector::anomaly, t, ts, v,
           t == Transition::raise ? std::string(res.shift ? "level shift" : "outlier") + ": value " + num(v) +
                                        ", expected " + num(res.expected_lo) + " to " + num(res.expected_hi) +
                                        " (score " + num(res.score) + ")"
                                  : std::string(),
           line);
    }
  }
  if (st.asset) {
    if (auto res = st.asset->model.add(ts, st.s.sensor, v)) {
      multivariate(st, *res, st.asset->last_row_ms, line);
    }
    st.asset->last_row_ms = ts;
  }
  if (st.last_v_ts != INT64_MIN && dt_s > 0) {
    const double rate = std::fabs(v - st.last_v) / dt_s;
    judge_one(Detector::rate, rate > p.rate_max ? Severity::warning : Severity::none, [&] {
      return "changes at " + num(rate) + "/s (limit " + num(p.rate_max) + "/s)";
    });
    if (st.power_scale > 0) {
      const double capped = std::min(double(ts - st.last_v_ts), double(st.gap_ms()));
      st.energy_kwh += st.last_v * st.power_scale * capped / 3.6e6;
    }
  }
  const bool repeat = st.last_v_ts != INT64_MIN && v == st.last_v;
  if (repeat) {
    if (st.stuck_n++ == 0) {
      st.stuck_since = st.last_v_ts;
    }
  } else {
    if (st.stuck_n + 1 >= p.stuck_min_count) {
      st.rest_value = st.last_v;
    }
    st.stuck_n = 0;
  }
  // Stuck: a value that stopped changing the way this sensor changes. A run
  // of one value that its learned repeat rate makes a one-in-a-million event,
  // of at least stuck.min-count readings and stuck.after seconds, judged
  // after the rate is learned (100 readings): a quantised or idle signal
  // repeats values normally, and a machine returns to its idle value (the
  // value of the last long run that ended) without being stuck there.
  double run_needed = p.stuck_min_count;
  if (st.repeat_rate > 0) {
    run_needed = std::max(run_needed, std::log(1e-6) / std::log(std::min(double(st.repeat_rate), 0.9999)));
  }
  const bool stuck = st.numeric >= 100 && st.stuck_n + 1 >= run_needed && v != st.rest_value &&
                     double(ts - st.stuck_since) >= p.stuck_after * 1000;
  if (st.alerts[size_t(Detector::stuck)].severity == Severity::none && st.last_v_ts != INT64_MIN) {
    st.repeat_rate += float((repeat ? 1.0 : 0.0) - st.repeat_rate) / float(std::min<uint64_t>(st.numeric + 1, 1000));
  }
  judge_one(Detector::stuck, stuck ? Severity::warning : Severity::none, [&] {
    return "value " + num(v) + " unchanged for " + num(double(ts - st.stuck_since) / 1000) + " s";
  });
  st.s.min = st.numeric == 0 ? v : std::min(st.s.min, v);
  st.s.max = st.numeric == 0 ? v : std::max(st.s.max, v);
  st.sum += v;
  ++st.numeric;
  st.last_v = v;
  st.last_v_ts = ts;
  if (opts.window > 0) {
    aggregate(st, ts, v);
  }
}

// A row of the asset judged by its model: the alert is the asset's (sensor
// empty), its message names the sensors that contribute most.
void Replayer::Impl::multivariate(SensorState& st, const AssetModel::Result& r, int64_t ts, int line) {
  AssetState& as = *st.asset;
  const DetectorParams& p = *st.p;
  const int64_t keep = static_cast<int64_t>(p.mv_keep * st.interval_ms);
  const Transition t =
      step_pending_alert(as.alert, as.above, r.judged && r.score >= p.mv_limit, Severity::warning, ts, p.mv_for, keep);
  if (t != Transition::none) {
    emit_asset(st, t, ts, r, line);
  }
}

void Replayer::Impl::emit_asset(SensorState& st, Transition t, int64_t ts, const AssetModel::Result& r, int line) {
  model::Alert a;
  a.ts = format_time_ms(ts);
  a.asset = st.asset_id;
  a.detector = detector_name(Detector::multivariate);
  a.event = t == Transition::raise ? "raise" : "clear";
  a.severity = severity_name(t == Transition::raise ? Severity::warning : Severity::info);
  a.line = line;
  if (t == Transition::raise) {
    const MvModel& m = *st.asset->model.model();
    a.message = "joint behaviour of " + std::to_string(m.sensors.size()) + " sensors off (T2 " + num(r.t2) +
                " vs limit " + num(m.t2_limit) + ", Q " + num(r.q) + " vs limit " + num(m.q_limit) + "); most: ";
    for (size_t i = 0; i < r.top.size(); ++i) {
      a.message += (i ? ", " : "") + r.top[i].first + " " + num(std::round(r.top[i].second * 100)) + " %";
    }
    ++sum.alerts_by_severity[size_t(Severity::warning)];
    // Counted on its top contributor, so the sensor table shows it.
    SensorState* top = &st;
    for (auto& other : states) {
      if (!r.top.empty() && other->asset == st.asset && other->s.sensor == r.top[0].first) {
        top = other.get();
      }
    }
    ++top->s.raises[size_t(Detector::multivariate)];
    ++top->alerts_raised;
    if (top->s.worst.empty() || top->s.worst == "info") {
      top->s.worst = "warning";
    }
  } else {
    a.message = "multivariate back to normal";
  }
  if (alert_sink) {
    alert_sink(a);
  }
}

void Replayer::Impl::aggregate(SensorState& st, int64_t ts, double v) {
  const int64_t w = static_cast<int64_t>(opts.window * 1000);
  const int64_t slot = ts / w;
  if (slot != st.agg_slot) {
    if (st.agg.count > 0 && aggregate_sink) {
      st.agg.mean /= double(st.agg.count);
      aggregate_sink(st.agg);
    }
    st.agg_slot = slot;
    st.agg.start_ms = slot * w;
    st.agg.min = st.agg.max = v;
    st.agg.mean = 0;
    st.agg.count = 0;
  }
  st.agg.min = std::min(st.agg.min, v);
  st.agg.max = std::max(st.agg.max, v);
  st.agg.mean += v;
  ++st.agg.count;
}

Replayer::Replayer(const model::Twin* twin, ReplayOptions options, AlertSink alerts, AggregateSink aggregates)
    : m(std::make_unique<Impl>()) {
  m->twin = twin;
  m->opts = std::move(options);
  m->alert_sink = std::move(alerts);
  m->aggregate_sink = std::move(aggregates);
  m->slots.assign(1024, 0);
  m->slot_hash.assign(1024, 0);
  if (twin) {
    for (const model::Asset& a : twin->assets) {
      m->assets_by_name.emplace(a.id, &a);
      for (const auto& [kind, binding] : a.live) {
        m->assets_by_name.emplace(binding, &a);
      }
    }
  }
}

Replayer::~Replayer() = default;

void Replayer::add(const Reading& r, int line) { m->add(r, line); }

void Replayer::finish() {
  for (auto& stp : m->states) {
    SensorState& st = *stp;
    if (st.asset && st.asset->last_row_ms != INT64_MIN) {
      if (auto res = st.asset->model.finish()) {
        m->multivariate(st, *res, st.asset->last_row_ms, 0);
      }
      if (st.asset->alert.severity != Severity::none && st.asset->alert.false_since >= 0) {
        AssetModel::Result none;
        m->emit_asset(st, Transition::clear, st.asset->alert.false_since, none, 0);
        st.asset->alert = AlertState{};
      }
      st.asset->last_row_ms = INT64_MIN; // once per asset
    }
  }
  for (auto& stp : m->states) {
    SensorState& st = *stp;
    const int64_t cooldown = static_cast<int64_t>(st.p->cooldown * 1000);
    // A sensor silent at the end of the stream: its gap stays open.
    const int64_t gap = st.gap_ms();
    if (st.p->enabled[size_t(Detector::gap)] && m->sum.last_ms - st.last_ts > gap &&
        step_alert(st.alerts[size_t(Detector::gap)], Severity::warning, st.last_ts + gap, cooldown) ==
            Transition::raise) {
      m->emit(st, Detector::gap, Transition::raise, st.last_ts + gap, NAN,
              "no reading since " + format_time_ms(st.last_ts), 0);
    }
    for (size_t d = 0; d < k_detector_count; ++d) {
      AlertState& a = st.alerts[d];
      if (a.severity != Severity::none && a.false_since >= 0) {
        m->emit(st, Detector(d), Transition::clear, a.false_since, NAN, "", 0);
        a = AlertState{};
      }
    }
    if (m->opts.window > 0 && st.agg.count > 0 && m->aggregate_sink) {
      st.agg.mean /= double(st.agg.count);
      m->aggregate_sink(st.agg);
      st.agg.count = 0;
    }
  }
}

std::vector<std::pair<std::string, MvModel>> Replayer::models() const {
  std::vector<std::pair<std::string, MvModel>> out;
  for (const auto& [asset, as] : m->asset_models) {
    if (as->model.model()) {
      out.emplace_back(asset, *as->model.model());
    }
  }
  return out;
}

ReplaySummary Replayer::summary() const {
  ReplaySummary out = m->sum;
  std::map<std::string, AssetSummary> assets;
  for (const auto& stp : m->states) {
    const SensorState& st = *stp;
    SensorSummary s = st.s;
    s.mean = st.numeric ? st.sum / double(st.numeric) : 0;
    out.sensors.push_back(s);
    AssetSummary& a = assets[st.asset_id];
    a.asset = st.asset_id;
    a.in_twin = m->assets_by_name.count(st.s.machine) > 0;
    a.readings += st.s.readings;
    a.alerts += st.alerts_raised;
    if (st.power_scale > 0) {
      a.energy_kwh = a.energy_kwh.value_or(0) + st.energy_kwh;
    }
    if (st.is_status && st.observed_ms > 0) {
      a.availability = double(st.up_ms) / double(st.observed_ms);
      // Without a power sensor, the nameplate power while running.
      auto it = m->assets_by_name.find(st.s.machine);
      if (it != m->assets_by_name.end() && it->second->power_kw && !a.energy_kwh) {
        a.energy_kwh = *it->second->power_kw * double(st.up_ms) / 3.6e6;
      }
    }
  }
  for (auto& [id, a] : assets) {
    if (a.energy_kwh && m->twin && m->twin->defaults.co2_kg_per_kwh) {
      a.co2_kg = *a.energy_kwh * *m->twin->defaults.co2_kg_per_kwh;
    }
    out.assets.push_back(a);
  }
  std::sort(out.sensors.begin(), out.sensors.end(), [](const SensorSummary& x, const SensorSummary& y) {
    return std::tie(x.machine, x.sensor) < std::tie(y.machine, y.sensor);
  });
  return out;
}

} // namespace twinctl::sensors
