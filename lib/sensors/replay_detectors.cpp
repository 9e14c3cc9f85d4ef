// The numeric detectors of the replay engine (threshold, range, zscore/ewma,
// anomaly, rate, stuck), status readings, the multivariate alerts of an asset
// and the window aggregates: what happens to one reading once its sensor is
// found and the reading is known to be new (replay.cpp).
#include "lib/sensors/replay_impl.hpp"

#include <cmath>

namespace twinctl::sensors {

namespace {

std::string num(double v) { return replay_number(v); }

} // namespace

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

// zscore and ewma (off by default) against the rolling window; the value
// joins the window clipped to the limit, so one spike does not blind it.
void Replayer::Impl::windowed(SensorState& st, const Reading& r, int line, double dt_s) {
  const DetectorParams& p = *st.p;
  const double v = r.value;
  const int64_t ts = r.ts_ms;
  auto judge_one = [&](Detector d, Severity cond, auto&& why) { judge(st, d, cond, r, line, why); };
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
}

void Replayer::Impl::numeric(SensorState& st, const Reading& r, int line) {
  const DetectorParams& p = *st.p;
  const double v = r.value;
  const int64_t ts = r.ts_ms;
  auto judge_one = [&](Detector d, Severity cond, auto&& why) { judge(st, d, cond, r, line, why); };
  bool unit_ok = true;
  if (st.twin && !r.unit.empty() && r.unit != st.twin->unit && unit_of(r.unit) != st.twin->unit) {
    ++st.s.unit_mismatch;
    unit_ok = false; // thresholds and ranges are in the twin's unit
  }
  if (st.twin && unit_ok) {
    const model::Thresholds& th = st.twin->thresholds;
    const AlertState& a = st.alert(Detector::threshold);
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
  const double dt_s = st.last_v_ts == INT64_MIN ? 0 : double(ts - st.last_v_ts) * 1e-3;
  if (p.enabled[size_t(Detector::zscore)] || p.enabled[size_t(Detector::ewma)]) {
    windowed(st, r, line, dt_s);
  }
  if (p.enabled[size_t(Detector::anomaly)]) {
    AlertState& a = st.alert(Detector::anomaly);
    const bool known = st.interval_known();
    // A sensor whose asset has a fitted multivariate model leaves shifts to it.
    const bool joint = st.asset && st.asset->model.fitted() && p.enabled[size_t(Detector::multivariate)];
    const AnomalyScore::Result res =
        st.anomaly.add(ts, v, known ? st.interval_ms : 0, a.severity != Severity::none, p.anomaly_limit, joint);
    const bool over = known && res.score >= p.anomaly_limit;
    // Nothing raised and nothing to raise (the common case): the state
    // machine would only reset the count, so the keep time is not worked out.
    const Transition t = !over && a.severity == Severity::none
                             ? (st.anomaly_above = 0, Transition::none)
                             : step_pending_alert(a, st.anomaly_above, over, Severity::warning, ts, p.anomaly_for,
                                                  static_cast<int64_t>(p.anomaly_keep * st.interval_ms));
    if (t != Transition::none) {
      emit(st, Detector::anomaly, t, ts, v,
           t == Transition::raise ? std::string(AnomalyScore::part_name(res.part)) + ": value " + num(v) +
                                        ", expected " + num(res.expected_lo) + " to " + num(res.expected_hi) +
                                        " (score " + num(res.score) + ")"
                                  : std::string(),
           line);
    }
  }
  if (st.asset && st.mv_column >= 0) {
    if (const AssetModel::Result* res = st.asset->model.add(ts, size_t(st.mv_column), v)) {
      multivariate(st, *res, st.asset->last_row_ms, line);
    }
    st.asset->last_row_ms = ts;
  }
  if (st.last_v_ts != INT64_MIN && dt_s > 0) {
    // Compared without a division: the rate itself only for the message.
    const double dv = std::fabs(v - st.last_v);
    judge_one(Detector::rate, dv > p.rate_max * dt_s ? Severity::warning : Severity::none, [&] {
      return "changes at " + num(dv / dt_s) + "/s (limit " + num(p.rate_max) + "/s)";
    });
    if (st.is_power) {
      const double capped = std::min(double(ts - st.last_v_ts), double(st.gap_ms()));
      st.energy_kwh += st.last_v * st.power_scale * capped * (1 / 3.6e6); // ms -> h: no division per reading
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
  // The run its repeat rate needs (two logarithms) only once the run is long enough otherwise.
  auto long_enough = [&] {
    if (st.repeat_rate <= 0) {
      return true;
    }
    return st.stuck_n + 1 >= std::log(1e-6) / std::log(std::min(double(st.repeat_rate), 0.9999));
  };
  const bool stuck = st.numeric >= 100 && st.stuck_n + 1 >= p.stuck_min_count && v != st.rest_value &&
                     double(ts - st.stuck_since) >= p.stuck_after * 1000 && long_enough();
  if (st.alert(Detector::stuck).severity == Severity::none && st.last_v_ts != INT64_MIN) {
    // A running mean, then memory 1000: no division once past the first 1000 readings.
    const float step = st.numeric + 1 < 1000 ? 1 / float(st.numeric + 1) : 1e-3F;
    st.repeat_rate += float((repeat ? 1.0 : 0.0) - st.repeat_rate) * step;
  }
  judge_one(Detector::stuck, stuck ? Severity::warning : Severity::none, [&] {
    return "value " + num(v) + " unchanged for " + num(double(ts - st.stuck_since) / 1000) + " s";
  });
  st.min = st.numeric == 0 ? v : std::min(st.min, v);
  st.max = st.numeric == 0 ? v : std::max(st.max, v);
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
  const bool over = r.judged && r.score >= p.mv_limit;
  if (!over && as.alert.severity == Severity::none) {
    as.above = 0; // what the state machine would do, without working out the keep time
    return;
  }
  const int64_t keep = static_cast<int64_t>(p.mv_keep * st.interval_ms);
  const Transition t = step_pending_alert(as.alert, as.above, over, Severity::warning, ts, p.mv_for, keep);
  if (t != Transition::none) {
    emit_asset(st, t, ts, r, line);
  }
}

void Replayer::Impl::emit_asset(SensorState& st, Transition t, int64_t ts, AssetModel::Result r, int line) {
  model::Alert a;
  a.ts = format_time_ms(ts);
  a.asset = st.asset_id;
  a.detector = detector_name(Detector::multivariate);
  a.event = t == Transition::raise ? "raise" : "clear";
  a.severity = severity_name(t == Transition::raise ? Severity::warning : Severity::info);
  a.line = line;
  if (t == Transition::raise) {
    const MvModel& mv = *st.asset->model.model();
    st.asset->model.explain(r);
    a.message = "joint behaviour of " + std::to_string(mv.sensors.size()) + " sensors off (T2 " + num(r.t2) +
                " vs limit " + num(mv.t2_limit) + ", Q " + num(r.q) + " vs limit " + num(mv.q_limit) + "); most: ";
    for (size_t i = 0; i < r.n_top; ++i) {
      a.message += (i ? ", " : "") + mv.sensors[r.top[i].first] + " " + num(std::round(r.top[i].second * 100)) + " %";
    }
    ++sum.alerts_by_severity[size_t(Severity::warning)];
    // Counted on its top contributor, so the sensor table shows it.
    SensorState* top = &st;
    for (auto& other : states) {
      if (r.n_top > 0 && other->asset == st.asset && other->s.sensor == mv.sensors[r.top[0].first]) {
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

} // namespace twinctl::sensors
