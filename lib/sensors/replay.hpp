// The replay engine: readings in, alert events and per-sensor figures out.
// Pure and streaming (ARCHITECTURE.md): the command reads the files and feeds
// one reading at a time; memory grows with the number of sensors, never with
// the number of readings.
#pragma once

#include "lib/model/alert.hpp"
#include "lib/model/twin.hpp"
#include "lib/sensors/detectors.hpp"
#include "lib/sensors/multivariate.hpp"
#include "lib/sensors/reading.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace twinctl::sensors {

struct ReplayOptions {
  DetectorConfig detectors;
  double window = 0; // seconds of the per-sensor aggregates; 0 = none
  // Distinct (machine, sensor) pairs judged; readings of further sensors are
  // counted (ReplaySummary::over_cap_readings) and skipped, so a feed of
  // random ids cannot exhaust memory (each sensor holds ~2 KB of state).
  size_t max_sensors = 100000;
  // Multivariate models given (--model, --learn), by asset id; other assets
  // learn theirs from their first multivariate.learn rows.
  std::map<std::string, MvModel, std::less<>> mv_models;
  // Learning a known-good recording (--learn): every asset learns from its
  // rows up to AssetModel::k_max_learn, fitted at finish().
  bool learn_whole = false;
};

// min/mean/max/count of one sensor over one tumbling window.
struct Aggregate {
  std::string_view machine, sensor;
  int64_t start_ms = 0;
  double min = 0, mean = 0, max = 0;
  uint64_t count = 0;
};

using AlertSink = std::function<void(const model::Alert&)>;
using AggregateSink = std::function<void(const Aggregate&)>;

struct SensorSummary {
  std::string machine, sensor;
  bool in_twin = false;
  uint64_t readings = 0, out_of_order = 0, duplicates = 0, not_a_number = 0, bad_quality = 0;
  uint64_t unit_mismatch = 0;
  double min = 0, mean = 0, max = 0; // over numeric good readings
  int64_t first_ms = 0, last_ms = 0;
  std::array<uint64_t, k_detector_count> raises{};
  std::string worst; // worst severity raised, "" when none
};

struct AssetSummary {
  std::string asset; // machineId as matched (asset id when in the twin)
  bool in_twin = false;
  uint64_t readings = 0, alerts = 0;
  std::optional<double> energy_kwh, co2_kg, availability;
};

struct ReplaySummary {
  uint64_t readings = 0; // parsed readings
  uint64_t bad_lines = 0;
  uint64_t out_of_order = 0, duplicates = 0; // dropped, over all sensors
  uint64_t over_cap_readings = 0;            // readings of sensors past max_sensors, skipped
  int64_t first_ms = 0, last_ms = 0;
  std::array<uint64_t, 4> alerts_by_severity{}; // raises, indexed by Severity
  std::vector<SensorSummary> sensors;           // sorted by machine, sensor
  std::vector<AssetSummary> assets;             // sorted by asset
};

// Adds `from` to `into`: counts summed, sensors and assets of both (an asset
// in both: readings and alerts summed), sorted as summary() sorts them.
void merge_summary(ReplaySummary& into, const ReplaySummary& from);

class Replayer {
public:
  // `twin` may be null (no intended state: statistical detectors only). The
  // twin must outlive the Replayer.
  Replayer(const model::Twin* twin, ReplayOptions options, AlertSink alerts, AggregateSink aggregates = {});
  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  // One reading, line = its line number (kept in the alerts it raises).
  void add(const Reading& r, int line);
  // Ends the stream: sensors silent since then raise a gap, pending clears
  // are emitted, aggregates are flushed. Call once.
  void finish();
  ReplaySummary summary() const;
  // The fitted multivariate models, by asset (for --model-out and --learn).
  std::vector<std::pair<std::string, MvModel>> models() const;
  // Every sensor's and asset's state and the summary so far, as bytes
  // (format "twinctl checkpoint v1", replay_state.cpp): a Replayer made with
  // the same twin and options that loads them judges the next reading as
  // this one would.
  std::string save_state() const;
  // Loads what save_state() wrote, into a Replayer that has seen no reading.
  // Throws twinctl::Error naming `what` on anything truncated, corrupt (the
  // checksum), of another version or out of bounds; the Replayer is then
  // unusable (make a new one).
  void load_state(std::string_view bytes, const std::string& what);

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

} // namespace twinctl::sensors
