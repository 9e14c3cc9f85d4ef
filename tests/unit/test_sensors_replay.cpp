#include <catch2/catch.hpp>

#include "lib/sensors/replay.hpp"
#include "lib/util/error.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace twinctl;
using namespace twinctl::sensors;

namespace {

constexpr int64_t k_t0 = 1777852800000; // 2026-05-04T00:00:00Z

model::Twin press_twin() {
  model::Twin t;
  model::Asset a;
  a.id = "press-07";
  model::Sensor s;
  s.id = "oil-temp";
  s.type = "temperature";
  s.unit = "Cel";
  s.range_min = -20;
  s.range_max = 150;
  s.thresholds.high_warn = 70;
  s.thresholds.high_alarm = 85;
  s.thresholds.hysteresis = 2;
  a.sensors.push_back(s);
  t.assets.push_back(a);
  t.defaults.unit_aliases["degC"] = "Cel";
  return t;
}

// Feeds readings and keeps the alerts as "detector event severity" strings.
struct Harness {
  explicit Harness(const model::Twin* twin = nullptr, ReplayOptions o = {})
      : engine(twin, o, [this](const model::Alert& a) {
          alerts.push_back(a.detector + " " + a.event + " " + a.severity);
          raw.push_back(a);
        }) {}
  void add(int64_t sec, double v, std::string_view sensor = "oil-temp", Quality q = Quality::good,
           std::string_view unit = "Cel") {
    Reading r;
    r.ts_ms = k_t0 + sec * 1000;
    r.machine = "press-07";
    r.sensor = sensor;
    r.value = v;
    r.unit = unit;
    r.quality = q;
    engine.add(r, ++line);
  }
  size_t count(const std::string& what) const {
    return static_cast<size_t>(std::count(alerts.begin(), alerts.end(), what));
  }
  Replayer engine;
  std::vector<std::string> alerts;
  std::vector<model::Alert> raw;
  int line = 0;
};

// A noisy but deterministic signal around `level`.
double wobble(int i, double level = 50) { return level + 0.5 * std::sin(i * 1.7) + 0.3 * std::cos(i * 0.37); }

} // namespace

TEST_CASE("sensors::Replayer threshold", "[sensors]") {
  model::Twin twin = press_twin();
  SECTION("raise, escalate, hysteresis and cooldown make one alert") {
    Harness h(&twin);
    int s = 0;
    for (; s < 60; ++s) h.add(s, 60);
    h.add(s++, 72); // warning
    CHECK(h.count("threshold raise warning") == 1);
    h.add(s++, 90); // escalates
    CHECK(h.count("threshold raise critical") == 1);
    h.add(s++, 69); // inside the hysteresis band (70 - 2): still raised
    for (int i = 0; i < 200; ++i) h.add(s++, i % 2 ? 69.5 : 71); // flapping around 70: no new alert
    CHECK(h.count("threshold raise warning") == 1);
    CHECK(h.count("threshold clear info") == 0);
    for (int i = 0; i < 299; ++i) h.add(s++, 60); // below, but the cooldown (300 s) has not passed
    CHECK(h.count("threshold clear info") == 0);
    h.add(s++, 60);
    h.add(s++, 60);
    CHECK(h.count("threshold clear info") == 1);
  }
  SECTION("the hysteresis holds a level but never escalates early") {
    Harness h(&twin);
    h.add(0, 72);
    h.add(1, 84); // within 2 of high_alarm 85: still a warning
    CHECK(h.count("threshold raise warning") == 1);
    CHECK(h.count("threshold raise critical") == 0);
  }
  SECTION("a unit the twin does not use skips thresholds; an alias does not") {
    Harness h(&twin);
    h.add(0, 99, "oil-temp", Quality::good, "degF");
    CHECK(h.count("threshold raise critical") == 0);
    h.add(1, 99, "oil-temp", Quality::good, "degC");
    CHECK(h.count("threshold raise critical") == 1);
    CHECK(h.engine.summary().sensors.at(0).unit_mismatch == 1);
  }
  SECTION("range is a sensor fault") {
    Harness h(&twin);
    h.add(0, 60);
    h.add(1, 400);
    CHECK(h.count("range raise warning") == 1);
  }
  SECTION("matched by sensor type too") {
    Harness h(&twin);
    h.add(0, 90, "temperature");
    CHECK(h.count("threshold raise critical") == 1);
  }
}

// zscore and ewma are off by default (anomaly replaces them); these tests switch them on.
ReplayOptions windowed() {
  ReplayOptions o;
  apply_setting(o.detectors, "zscore=on");
  apply_setting(o.detectors, "ewma=on");
  apply_setting(o.detectors, "anomaly=off");
  return o;
}

TEST_CASE("sensors::Replayer statistical detectors", "[sensors]") {
  SECTION("zscore raises on a spike once and clears after the cooldown") {
    Harness h(nullptr, windowed());
    int s = 0;
    for (; s < 600; ++s) h.add(s, wobble(s), "x");
    CHECK(h.alerts.empty());
    h.add(s++, 80, "x");
    CHECK(h.count("zscore raise warning") == 1);
    for (int i = 0; i < 400; ++i, ++s) h.add(s, wobble(s), "x");
    CHECK(h.count("zscore clear info") == 1);
    CHECK(h.count("ewma raise info") == 0);
  }
  SECTION("a step raises zscore once, and the window adapts to the new level") {
    Harness h(nullptr, windowed());
    int s = 0;
    for (; s < 600; ++s) h.add(s, wobble(s), "x");
    for (int i = 0; i < 2000; ++i, ++s) h.add(s, wobble(s, 56), "x");
    CHECK(h.count("zscore raise warning") == 1);
    CHECK(h.count("zscore clear info") == 1); // the new level became normal
  }
  SECTION("a shift below the zscore limit raises ewma") {
    ReplayOptions o = windowed();
    apply_setting(o.detectors, "ewma.limit=2");
    Harness h(nullptr, o);
    int s = 0;
    for (; s < 600; ++s) h.add(s, wobble(s), "x");
    CHECK(h.alerts.empty());
    for (int i = 0; i < 300; ++i, ++s) h.add(s, wobble(s, 51.2), "x");
    CHECK(h.count("zscore raise warning") == 0);
    CHECK(h.count("ewma raise info") == 1);
  }
  SECTION("stuck value") {
    Harness h;
    int s = 0;
    for (; s < 100; ++s) h.add(s, wobble(s), "x");
    for (int i = 0; i < 299; ++i, ++s) h.add(s, 50.25, "x");
    CHECK(h.count("stuck raise warning") == 0);
    h.add(s++, 50.25, "x");
    h.add(s++, 50.25, "x");
    CHECK(h.count("stuck raise warning") == 1);
  }
  SECTION("rate is off by default and on with rate.max") {
    ReplayOptions o;
    apply_setting(o.detectors, "rate.max=2");
    Harness h(nullptr, o);
    h.add(0, 50, "x");
    h.add(1, 51, "x");
    h.add(2, 60, "x");
    CHECK(h.count("rate raise warning") == 1);
    Harness off;
    off.add(0, 50, "x");
    off.add(1, 60, "x");
    CHECK(off.alerts.empty());
  }
}

TEST_CASE("sensors::Replayer gap and quality", "[sensors]") {
  SECTION("a gap raises at last reading + limit and clears after data resumes") {
    Harness h;
    int s = 0;
    for (; s < 100; ++s) h.add(s, wobble(s), "x");
    s += 3600; // an hour without data
    for (int i = 0; i < 400; ++i, ++s) h.add(s, wobble(s), "x");
    REQUIRE(h.count("gap raise warning") == 1);
    CHECK(h.raw[0].ts == "2026-05-04T00:02:09Z"); // last reading at 00:01:39 + 30 s
    CHECK(h.count("gap clear info") == 1);
  }
  SECTION("silent at the end of the stream") {
    Harness h;
    for (int s = 0; s < 100; ++s) {
      h.add(s, wobble(s), "x");
      h.add(s * 20, wobble(s), "y");
    }
    h.engine.finish();
    CHECK(h.count("gap raise warning") == 1);
  }
  SECTION("bad quality and NaN raise quality and do not reach the statistics") {
    Harness h;
    int s = 0;
    for (; s < 100; ++s) h.add(s, wobble(s), "x");
    h.add(s++, 1e6, "x", Quality::bad);
    h.add(s++, NAN, "x");
    CHECK(h.count("quality raise warning") == 1);
    CHECK(h.count("zscore raise warning") == 0);
    auto sum = h.engine.summary();
    CHECK(sum.sensors[0].bad_quality == 1);
    CHECK(sum.sensors[0].not_a_number == 1);
    CHECK(sum.sensors[0].max < 100);
  }
  SECTION("an infinite or astronomically large value is raised like NaN and does not poison the statistics") {
    // A rogue device's 1e308 overflowed the levels to infinity, and every
    // later score was NaN: the sensor was never judged again.
    Harness h;
    int s = 0;
    for (; s < 1000; ++s) h.add(s, wobble(s), "x");
    h.add(s++, 1e308, "x");
    h.add(s++, -INFINITY, "x");
    REQUIRE(h.count("quality raise warning") == 1);
    CHECK(h.raw.front().message == "value beyond the numeric range (|value| > 1e150)");
    CHECK(h.count("anomaly raise warning") == 0);
    for (int k = 0; k < 600; ++k, ++s) h.add(s, wobble(s), "x");
    h.add(s++, 80, "x"); // a real outlier afterwards is still found
    CHECK(h.count("anomaly raise warning") == 1);
    auto sum = h.engine.summary();
    CHECK(sum.sensors[0].not_a_number == 2);
    CHECK(sum.sensors[0].max == 80);
  }
}

TEST_CASE("sensors::Replayer messy data", "[sensors]") {
  SECTION("out-of-order and duplicate readings are counted and dropped") {
    Harness h;
    int s = 0;
    for (; s < 700; ++s) {
      h.add(s, wobble(s), "x");
      h.add(s, 1000, "x");       // duplicate timestamp with a wild value
      h.add(s - 300, 1000, "x"); // far out of order
    }
    CHECK(h.alerts.empty());
    auto sum = h.engine.summary();
    CHECK(sum.sensors[0].duplicates == 700);
    CHECK(sum.sensors[0].out_of_order == 700);
    CHECK(sum.sensors[0].max < 60);
  }
  SECTION("time-based windows restart after a gap of days") {
    Harness h;
    int s = 0;
    for (; s < 600; ++s) h.add(s, wobble(s), "x");
    s += 3 * 86400;
    // After the gap the level is different; the old window must not judge it.
    for (int i = 0; i < 600; ++i, ++s) h.add(s, wobble(s, 80), "x");
    CHECK(h.count("zscore raise warning") == 0);
    CHECK(h.count("ewma raise info") == 0);
    CHECK(h.count("gap raise warning") == 1);
  }
}

TEST_CASE("sensors::apply_setting", "[sensors]") {
  DetectorConfig c;
  apply_setting(c, "zscore.limit=6");
  apply_setting(c, "power:stuck=off");
  apply_setting(c, "cooldown=60");
  CHECK(c.defaults.z_limit == 6);
  CHECK(c.for_type("power").z_limit == 6);
  CHECK_FALSE(c.for_type("power").enabled[size_t(Detector::stuck)]);
  CHECK(c.for_type("power").cooldown == 60);
  CHECK(c.for_type("temperature").enabled[size_t(Detector::stuck)]);
  CHECK_THROWS_AS(apply_setting(c, "zscore.limt=6"), Error);
  CHECK_THROWS_AS(apply_setting(c, "zscore.limit=abc"), Error);
  CHECK_THROWS_AS(apply_setting(c, "zscore"), Error);
  CHECK_THROWS_AS(apply_setting(c, "rate=on"), Error);
}

TEST_CASE("sensors::Replayer energy and availability", "[sensors]") {
  model::Twin t;
  t.defaults.co2_kg_per_kwh = 0.5;
  model::Asset a;
  a.id = "m1";
  a.power_kw = 10;
  a.sensors.push_back({"state", "status", "", {}, {}, {}, {}, {}, {}});
  t.assets.push_back(a);
  Replayer e(&t, {}, {});
  Reading r;
  r.machine = "m1";
  r.sensor = "power";
  for (int i = 0; i <= 3600; i += 10) { // 20 kW for one hour
    r.ts_ms = k_t0 + i * 1000LL;
    r.value = 20;
    r.unit = "kW";
    e.add(r, i);
  }
  r.sensor = "state";
  r.unit = "";
  for (int i = 0; i <= 100; i += 10) { // running for 50 s, then fault for 50 s
    r.ts_ms = k_t0 + i * 1000LL;
    r.value = NAN;
    r.text = i < 50 ? "running" : "FAULT";
    e.add(r, i);
  }
  e.finish();
  auto s = e.summary();
  REQUIRE(s.assets.size() == 1);
  CHECK(s.assets[0].energy_kwh.value() == Approx(20.0));
  CHECK(s.assets[0].co2_kg.value() == Approx(10.0));
  CHECK(s.assets[0].availability.value() == Approx(0.5));
}

TEST_CASE("sensors::Replayer bounds its state: --max-sensors", "[sensors]") {
  ReplayOptions o;
  o.max_sensors = 3;
  Harness h(nullptr, o);
  for (int s = 0; s < 10; ++s) {
    for (int i = 0; i < 100; ++i) {
      h.add(s * 100 + i, 1.0 * i, "s" + std::to_string(i % 10)); // 10 distinct sensors, 3 kept
    }
  }
  h.engine.finish();
  const ReplaySummary sum = h.engine.summary();
  CHECK(sum.sensors.size() == 3);
  CHECK(sum.readings == 1000);
  CHECK(sum.over_cap_readings == 700);
}

TEST_CASE("sensors::Replayer counts dropped readings over all sensors", "[sensors]") {
  Harness h;
  for (int i = 100; i > 0; --i) {
    h.add(i, 1.0 * i); // newest first: all but the first are older than the one before
  }
  h.add(100, 1.0);
  h.engine.finish();
  const ReplaySummary sum = h.engine.summary();
  CHECK(sum.out_of_order == 99);
  CHECK(sum.duplicates == 1);
}

namespace {

// A deterministic pseudo-random noise in [-1, 1].
double noise(int i) {
  uint32_t x = static_cast<uint32_t>(i) * 2654435761u;
  x ^= x >> 15;
  x *= 2246822519u;
  x ^= x >> 13;
  return double(x % 20001) / 10000.0 - 1;
}

} // namespace

TEST_CASE("sensors::Replayer anomaly on a 5-minute series", "[sensors][anomaly]") {
  SECTION("a level shift raises once, says so and gives the expected range; no gap before the interval is known") {
    Harness h;
    int i = 0;
    for (; i < 1000; ++i) h.add(i * 300, 20 + noise(i), "temp");
    CHECK(h.alerts.empty()); // 3.5 days of 5-minute readings: no gap, no anomaly
    for (int k = 0; k < 100; ++k, ++i) h.add(i * 300, 26 + noise(i), "temp");
    REQUIRE(h.count("anomaly raise warning") == 1);
    const model::Alert& a = h.raw.front();
    CHECK(a.detector == "anomaly");
    CHECK(a.message.find("expected") != std::string::npos);
    CHECK(a.ts == format_time_ms(k_t0 + 1000LL * 300 * 1000)); // on the first shifted reading
    CHECK(h.count("gap raise warning") == 0);
  }
  SECTION("a 5-minute sensor is not in a gap between its readings; a real gap is 'no data' until data is back") {
    Harness h;
    int i = 0;
    for (; i < 2000; ++i) h.add(i * 300, 20 + noise(i), "temp");
    CHECK(h.alerts.empty());
    int64_t t = i * 300 + 86400; // a day without data
    h.add(t, 20, "temp");
    h.add(t += 300, 20.1, "temp");
    REQUIRE(h.count("gap raise warning") == 1);
    CHECK(h.raw[0].message.find("no data") != std::string::npos);
    // Back for 5 minutes, then silent for two more hours: a link that drops
    // again before its cooldown (10 intervals, 50 min) is the same outage.
    h.add(t += 7200, 20.2, "temp");
    CHECK(h.count("gap raise warning") == 1);
    for (int k = 0; k < 9; ++k) h.add(t += 300, 20 + noise(k), "temp");
    CHECK(h.count("gap clear info") == 0); // back for 45 minutes
    h.add(t += 300, 20, "temp");
    CHECK(h.count("gap clear info") == 1); // and for 50
    CHECK(h.raw.back().ts == format_time_ms(k_t0 + t * 1000));
  }
}

TEST_CASE("sensors::Replayer anomaly learns a daily cycle", "[sensors][anomaly]") {
  // A machine that idles every night (5 at night, 60 by day), read every 5 minutes.
  auto level = [](int i) {
    const int minute = (i * 5) % 1440;
    return (minute >= 6 * 60 && minute < 22 * 60 ? 60.0 : 5.0) + noise(i);
  };
  Harness h;
  int i = 0;
  for (; i < 288 * 7; ++i) h.add(i * 300, level(i), "load");
  const size_t learning = h.alerts.size(); // while it learns the cycle (two days)
  for (; i < 288 * 14; ++i) h.add(i * 300, level(i), "load");
  CHECK(h.alerts.size() == learning); // the second week: every night is normal
  // Running at night for once: anomalous for the time of day, though 60 is normal by day.
  const int night = 288 * 14 + 12 * 2; // 02:00 on day 15
  for (; i < night; ++i) h.add(i * 300, level(i), "load");
  for (int k = 0; k < 12; ++k, ++i) h.add(i * 300, 60 + noise(i), "load");
  CHECK(h.count("anomaly raise warning") >= 1);
  CHECK(h.alerts.size() > learning);
}

TEST_CASE("sensors::Replayer multivariate: joint behaviour breaks, each sensor in range", "[sensors][anomaly]") {
  // Three sensors of one asset: flow, pressure = 2 x flow, current = flow + 5,
  // one row a second. From 1005 s (flow crossing zero, so nothing jumps)
  // pressure moves against flow while every sensor stays within its range.
  Harness h;
  auto row = [&](int t, bool broken) {
    const double flow = 10 * std::sin(t / 40.0) + 0.2 * noise(t);
    const double pressure = (broken ? -2 : 2) * flow + 0.2 * noise(t + 7777);
    const double current = flow + 5 + 0.2 * noise(t + 9999);
    h.add(t, flow, "flow");
    h.add(t, pressure, "pressure");
    h.add(t, current, "current");
  };
  int t = 0;
  for (; t < 1005; ++t) row(t, false);
  CHECK(h.count("multivariate raise warning") == 0);
  for (; t < 1100; ++t) row(t, true);
  h.engine.finish();
  REQUIRE(h.count("multivariate raise warning") == 1);
  auto it = std::find_if(h.raw.begin(), h.raw.end(), [](const model::Alert& a) { return a.detector == "multivariate"; });
  CHECK(it->asset == "press-07");
  CHECK(it->sensor.empty());
  CHECK(it->message.find("pressure") != std::string::npos);
  CHECK(h.count("anomaly raise warning") == 0); // no sensor alone is anomalous
  // The learned model can be written and read back.
  const auto models = h.engine.models();
  REQUIRE(models.size() == 1);
  CHECK(models[0].second.rows == 200); // learned from 50 rows per sensor, at least 200
  const auto back = models_from_json(models_to_json(models), "model.json");
  REQUIRE(back.size() == 1);
  CHECK(back[0].second.sensors == models[0].second.sensors);
  CHECK(back[0].second.t2_limit == Approx(models[0].second.t2_limit));
  CHECK_THROWS_WITH(models_from_json("{\"format\": \"x\"}", "m.json"), Catch::Contains("m.json"));
}

TEST_CASE("sensors::Replayer anomaly learns a plant's week at 15-minute sampling", "[sensors][anomaly]") {
  // A bearing at 55 C while the plant runs (weekdays 06:00-22:00), 30 C
  // otherwise, read every 15 min; 2026-05-04 is a Monday. The daily profile
  // mixes weekdays and weekends; after two more weeks the weekly one replaces
  // it, and then a drift of +8 C over 12 h on a Monday is found, with no
  // false alert on the weekends before it.
  auto level = [](int i) {
    const int day = i / 96, h = (i % 96) / 4;
    return (day % 7 < 5 && h >= 6 && h < 22 ? 55.0 : 30.0) + 0.6 * noise(i);
  };
  Harness h;
  int i = 0;
  for (; i < 96 * 21; ++i) h.add(int64_t(i) * 900, level(i), "bearing");
  const size_t learning = h.count("anomaly raise warning"); // the first three weeks
  for (; i < 96 * 28; ++i) h.add(int64_t(i) * 900, level(i), "bearing");
  CHECK(h.count("anomaly raise warning") == learning); // the fourth week, weekend included: nothing
  const int monday = 96 * 28;
  for (; i < monday + 96; ++i) {
    const double hour = double(i - monday) / 4;
    h.add(int64_t(i) * 900, level(i) + (hour >= 8 ? std::min(8.0, (hour - 8) * 8 / 12) : 0), "bearing");
  }
  REQUIRE(h.count("anomaly raise warning") == learning + 1);
  CHECK(h.raw.back().ts < format_time_ms(k_t0 + (int64_t(monday) * 900 + 16 * 3600) * 1000)); // by 16:00
}

TEST_CASE("sensors::Replayer anomaly: what comes at the same time every day is normal", "[sensors][anomaly]") {
  // A conveyor's motor: 40 A from 06:00 to 22:00, off at night, and an inrush
  // of 120 A for its first 3 minutes every morning, read every minute. Once
  // the daily cycle is learned the mornings raise nothing; a jam (75 A for 20
  // minutes at 14:00) does.
  auto current = [](int i) {
    const int m = i % 1440;
    if (m < 360 || m >= 1320) return 0.0;
    return (m < 363 ? 120.0 : 40.0) + 1.2 * noise(i);
  };
  Harness h;
  int i = 0;
  for (; i < 1440 * 4; ++i) h.add(int64_t(i) * 60, current(i), "motor");
  const size_t learning = h.count("anomaly raise warning"); // the cycle is learned in the first days
  for (; i < 1440 * 10; ++i) h.add(int64_t(i) * 60, current(i), "motor");
  CHECK(h.count("anomaly raise warning") == learning); // six mornings, nights and inrushes: nothing
  const int jam = 1440 * 10 + 840;
  for (; i < jam; ++i) h.add(int64_t(i) * 60, current(i), "motor");
  for (; i < jam + 20; ++i) h.add(int64_t(i) * 60, 75 + noise(i), "motor");
  REQUIRE(h.count("anomaly raise warning") == learning + 1);
  CHECK(h.raw.back().ts <= format_time_ms(k_t0 + int64_t(jam + 5) * 60 * 1000)); // within 5 minutes
}

TEST_CASE("sensors::Replayer anomaly learns a weekly cycle at hourly sampling", "[sensors][anomaly]") {
  // A plant that runs on weekdays (80) and idles at weekends (10), read hourly;
  // 2026-05-04 is a Monday.
  auto level = [](int h) { return (h / 24 % 7 < 5 ? 80.0 : 10.0) + noise(h); };
  Harness h;
  int i = 0;
  for (; i < 24 * 7 * 3; ++i) h.add(i * 3600, level(i), "load");
  const size_t learning = h.alerts.size();
  for (; i < 24 * 7 * 6; ++i) h.add(i * 3600, level(i), "load");
  CHECK(h.alerts.size() == learning); // weeks 4 to 6: every weekend is normal
  for (int k = 0; k < 12; ++k, ++i) h.add(i * 3600, 10 + noise(i), "load"); // idle on a Monday
  CHECK(h.count("anomaly raise warning") >= 1);
  CHECK(h.alerts.size() > learning);
}

TEST_CASE("sensors::Replayer anomaly finds a change point too small for the instant limit", "[sensors][anomaly]") {
  // 5-minute readings with noise of +-1; from reading 1000 the level is 1.4
  // higher: within the noise, but it stays. The change-point part (CUSUM)
  // finds it, within 3 hours.
  Harness h;
  int i = 0;
  for (; i < 1000; ++i) h.add(i * 300, 20 + noise(i), "temp");
  CHECK(h.alerts.empty());
  for (int k = 0; k < 60; ++k, ++i) h.add(i * 300, 21.4 + noise(i), "temp");
  REQUIRE(h.count("anomaly raise warning") == 1);
  const model::Alert& a = h.raw.front();
  CHECK(a.message.rfind("change point: ", 0) == 0);
  // ISO times of one format compare as strings: not before the shift, within 3 hours of it.
  CHECK(a.ts >= format_time_ms(k_t0 + 1000LL * 300 * 1000));
  CHECK(a.ts < format_time_ms(k_t0 + 1036LL * 300 * 1000));
}

TEST_CASE("sensors::Replayer anomaly judges spikes against the sensor's own spike rate", "[sensors][anomaly]") {
  // A spike of +20 every 50 readings is how this sensor works; the same spikes
  // every 4 readings are not.
  Harness h;
  int i = 0;
  for (; i < 3000; ++i) h.add(i, 10 + 0.3 * noise(i) + (i % 50 == 7 ? 20 : 0), "flow");
  CHECK(h.count("anomaly raise warning") == 0);
  for (int k = 0; k < 40; ++k, ++i) h.add(i, 10 + 0.3 * noise(i) + (i % 4 == 0 ? 20 : 0), "flow");
  REQUIRE(h.count("anomaly raise warning") == 1);
  CHECK(h.raw.front().message.rfind("outlier: ", 0) == 0);
}

TEST_CASE("sensors::Replayer anomaly: a sensor that reads exactly 0 is normal until it moves", "[sensors][anomaly]") {
  // A closed valve's position, a spare channel: 0 for days is not anomalous
  // (its learned spread is 0 too); a move off 0 is.
  Harness h;
  int i = 0;
  for (; i < 2000; ++i) h.add(i * 60, 0.0, "valve");
  CHECK(h.alerts.empty());
  for (int k = 0; k < 5; ++k, ++i) h.add(i * 60, 12.5, "valve");
  REQUIRE(h.count("anomaly raise warning") == 1);
  CHECK(h.raw.front().message.rfind("outlier: value 12.5", 0) == 0);
}

TEST_CASE("sensors::Replayer anomaly raises on an outlier far bigger than the sensor's usual ones", "[sensors][anomaly]") {
  // Spikes of +3 to +9 every 10 readings are how this sensor works: one of
  // +18 (over the outlier limit, under twice it) raises nothing, one of +40
  // (over twice the limit, and the first such) does.
  Harness h;
  auto value = [](int i) { return 10 + noise(i) + (i % 10 == 3 ? 6 * (1 + 0.5 * noise(i + 999)) : 0); };
  int i = 0;
  for (; i < 3000; ++i) h.add(i * 60, value(i), "flow");
  CHECK(h.count("anomaly raise warning") == 0);
  h.add(i * 60, 28, "flow");
  for (++i; i < 3200; ++i) h.add(i * 60, value(i), "flow");
  CHECK(h.count("anomaly raise warning") == 0);
  h.add(i * 60, 50, "flow");
  REQUIRE(h.count("anomaly raise warning") == 1);
  CHECK(h.raw.back().message.rfind("outlier: value 50", 0) == 0);
}

TEST_CASE("sensors::Replayer anomaly learns a level excursion that recurs", "[sensors][anomaly]") {
  // Every 500 readings the level stands 1.5 higher for 50 (a recurring
  // regime, like a batch): 80 excursions. The change-point limit learns how
  // far this sensor's sums go, so the second half of the stream raises a third
  // less than the first (17 and 9 here; with a fixed limit, 27 and 27).
  Harness h;
  size_t first_half = 0;
  for (int i = 0; i < 40000; ++i) {
    h.add(int64_t(i) * 300, 20 + noise(i) + (i > 500 && i % 500 < 50 ? 1.5 : 0), "temp");
    if (i == 20000) first_half = h.count("anomaly raise warning");
  }
  const size_t second_half = h.count("anomaly raise warning") - first_half;
  CHECK(first_half >= 5); // the excursions are found at first
  CHECK(second_half * 3 <= first_half * 2);
}

TEST_CASE("sensors::Replayer gap judges gaps against the sensor's own gaps", "[sensors][gap]") {
  // Every 5 minutes by day, silent every night from 22:00 to 06:00: the first
  // nights raise a gap until the sensor's rate of gaps is learned, then the
  // nights are its normal; three dropouts of an hour in one morning are not.
  Harness h;
  const int per_day = 288;
  auto day_of_readings = [&](int day, auto&& skip) {
    for (int k = 6 * 12; k < 22 * 12; ++k) {
      if (!skip(k)) h.add(int64_t(day) * 86400 + k * 300, 20 + noise(day * per_day + k), "flow");
    }
  };
  for (int day = 0; day < 30; ++day) day_of_readings(day, [](int) { return false; });
  const size_t learned = h.count("gap raise warning");
  CHECK(learned >= 1);
  CHECK(learned <= 5);
  for (int day = 30; day < 60; ++day) day_of_readings(day, [](int) { return false; });
  CHECK(h.count("gap raise warning") == learned); // a month of nights: none raises
  // 07:00-08:00, 09:00-10:00, 11:00-12:00 without data
  day_of_readings(60, [](int k) { return (k >= 7 * 12 && k < 8 * 12) || (k >= 9 * 12 && k < 10 * 12) || (k >= 11 * 12 && k < 12 * 12); });
  CHECK(h.count("gap raise warning") == learned + 3); // each dropout is a gap of its own
}

TEST_CASE("sensors::Replayer anomaly judges an hourly sensor after days and not weeks", "[sensors][anomaly]") {
  // Read hourly: two days of readings are 48, so it judges after 100 readings
  // (4 days) instead of 400 (17 days). A jump on day 6 raises.
  Harness h;
  int i = 0;
  for (; i < 150; ++i) h.add(i * 3600, 50 + noise(i), "load");
  CHECK(h.alerts.empty());
  for (int k = 0; k < 6; ++k, ++i) h.add(i * 3600, 80 + noise(i), "load");
  CHECK(h.count("anomaly raise warning") == 1);
}
