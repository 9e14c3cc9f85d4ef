#include "lib/sim/production.hpp"

#include "lib/util/error.hpp"
#include "lib/util/rng.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace twinctl::sim {

namespace {

// The mean length of a loss (breakdown, setup, idle) and of a small stop, in seconds.
constexpr double k_mean_loss_s = 20 * 60;
constexpr double k_mean_small_stop_ticks = 3; // 2 to 4 readings with the counter still
// The chance that the first running reading after a stop, setup or breakdown makes only rejects.
constexpr double k_warm_up = 0.5;
// A counter is reset at local midnight once it is past this (PLCs zero their shift counters).
constexpr uint64_t k_reset_above = 1000;

enum class State { run, down, setup, idle };

const char* status_text(State s) {
  switch (s) {
  case State::run:
    return "running";
  case State::down:
    return "fault";
  case State::setup:
    return "setup";
  case State::idle:
    return "idle";
  }
  return "stopped";
}

struct Machine {
  const model::Asset* asset = nullptr;
  std::string status; // sensor ids
  util::Rng rng;
  State state = State::run;
  int64_t left = 0;      // ticks left in the current segment
  int64_t frozen = 0;    // ticks left in a small stop
  bool frozen_now = false;
  double made = 0;       // parts made, fractional
  uint64_t good = 0, reject = 0; // counter values
  uint64_t good_base = 0, reject_base = 0;
  // Startup: after a stop, a setup or a breakdown, the first running reading
  // may make only rejects (warm); until a good part comes, rejects are startup rejects.
  const char* last_status = nullptr;
  bool starting = false, warm = false;
  oee::Period truth;
};

int64_t ticks_of(double seconds, double interval, util::Rng& rng) {
  // Exponential with the given mean, at least one tick.
  const double s = -std::log(1.0 - rng.unit()) * seconds;
  return std::max<int64_t>(1, std::llround(s / interval));
}

void check_options(const ProductionOptions& o) {
  for (const auto& [name, v] : {std::pair{"--availability", o.availability}, {"--performance", o.performance},
                                {"--quality", o.quality}}) {
    if (!(v > 0 && v <= 1)) {
      throw Error(std::string(name) + " must be more than 0 and at most 1");
    }
  }
  if (!(o.interval >= 1 && o.interval <= 900)) {
    throw Error("--interval must be 1 to 900 s with --production (a state holds 15 minutes at most)");
  }
}

class Writer {
public:
  Writer(sensors::Format f, const std::function<void(std::string_view)>& sink) : m_format(f), m_sink(sink) {
    if (f == sensors::Format::csv) {
      m_buf = "timestamp,machineId,sensorType,value,unit,quality\n";
    }
  }
  void add(const std::string& ts, const std::string& machine, const std::string& sensor, const std::string& value,
           bool text) {
    if (m_format == sensors::Format::csv) {
      m_buf += ts + "," + machine + "," + sensor + "," + value + ",,good\n";
    } else {
      m_buf += "{\"timestamp\":\"" + ts + "\",\"machineId\":\"" + machine + "\",\"sensorType\":\"" + sensor +
               "\",\"value\":" + (text ? "\"" + value + "\"" : value) + ",\"quality\":\"good\"}\n";
    }
    if (m_buf.size() > (1 << 16)) {
      flush();
    }
  }
  void flush() {
    if (!m_buf.empty()) {
      m_sink(m_buf);
      m_buf.clear();
    }
  }

private:
  sensors::Format m_format;
  const std::function<void(std::string_view)>& m_sink;
  std::string m_buf;
};

} // namespace

void check_production(const model::Twin& twin, const ProductionOptions& o) {
  check_options(o);
  bool any = false;
  for (const model::Asset& a : twin.assets) {
    if (!a.production) {
      continue;
    }
    any = true;
    const bool status = !a.production->status.empty() ||
                        std::any_of(a.sensors.begin(), a.sensors.end(), [](const model::Sensor& s) { return s.type == "status"; });
    if (!status) {
      throw Error(a.id + ": has production but no status sensor (a sensor of type status, or production.status)");
    }
  }
  if (!any) {
    throw Error("--production: no asset of the twin has 'production:' (ideal_cycle and part counters)");
  }
}

oee::Result simulate_production(const model::Twin& twin, const ProductionOptions& o,
                               const std::function<void(std::string_view)>& sink) {
  check_production(twin, o);
  std::vector<Machine> machines;
  uint64_t seed = o.seed;
  for (const model::Asset& a : twin.assets) {
    if (!a.production) {
      continue;
    }
    Machine m;
    m.asset = &a;
    m.status = a.production->status;
    for (const model::Sensor& s : a.sensors) {
      if (m.status.empty() && s.type == "status") {
        m.status = s.id;
      }
    }
    m.rng = util::Rng(util::splitmix64(seed));
    m.good_base = uint64_t(m.rng.range(0, 50000)); // counters do not start at 0
    m.reject_base = m.good_base / 40;
    m.truth.asset = a.id;
    const model::Space* line = twin.enclosing(a, "line");
    m.truth.line = line ? line->id : "";
    machines.push_back(std::move(m));
  }
  // Performance: half the loss as small stops, half as reduced speed.
  const double small_share = (1 - o.performance) / 2;
  const double speed = o.performance / (1 - small_share);
  const double stop_start = small_share / ((1 - small_share) * k_mean_small_stop_ticks);
  const double mean_run_s = o.availability >= 1 ? 0 : k_mean_loss_s * o.availability / (1 - o.availability);

  const oee::Calendar cal(twin.shift_calendar);
  Writer out(o.format, sink);
  const int64_t step_ms = std::llround(o.interval * 1000);
  const int64_t ticks = std::llround(o.duration / o.interval);
  std::string last_day;
  for (int64_t i = 0; i <= ticks; ++i) {
    const int64_t ms = o.start_ms + i * step_ms;
    const std::string ts = sensors::format_time_ms(ms);
    const oee::Calendar::Slot slot = cal.at(ms / 1000);
    const bool new_day = !last_day.empty() && slot.day != last_day;
    last_day = slot.day;
    for (Machine& m : machines) {
      const model::Production& prod = *m.asset->production;
      // A counter reset at local midnight: it reads the parts made since.
      if (new_day && m.good_base + m.good > k_reset_above) {
        m.good_base = 0 - m.good; // unsigned wrap-around is intended: base + good reads 0
        m.reject_base = 0 - m.reject;
      }
      // Counters first: the parts made since the last reading, under the state read then.
      const uint64_t made = uint64_t(m.made);
      uint64_t fresh = made - (m.good + m.reject), good = 0, reject = 0;
      for (; fresh > 0; --fresh) {
        ++(!prod.reject.empty() && (m.warm || m.rng.chance(1 - o.quality)) ? reject : good);
      }
      m.good += good;
      m.reject += reject;
      m.warm = false;
      if (m.starting && good > 0) {
        m.starting = false;
      } else if (m.starting) {
        m.truth.startup_reject += reject;
      }
      if (i > 0) {
        m.truth.good = m.good;
        m.truth.reject = m.reject;
        m.truth.total = m.good + m.reject;
      }
      auto counter = [&](const std::string& sensor, uint64_t value) {
        if (!sensor.empty()) {
          out.add(ts, m.asset->id, sensor, std::to_string(value), false);
        }
      };
      counter(prod.good, m.good_base + m.good);
      counter(prod.reject, m.reject_base + m.reject);
      counter(prod.total, m.good_base + m.good + m.reject_base + m.reject);
      if (i == ticks) {
        continue; // the last reading closes the run: no state after it
      }
      // The state from here to the next reading.
      State s = State::down;
      const bool planned = slot.planned;
      if (planned) {
        if (m.left <= 0) {
          if (m.state == State::run && o.availability < 1) {
            const double r = m.rng.unit();
            m.state = r < 0.5 ? State::down : r < 0.75 ? State::setup : State::idle;
            m.left = ticks_of(k_mean_loss_s, o.interval, m.rng);
          } else {
            m.state = State::run;
            m.left = o.availability >= 1 ? ticks + 1 : ticks_of(mean_run_s, o.interval, m.rng);
          }
        }
        --m.left;
        s = m.state;
      }
      const char* text = planned ? status_text(s) : "stopped";
      if (planned && s == State::run && m.last_status && std::string_view(m.last_status) != "running" &&
          std::string_view(m.last_status) != "idle") {
        m.starting = true;
        m.warm = !prod.reject.empty() && o.quality < 1 && m.rng.chance(k_warm_up);
      }
      m.last_status = text;
      out.add(ts, m.asset->id, m.status, text, true);
      if (!planned) {
        continue;
      }
      m.truth.planned_s += o.interval;
      const bool running = s == State::run;
      (running ? m.truth.run_s : s == State::down ? m.truth.down_s : s == State::setup ? m.truth.setup_s : m.truth.idle_s) +=
          o.interval;
      if (running) {
        if (m.frozen == 0 && m.rng.chance(stop_start)) {
          m.frozen = m.rng.range(2, 4);
        }
        if (m.frozen > 0) {
          --m.frozen;
          m.truth.small_stop_s += o.interval;
        } else {
          m.made += o.interval * speed / prod.ideal_cycle_s;
        }
      }
    }
    out.flush();
  }
  out.flush();

  oee::Result r;
  std::map<std::string, oee::Period> lines;
  for (Machine& m : machines) {
    oee::finish_asset_period(m.truth, m.asset->production->ideal_cycle_s);
    r.assets.push_back(m.truth);
    if (!m.truth.line.empty()) {
      oee::Period& l = lines[m.truth.line];
      l.line = m.truth.line;
      oee::add_period(l, m.truth);
    }
  }
  for (auto& [id, l] : lines) {
    oee::compute_rates(l);
    r.lines.push_back(l);
  }
  return r;
}

} // namespace twinctl::sim
