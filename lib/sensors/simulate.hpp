// `simulate sensors`: realistic readings with injected faults and their ground
// truth. Pure and deterministic (seeded PRNG, no clock), streamed through a
// sink so days of data for thousands of sensors never sit in memory.
#pragma once

#include "lib/model/twin.hpp"
#include "lib/sensors/reading.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::sensors {

// What one simulated sensor looks like.
struct SensorSpec {
  std::string machine, sensor, type, unit;
  double base = 50;     // mean level
  double noise = 0.5;   // standard deviation of the noise
  double interval = 10; // seconds between readings
  std::optional<double> high_warn; // for the drift fault: drift past it
};

// The twin's sensors (machineId = asset id, sensorType = sensor id), levels
// and noise derived from their thresholds and ranges; status sensors excluded.
std::vector<SensorSpec> specs_from_twin(const model::Twin& twin);
// n synthetic sensors on machines m-0001…, types cycling temperature,
// pressure, vibration, current, power.
std::vector<SensorSpec> synthetic_specs(size_t n);

struct SimulateOptions {
  uint64_t seed = 1;
  int64_t start_ms = 1777852800000; // 2026-05-04T00:00:00Z
  double duration = 6 * 3600;       // seconds
  double interval = 0;              // seconds; 0 = each sensor's own
  double fault_rate = 0.2;          // share of sensors with one injected fault, 0..1
  Format format = Format::csv;
};

// The fault kinds, in the order they are handed out.
inline constexpr const char* k_fault_kinds[] = {"spike", "step",         "stuck",     "dropout",     "drift",
                                                "noise", "out_of_order", "duplicate", "bad_quality", "nan"};

struct InjectedFault {
  std::string machine, sensor, kind;
  int64_t start_ms = 0, end_ms = 0;
};

// Writes the readings (CSV with a header, or JSONL) in time order to `sink`
// and returns the injected faults sorted by start, machine, sensor. With
// fault_rate > 0 and at least 10 faulty sensors every kind appears. Throws
// twinctl::Error for invalid options.
std::vector<InjectedFault> simulate_sensors(const std::vector<SensorSpec>& specs, const SimulateOptions& options,
                                            const std::function<void(std::string_view)>& sink);

} // namespace twinctl::sensors
