#include "lib/sensors/detectors.hpp"

#include "lib/model/detectors.hpp"
#include "lib/util/error.hpp"

#include <charconv>
#include <cmath>
#include <iterator>

namespace twinctl::sensors {

namespace {

// The fields of model::k_detector_params, in its order.
constexpr double DetectorParams::*k_fields[] = {
    &DetectorParams::cooldown,    &DetectorParams::z_window,   &DetectorParams::z_limit,
    &DetectorParams::z_min_count, &DetectorParams::ewma_tau,   &DetectorParams::ewma_limit,
    &DetectorParams::rate_max,    &DetectorParams::stuck_after, &DetectorParams::stuck_min_count,
    &DetectorParams::gap_factor,  &DetectorParams::gap_min,    &DetectorParams::anomaly_limit,
    &DetectorParams::anomaly_for, &DetectorParams::anomaly_keep, &DetectorParams::mv_limit,
    &DetectorParams::mv_learn,    &DetectorParams::mv_for,      &DetectorParams::mv_keep,
};
static_assert(std::size(k_fields) == model::k_detector_params.size());
static_assert(model::k_detector_names.size() == k_detector_count);

std::string num(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
}

} // namespace

const char* detector_name(Detector d) { return model::k_detector_names[static_cast<size_t>(d)].data(); }

const char* severity_name(Severity s) {
  switch (s) {
  case Severity::critical:
    return "critical";
  case Severity::warning:
    return "warning";
  case Severity::info:
    return "info";
  case Severity::none:
    break;
  }
  return "none";
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity v : {Severity::none, Severity::info, Severity::warning, Severity::critical}) {
    if (s == severity_name(v)) {
      return v;
    }
  }
  return std::nullopt;
}

std::map<std::string, DetectorParams, std::less<>> builtin_type_settings() {
  DetectorParams counter;
  for (Detector d : {Detector::zscore, Detector::ewma, Detector::stuck, Detector::anomaly, Detector::multivariate}) {
    counter.enabled[size_t(d)] = false;
  }
  return {{"counter", counter}};
}

const DetectorParams& DetectorConfig::for_type(std::string_view type) const {
  auto it = by_type.find(type);
  return it == by_type.end() ? defaults : it->second;
}

void apply_setting(DetectorConfig& config, std::string_view setting) {
  const std::string what(setting);
  const size_t eq = setting.find('=');
  if (eq == std::string_view::npos) {
    throw Error("--set '" + what + "': expected [TYPE:]DETECTOR.PARAM=VALUE or [TYPE:]DETECTOR=on|off");
  }
  std::string_view key = setting.substr(0, eq);
  std::optional<std::string_view> type;
  if (const size_t colon = key.find(':'); colon != std::string_view::npos) {
    type = key.substr(0, colon);
    key = key.substr(colon + 1);
  }
  try {
    apply_setting(config, type, key, setting.substr(eq + 1));
  } catch (const Error& e) {
    throw Error("--set '" + what + "': " + e.what());
  }
}

void apply_setting(DetectorConfig& config, std::optional<std::string_view> type, std::string_view key,
                   std::string_view value) {
  DetectorParams* p = &config.defaults;
  if (type) {
    auto [it, added] = config.by_type.try_emplace(std::string(*type), config.defaults);
    p = &it->second;
  } else {
    // A default changed after per-type settings would be lost on them: apply it to all.
    for (auto& [name, params] : config.by_type) {
      apply_setting(config, std::string_view(name), key, value);
    }
  }
  for (size_t d = 0; d < k_detector_count; ++d) {
    if (key == model::k_detector_names[d]) {
      if (value != "on" && value != "off") {
        throw Error("a detector is switched 'on' or 'off'");
      }
      p->enabled[d] = value == "on";
      if (d == static_cast<size_t>(Detector::rate) && p->enabled[d] && p->rate_max <= 0) {
        throw Error("set rate.max (units per second) to use the rate detector");
      }
      return;
    }
  }
  for (size_t i = 0; i < std::size(k_fields); ++i) {
    const model::DetectorParamInfo& param = model::k_detector_params[i];
    if (key == param.name) {
      double v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v) || v < param.min) {
        throw Error(std::string(param.name) + " must be a number >= " + num(param.min));
      }
      if (key == "multivariate.learn" && v > 0 && v < 20) {
        throw Error("multivariate.learn must be 0 (50 rows per sensor) or a number >= 20");
      }
      p->*k_fields[i] = v;
      if (key == "rate.max") {
        p->enabled[static_cast<size_t>(Detector::rate)] = v > 0;
      }
      return;
    }
  }
  throw Error("unknown detector or parameter '" + std::string(key) + "' (see man twinctl-replay)");
}

int64_t RollingWindow::advance_slow(int64_t ts) {
  const int64_t slot = ts >= 0 ? ts / m_bucket_ms : (ts - m_bucket_ms + 1) / m_bucket_ms;
  if (slot > m_head) {
    // Retire the buckets that fall out of the window (all of them after a long gap).
    const int64_t steps = m_head == INT64_MIN ? 10 : std::min<int64_t>(slot - m_head, 10);
    for (int64_t i = 1; i <= steps; ++i) {
      Bucket& b = m_b[static_cast<size_t>((slot - steps + i) % 10 + 10) % 10];
      m_n -= b.n;
      m_sum -= b.sum;
      m_sumsq -= b.sumsq;
      b = Bucket{};
    }
    m_head = slot;
    m_head_start = slot * m_bucket_ms;
    if (m_n < 0.5) {
      m_n = m_sum = m_sumsq = 0; // drop rounding residue of an emptied window
      m_has_origin = false;
    }
  }
  return slot;
}

void RollingWindow::add_slow(int64_t ts, double v) {
  const int64_t slot = advance(ts);
  if (slot <= m_head - 10) {
    return;
  }
  if (slot != m_head) {
    m_older_head = INT64_MIN; // an older bucket changes
  }
  if (!m_has_origin) {
    m_origin = v;
    m_has_origin = true;
  }
  const double d = v - m_origin;
  Bucket& b = m_b[static_cast<size_t>(slot % 10 + 10) % 10];
  b.n += 1;
  b.sum += d;
  b.sumsq += d * d;
  m_n += 1;
  m_sum += d;
  m_sumsq += d * d;
}

RollingWindow::Stats RollingWindow::older_slow(int skip) {
  double n = 0, sum = 0, sumsq = 0;
  for (int64_t slot = m_head - 9; slot <= m_head - skip; ++slot) {
    const Bucket& b = m_b[static_cast<size_t>((slot % 10 + 10) % 10)];
    n += b.n;
    sum += b.sum;
    sumsq += b.sumsq;
  }
  Stats st;
  st.n = n;
  if (n >= 2) {
    st.mean = m_origin + sum / n;
    const double var = (sumsq - sum * sum / n) / (n - 1);
    st.sd = var > 0 ? std::sqrt(var) : 0;
  }
  m_older = st;
  m_older_head = m_head;
  m_older_skip = skip;
  return st;
}

} // namespace twinctl::sensors
