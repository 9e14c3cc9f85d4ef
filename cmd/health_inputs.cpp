#include "cmd/health_inputs.hpp"

#include "cmd/readings.hpp"

#include "lib/sensors/replay.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

namespace twinctl::cmd {

namespace {

// The sensors judged for a trend: those of the twin with an alarm limit, by
// the names readings use (asset id or live binding; sensor id, or its type
// when no sensor has that id).
class TrendSensors {
public:
  TrendSensors(const model::Twin& twin, int64_t window_ms) : m_window(window_ms), m_names(twin) {}
  void add(const sensors::Reading& r) {
    if (r.quality == sensors::Quality::bad) {
      return;
    }
    auto key = std::make_pair(std::string(r.machine), std::string(r.sensor));
    auto it = m_fits.find(key);
    if (it == m_fits.end()) {
      it = m_fits.emplace(key, match(r)).first;
    }
    if (it->second.fit) {
      it->second.fit->add(r.ts_ms, r.value);
    }
  }
  std::map<std::string, std::vector<health::SensorTrend>> trends(double horizon_days) const {
    std::map<std::string, std::vector<health::SensorTrend>> out;
    for (const auto& [key, t] : m_fits) {
      if (t.fit) {
        out[t.asset->id].push_back({t.sensor->id, t.sensor->unit, t.fit->fit(health::limits_of(*t.sensor), horizon_days)});
      }
    }
    return out;
  }

private:
  struct Tracked {
    const model::Asset* asset = nullptr;
    const model::Sensor* sensor = nullptr;
    std::shared_ptr<health::TrendFit> fit; // null: not a sensor with a limit
  };
  Tracked match(const sensors::Reading& r) const {
    Tracked t;
    const model::Asset* a = m_names.asset(r.machine);
    if (!a || m_fits.size() >= 100000) {
      return t;
    }
    t.sensor = model::reading_sensor(*a, r.sensor);
    if (t.sensor && (t.sensor->thresholds.high_alarm || t.sensor->thresholds.low_alarm)) {
      t.asset = a;
      t.fit = std::make_shared<health::TrendFit>(m_window);
    }
    return t;
  }
  int64_t m_window;
  model::ReadingNames m_names;
  std::map<std::pair<std::string, std::string>, Tracked> m_fits;
};

} // namespace

ReadingsPass read_health_readings(const model::Twin& twin, const std::vector<std::string>& files,
                                  const std::string& format, health::Inputs& in, bool with_oee) {
  ReadingsPass pass;
  sensors::ReplayOptions ro;
  ro.detectors.defaults.enabled.fill(false); // availability only: the alerts come from --alerts
  sensors::Replayer engine(&twin, ro, {});
  TrendSensors trends(twin, util::approx_seconds(twin.health_policy.window) * 1000);
  // OEE always when the twin declares production: a production asset's availability is OEE's.
  auto oee = std::make_unique<oee::Tracker>(twin);
  if (!oee->tracks()) {
    oee.reset();
  }
  uint64_t bad = 0;
  for (const std::string& file : files) {
    for_each_reading(
        file, format,
        [&](const sensors::Reading& r, int line_no) {
          engine.add(r, line_no);
          trends.add(r);
          if (oee) {
            oee->add(r);
          }
          ++pass.readings;
          pass.first_ms = std::min(pass.first_ms, r.ts_ms);
          pass.last_ms = std::max(pass.last_ms, r.ts_ms);
        },
        [&](const std::string& why) {
          if (++bad <= 5) {
            std::cerr << "twinctl: warning: " << util::visible(why) << " (skipped)\n";
          }
        });
  }
  engine.finish();
  for (const sensors::AssetSummary& s : engine.summary().assets) {
    if (s.availability && s.in_twin) {
      in.availability[s.asset] = *s.availability;
    }
  }
  in.trends = trends.trends(double(util::approx_seconds(twin.health_policy.horizon)) / 86400.0);
  if (bad > 5) {
    std::cerr << "twinctl: warning: " << bad << " lines were not readings\n";
  }
  if (oee) {
    oee::Result result = oee->finish();
    for (const oee::Period& p : result.assets) {
      if (p.day.empty() && p.availability) {
        in.availability[p.asset] = *p.availability;
        in.availability_planned.insert(p.asset);
      }
    }
    if (with_oee) {
      pass.oee = std::move(result);
    }
  }
  return pass;
}

} // namespace twinctl::cmd
