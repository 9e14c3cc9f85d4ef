#include <catch2/catch.hpp>

#include "lib/sensors/replay.hpp"
#include "lib/util/error.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace twinctl;
using namespace twinctl::sensors;

namespace {

constexpr int64_t k_t0 = 1777852800000; // 2026-05-04T00:00:00Z

struct Row {
  int64_t ts;
  std::string machine, sensor;
  double value;
};

// Three machines of three sensors every 10 s for a day and a half: daily
// cycles (profiles), correlated sensors (multivariate models), a spike, a
// stuck stretch and a gap, so every kind of state has something in it.
std::vector<Row> rows() {
  std::vector<Row> out;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 0.3);
  for (int i = 0; i < 13000; ++i) {
    const int64_t ts = k_t0 + int64_t(i) * 10000;
    const double day = std::sin(2 * M_PI * double(i % 8640) / 8640);
    for (int m = 0; m < 3; ++m) {
      const std::string machine = "m" + std::to_string(m);
      if (m == 2 && i > 9000 && i < 9100) {
        continue; // a gap
      }
      const double load = 50 + 10 * day + noise(rng);
      double temp = 30 + 0.5 * load + noise(rng);
      if (m == 1 && i == 11000) {
        temp += 40; // a spike
      }
      const double flow = (m == 0 && i > 10000 && i < 10300) ? 12.5 : 20 + 0.1 * load + noise(rng);
      out.push_back({ts, machine, "load", load});
      out.push_back({ts, machine, "temp", temp});
      out.push_back({ts, machine, "flow", flow});
    }
  }
  return out;
}

struct Run {
  std::vector<std::string> alerts;
  Replayer engine{nullptr, ReplayOptions{}, [this](const model::Alert& a) {
                    alerts.push_back(a.ts + " " + a.asset + " " + a.sensor + " " + a.detector + " " + a.event + " " +
                                     a.severity + " " + a.message);
                  }};
  void feed(const std::vector<Row>& rs, size_t from, size_t to) {
    Reading r;
    for (size_t i = from; i < to; ++i) {
      r.ts_ms = rs[i].ts;
      r.machine = rs[i].machine;
      r.sensor = rs[i].sensor;
      r.value = rs[i].value;
      engine.add(r, int(i));
    }
  }
};

// `rs` replayed whole, and from a checkpoint of it taken after `cut` rows;
// `after` is what the whole replay raised after the cut.
struct Restored {
  std::unique_ptr<Run> whole = std::make_unique<Run>(), restored = std::make_unique<Run>();
  std::vector<std::string> after;
};
Restored replay_with_checkpoint(const std::vector<Row>& rs, size_t cut) {
  Restored out;
  out.whole->feed(rs, 0, cut);
  const std::string bytes = out.whole->engine.save_state();
  const size_t before = out.whole->alerts.size();
  out.whole->feed(rs, cut, rs.size());
  out.whole->engine.finish();
  out.restored->engine.load_state(bytes, "p0");
  out.restored->feed(rs, cut, rs.size());
  out.restored->engine.finish();
  out.after.assign(out.whole->alerts.begin() + long(before), out.whole->alerts.end());
  return out;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return h;
}

// `bytes` with its checksum made right again: the reader's bounds are what is tested.
std::string resealed(std::string bytes) {
  const uint64_t h = fnv1a(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &h, 8);
  return bytes;
}

} // namespace

TEST_CASE("sensors::Replayer::save_state", "[sensors]") {
  const std::vector<Row> rs = rows();
  const size_t half = rs.size() * 2 / 3;

  SECTION("a restored replay judges the rest as the one that went on") {
    const Restored r = replay_with_checkpoint(rs, half);
    const Run &whole = *r.whole, &restored = *r.restored;
    const std::vector<std::string>& after = r.after;
    REQUIRE(after.size() >= 3); // the spike, the stuck flow, the gap
    CHECK(restored.alerts == after);
    const ReplaySummary a = whole.engine.summary(), b = restored.engine.summary();
    CHECK(a.readings == b.readings);
    CHECK(a.alerts_by_severity == b.alerts_by_severity);
    REQUIRE(a.sensors.size() == b.sensors.size());
    for (size_t i = 0; i < a.sensors.size(); ++i) {
      CHECK(a.sensors[i].readings == b.sensors[i].readings);
      CHECK(a.sensors[i].raises == b.sensors[i].raises);
    }
    CHECK(whole.engine.save_state() == restored.engine.save_state());
  }

  SECTION("profiles being learned, daily and weekly, and outliers by time of day survive a checkpoint") {
    // A plant read every 15 min for four weeks, running weekdays 06:00-22:00
    // with a start-up spike; cut on day 9, while its week is being learned.
    std::vector<Row> plant;
    std::mt19937 rng(11);
    std::normal_distribution<double> noise(0, 0.6);
    for (int i = 0; i < 96 * 28; ++i) {
      const int day = i / 96, q = i % 96;
      const bool run = day % 7 < 5 && q >= 24 && q < 88;
      plant.push_back({k_t0 + int64_t(i) * 900000, "pump", "temp", (run ? 55 : 30) + (q == 24 && run ? 15 : 0) + noise(rng)});
    }
    const Restored r = replay_with_checkpoint(plant, 96 * 9);
    CHECK(r.restored->alerts == r.after);
    CHECK(r.whole->engine.save_state() == r.restored->engine.save_state());
  }

  SECTION("a corrupt, truncated or foreign checkpoint is an error, never a crash") {
    Run run;
    run.feed(rs, 0, 3000);
    const std::string bytes = run.engine.save_state();
    std::string flipped = bytes;
    flipped[bytes.size() / 2] ^= 0x5a;
    CHECK_THROWS_WITH(Run().engine.load_state(flipped, "p1"), Catch::Contains("p1: not a usable checkpoint: checksum"));
    CHECK_THROWS_AS(Run().engine.load_state(bytes.substr(0, bytes.size() - 100), "p1"), Error);
    CHECK_THROWS_WITH(Run().engine.load_state("{\"not\": \"a checkpoint\"}", "p1"),
                      Catch::Contains("not a twinctl checkpoint"));
    CHECK_THROWS_AS(Run().engine.load_state("", "p1"), Error);
    // Every byte of the body changed in turn, checksum resealed: loads or throws twinctl::Error.
    std::mt19937 rng(1);
    int refused = 0;
    for (int i = 0; i < 400; ++i) {
      std::string b = bytes;
      const size_t at = 8 + rng() % (b.size() - 16);
      b[at] = char(rng());
      try {
        Run().engine.load_state(resealed(b), "p2");
      } catch (const Error&) {
        ++refused;
      }
    }
    CHECK(refused > 0);
  }

  SECTION("only into a replay that has seen nothing") {
    Run run;
    run.feed(rs, 0, 100);
    const std::string bytes = run.engine.save_state();
    CHECK_THROWS_WITH(run.engine.load_state(bytes, "p3"), Catch::Contains("has seen no reading"));
  }

  SECTION("more sensors than --max-sensors is refused") {
    Run run;
    run.feed(rs, 0, 100);
    ReplayOptions small;
    small.max_sensors = 2;
    Replayer r(nullptr, small, {});
    CHECK_THROWS_WITH(r.load_state(run.engine.save_state(), "p4"), Catch::Contains("--max-sensors"));
  }
}

TEST_CASE("sensors::merge_summary", "[sensors]") {
  auto sensor = [](const char* m) {
    SensorSummary s;
    s.machine = m;
    s.sensor = "t";
    return s;
  };
  auto asset = [](const char* id, uint64_t readings, uint64_t alerts) {
    AssetSummary x;
    x.asset = id;
    x.readings = readings;
    x.alerts = alerts;
    return x;
  };
  ReplaySummary a, b;
  a.readings = 3;
  a.first_ms = 10;
  a.last_ms = 20;
  a.sensors.push_back(sensor("m2"));
  a.assets.push_back(asset("m2", 3, 1));
  b.readings = 2;
  b.first_ms = 5;
  b.last_ms = 15;
  b.sensors.push_back(sensor("m1"));
  b.assets.push_back(asset("m1", 2, 0));
  b.assets.push_back(asset("m2", 1, 1));
  ReplaySummary all;
  merge_summary(all, a);
  merge_summary(all, b);
  CHECK(all.readings == 5);
  CHECK(all.first_ms == 5);
  CHECK(all.last_ms == 20);
  REQUIRE(all.sensors.size() == 2);
  CHECK(all.sensors[0].machine == "m1");
  REQUIRE(all.assets.size() == 2);
  CHECK(all.assets[1].asset == "m2");
  CHECK(all.assets[1].readings == 4);
  CHECK(all.assets[1].alerts == 2);
}
