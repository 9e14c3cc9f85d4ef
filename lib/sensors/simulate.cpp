// The sensor signal generator. Each sensor: level + daily cycle + shift cycle
// (8 h) + a slow mean-reverting walk + Gaussian noise, sampled at its interval
// on a common tick, written in time order. A sensor chosen by --fault-rate gets
// one fault; kinds are handed out round-robin so every kind appears.
#include "lib/sensors/simulate.hpp"

#include "lib/util/error.hpp"
#include "lib/util/rng.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace twinctl::sensors {

namespace {

constexpr double k_two_pi = 6.283185307179586;
constexpr size_t k_kinds = std::size(k_fault_kinds);

struct Fault {
  int kind = -1; // index into k_fault_kinds; -1 = none
  int64_t start = 0, end = 0; // ms, end exclusive
  double size = 0;            // in units of noise (signed)
};

struct State {
  const SensorSpec* spec = nullptr;
  util::Rng rng;
  int64_t every = 1; // ticks between readings
  double phase = 0, walk = 0;
  Fault fault;
  double frozen = NAN;
  std::string held; // a reading held back to come out of order
};

// Appends "2026-05-04T09:42:00Z" (".250" before the Z when ms are not zero).
void append_time(std::string& out, int64_t ms) {
  std::string t = format_time_ms(ms);
  out += t;
}

void append_reading(std::string& out, Format f, const State& s, int64_t ms, double v, bool bad) {
  char num[32];
  char* end = num;
  if (std::isnan(v)) {
    end = std::copy_n("NaN", 3, num);
  } else {
    end = std::to_chars(num, num + sizeof num, v, std::chars_format::fixed, 4).ptr;
  }
  const std::string_view value(num, static_cast<size_t>(end - num));
  const char* quality = bad ? "bad" : "good";
  if (f == Format::csv) {
    append_time(out, ms);
    out += ',';
    out += s.spec->machine;
    out += ',';
    out += s.spec->sensor;
    out += ',';
    out += value;
    out += ',';
    out += s.spec->unit;
    out += ',';
    out += quality;
    out += '\n';
    return;
  }
  out += "{\"timestamp\":\"";
  append_time(out, ms);
  out += "\",\"machineId\":\"" + s.spec->machine + "\",\"sensorType\":\"" + s.spec->sensor + "\",\"value\":";
  out += std::isnan(v) ? std::string("\"NaN\"") : std::string(value);
  out += ",\"unit\":\"" + s.spec->unit + "\",\"quality\":\"" + quality + "\"}\n";
}

// How long each fault lasts, in ms, drawn from its range.
int64_t fault_length(int kind, const SensorSpec& spec, util::Rng& rng) {
  const double minute = 60000;
  const double iv = spec.interval * 1000;
  switch (kind) {
  case 0: return static_cast<int64_t>(iv); // spike: one reading
  case 1: return static_cast<int64_t>(rng.between(30, 60) * minute);
  case 2: return static_cast<int64_t>(rng.between(20, 40) * minute);
  case 3: return static_cast<int64_t>(std::max(rng.between(5, 20) * minute, rng.between(30, 60) * iv));
  case 4: return static_cast<int64_t>(rng.between(40, 70) * minute);
  case 5: return static_cast<int64_t>(rng.between(5, 10) * minute);
  case 6: case 7: return static_cast<int64_t>(std::max(minute, 12 * iv));
  case 8: return static_cast<int64_t>(rng.between(2, 5) * minute);
  default: return static_cast<int64_t>(rng.between(3, 10) * iv); // nan
  }
}

} // namespace

std::vector<SensorSpec> specs_from_twin(const model::Twin& twin) {
  std::vector<SensorSpec> out;
  for (const model::Asset& a : twin.assets) {
    for (const model::Sensor& s : a.sensors) {
      if (s.type == "status" || s.type == "state") {
        continue;
      }
      SensorSpec spec;
      spec.machine = a.id;
      spec.sensor = s.id;
      spec.type = s.type;
      spec.unit = s.unit;
      const auto& th = s.thresholds;
      const double lo = th.low_warn.value_or(th.low_alarm.value_or(s.range_min.value_or(0)));
      if (th.high_warn && th.low_warn) {
        spec.base = (*th.high_warn + *th.low_warn) / 2;
      } else if (th.high_warn) {
        spec.base = *th.high_warn - 0.4 * (*th.high_warn - lo);
      } else if (th.low_warn || th.low_alarm) {
        spec.base = lo + 0.6 * (s.range_max.value_or(lo + 100) - lo);
      } else if (s.range_min && s.range_max) {
        spec.base = (*s.range_min + *s.range_max) / 2;
      }
      const double room = th.high_warn   ? *th.high_warn - spec.base
                          : (th.low_warn || th.low_alarm) ? spec.base - lo
                                                        : std::fabs(spec.base) * 0.3 + 1;
      spec.noise = std::max(room / 15, 1e-3); // the warning threshold 15 sigma away
      spec.high_warn = th.high_warn;
      if (s.interval && util::approx_seconds(*s.interval) > 0) {
        spec.interval = static_cast<double>(util::approx_seconds(*s.interval));
      }
      out.push_back(spec);
    }
  }
  return out;
}

std::vector<SensorSpec> synthetic_specs(size_t n) {
  static const struct {
    const char* type;
    const char* unit;
    double base, noise;
  } k_types[] = {{"temperature", "Cel", 60, 0.5}, {"pressure", "bar", 6.5, 0.05}, {"vibration", "mm/s", 2.0, 0.08},
                 {"current", "A", 40, 0.6},        {"power", "kW", 22, 0.4}};
  std::vector<SensorSpec> out;
  char machine[32];
  for (size_t i = 0; i < n; ++i) {
    const auto& t = k_types[i % std::size(k_types)];
    std::snprintf(machine, sizeof machine, "m-%04zu", i / std::size(k_types) + 1);
    SensorSpec s;
    s.machine = machine;
    s.sensor = s.type = t.type;
    s.unit = t.unit;
    s.base = t.base;
    s.noise = t.noise;
    s.high_warn = t.base + 15 * t.noise;
    out.push_back(s);
  }
  return out;
}

std::vector<InjectedFault> simulate_sensors(const std::vector<SensorSpec>& specs, const SimulateOptions& o,
                                            const std::function<void(std::string_view)>& sink) {
  if (specs.empty()) {
    throw Error("no sensors to simulate (the twin has no numeric sensors; use --sensors N)");
  }
  if (!(o.duration > 0) || !(o.fault_rate >= 0 && o.fault_rate <= 1) || o.interval < 0) {
    throw Error("simulate sensors: duration must be > 0 and fault rate within 0..1");
  }
  // The common tick: the shortest interval (whole milliseconds).
  std::vector<State> states(specs.size());
  int64_t tick = INT64_MAX;
  for (const SensorSpec& s : specs) {
    tick = std::min<int64_t>(tick, std::max<int64_t>(1, std::llround((o.interval > 0 ? o.interval : s.interval) * 1000)));
  }
  const int64_t duration_ms = static_cast<int64_t>(o.duration * 1000);
  std::vector<InjectedFault> truth;
  size_t next_kind = 0;
  util::Rng pick(o.seed ^ 0x5EED5EED5EEDULL);
  for (size_t i = 0; i < specs.size(); ++i) {
    State& st = states[i];
    st.spec = &specs[i];
    st.rng = util::Rng(o.seed * 0x100000001B3ULL + i);
    const double iv = o.interval > 0 ? o.interval : specs[i].interval;
    st.every = std::max<int64_t>(1, std::llround(iv * 1000 / double(tick)));
    st.phase = st.rng.unit() * k_two_pi;
    if (!pick.chance(o.fault_rate)) {
      continue;
    }
    Fault& f = st.fault;
    f.kind = static_cast<int>(next_kind++ % k_kinds);
    SensorSpec timing = specs[i];
    timing.interval = iv;
    const int64_t len = fault_length(f.kind, timing, st.rng);
    // Start after the detectors' warm-up (a quarter of the run), end before the run does.
    const int64_t latest = std::max<int64_t>(duration_ms / 4, duration_ms - len - duration_ms / 10);
    f.start = duration_ms / 4 + static_cast<int64_t>(st.rng.unit() * double(latest - duration_ms / 4));
    f.start -= f.start % (tick * st.every);
    f.end = std::min(duration_ms, f.start + len);
    f.size = (st.rng.chance(0.5) ? 1 : -1) * st.rng.between(8, 12);
    if (f.kind == 4) { // drift: upwards, past the warning threshold when there is one
      const double room = specs[i].high_warn ? (*specs[i].high_warn - specs[i].base) / specs[i].noise : 12;
      f.size = room + 5;
    }
    truth.push_back({specs[i].machine, specs[i].sensor, k_fault_kinds[f.kind], o.start_ms + f.start,
                     o.start_ms + f.end - (f.kind == 0 ? 0 : 1)});
  }
  std::string out;
  out.reserve(1 << 20);
  if (o.format == Format::csv) {
    out += "timestamp,machineId,sensorType,value,unit,quality\n";
  }
  for (int64_t k = 0, t = 0; t < duration_ms; ++k, t += tick) {
    for (State& st : states) {
      if (k % st.every != 0) {
        continue;
      }
      const SensorSpec& sp = *st.spec;
      const int64_t abs_ms = o.start_ms + t;
      const double day = double(abs_ms % 86400000) / 86400000.0;
      st.walk = 0.999 * st.walk + 0.02 * sp.noise * st.rng.normal();
      double noise = st.rng.normal() * sp.noise;
      double v = sp.base + 3 * sp.noise * std::sin(k_two_pi * day + st.phase) +
                 1.5 * sp.noise * std::sin(k_two_pi * 3 * day + 2 * st.phase) + st.walk;
      const Fault& f = st.fault;
      const bool in = f.kind >= 0 && t >= f.start && t < f.end;
      bool bad = false;
      const char* kind = in ? k_fault_kinds[f.kind] : "";
      const std::string_view k_name(kind);
      if (k_name == "dropout") {
        continue;
      }
      if (k_name == "noise") {
        noise *= 6;
      }
      v += noise;
      if (k_name == "spike" || k_name == "step") {
        v += f.size * sp.noise;
      } else if (k_name == "drift") {
        v += f.size * sp.noise * double(t - f.start) / double(std::max<int64_t>(1, f.end - f.start));
      } else if (k_name == "stuck") {
        if (std::isnan(st.frozen)) {
          st.frozen = std::round(v * 1e4) / 1e4;
        }
        v = st.frozen;
      } else if (k_name == "bad_quality") {
        bad = true;
      } else if (k_name == "nan") {
        v = NAN;
      }
      if (k_name == "out_of_order" && st.held.empty()) {
        append_reading(st.held, o.format, st, abs_ms, v, bad); // comes out after the next one
        continue;
      }
      append_reading(out, o.format, st, abs_ms, v, bad);
      if (k_name == "duplicate") {
        append_reading(out, o.format, st, abs_ms, v, bad);
      }
      if (!st.held.empty()) {
        out += st.held;
        st.held.clear();
      }
    }
    if (out.size() > (1 << 20)) {
      sink(out);
      out.clear();
    }
  }
  for (State& st : states) {
    out += st.held;
  }
  if (!out.empty()) {
    sink(out);
  }
  std::sort(truth.begin(), truth.end(), [](const InjectedFault& a, const InjectedFault& b) {
    return std::tie(a.start_ms, a.machine, a.sensor) < std::tie(b.start_ms, b.machine, b.sensor);
  });
  return truth;
}

} // namespace twinctl::sensors
