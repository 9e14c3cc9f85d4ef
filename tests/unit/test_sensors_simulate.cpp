#include <catch2/catch.hpp>

#include "lib/sensors/simulate.hpp"
#include "lib/util/error.hpp"

#include <set>
#include <string>

using namespace twinctl;
using namespace twinctl::sensors;

namespace {

std::string run(const std::vector<SensorSpec>& specs, const SimulateOptions& o, std::vector<InjectedFault>* truth = nullptr) {
  std::string out;
  auto t = simulate_sensors(specs, o, [&](std::string_view chunk) { out += chunk; });
  if (truth) {
    *truth = t;
  }
  return out;
}

} // namespace

TEST_CASE("sensors::simulate_sensors", "[sensors]") {
  const auto specs = synthetic_specs(20);
  SimulateOptions o;
  o.duration = 3 * 3600;
  o.interval = 10;
  o.fault_rate = 1;
  SECTION("the same seed gives the same bytes, another seed others") {
    std::vector<InjectedFault> t1, t2;
    const std::string a = run(specs, o, &t1);
    CHECK(a == run(specs, o, &t2));
    CHECK(t1.size() == t2.size());
    o.seed = 2;
    CHECK(a != run(specs, o));
  }
  SECTION("every fault kind appears, inside the run, each on its own sensor") {
    std::vector<InjectedFault> truth;
    run(specs, o, &truth);
    std::set<std::string> kinds, sensors;
    for (const auto& f : truth) {
      kinds.insert(f.kind);
      sensors.insert(f.machine + "/" + f.sensor);
      CHECK(f.start_ms >= o.start_ms + 3600 * 1000 * 3 / 4);
      CHECK(f.end_ms <= o.start_ms + 3 * 3600 * 1000);
      CHECK(f.start_ms <= f.end_ms);
    }
    CHECK(kinds.size() == std::size(k_fault_kinds));
    CHECK(sensors.size() == truth.size());
  }
  SECTION("clean data has no faults, no NaN, no bad quality, one line per reading") {
    o.fault_rate = 0;
    std::vector<InjectedFault> truth;
    const std::string csv = run(specs, o, &truth);
    CHECK(truth.empty());
    CHECK(csv.find("NaN") == std::string::npos);
    CHECK(csv.find(",bad") == std::string::npos);
    CHECK(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) == 1 + 20 * 3 * 360);
  }
  SECTION("invalid options and no sensors are errors") {
    CHECK_THROWS_AS(run({}, o), Error);
    o.duration = 0;
    CHECK_THROWS_AS(run(specs, o), Error);
  }
}
