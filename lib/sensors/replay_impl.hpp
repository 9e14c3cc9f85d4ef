// The replay engine's state, shared by its two source files: replay.cpp
// (interning, the per-reading pipeline, summary) and replay_detectors.cpp
// (the numeric detectors, status, multivariate alerts, aggregates). Private
// to lib/sensors: the contract is replay.hpp.
#pragma once

#include "lib/sensors/anomaly.hpp"
#include "lib/sensors/multivariate.hpp"
#include "lib/sensors/replay.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace twinctl::sensors {

// A number for a message: 6 significant digits.
std::string replay_number(double v);

// One cache line first: last_row_ms and what AssetModel::add() touches.
struct alignas(64) AssetState {
  explicit AssetState(size_t learn) : model(learn) {}
  int64_t last_row_ms = INT64_MIN;
  AssetModel model;
  AlertState alert;
  uint32_t above = 0;
};

// The state of one sensor, hottest first. Every reading touches its first 8
// cache lines (find() fetches them ahead, replay.cpp): the key find()
// compares, the scalars of the detectors, the four alert states every
// reading looks at, the gap rate and the anomaly detector; a sensor of the
// twin or a power sensor one more (`hot_lines`). The summary's counters that
// change per reading live there too (`readings`, `min`, `max`; the last
// reading's time is `last_ts`): summary_of() puts them into `s`. What only
// some sensors, options or alerts touch comes after.
struct alignas(64) SensorState {
  static constexpr size_t k_key_max = 51;
  SensorState* next = nullptr; // the sensor that came after this one last time
  uint16_t key_len = 0;        // 0: the key does not fit in `key`; compare the fields
  uint16_t machine_len = 0;
  char key[k_key_max] = {};    // "machine,sensor": one compare for a CSV line
  uint8_t next_lines = 0;      // next->hot_lines: what find() fetches of it
  // Lines 1-2.
  alignas(64) const DetectorParams* p = nullptr;
  AssetState* asset = nullptr;          // the multivariate model of its asset
  const model::Sensor* twin = nullptr;
  uint64_t readings = 0;                // s.readings
  int64_t last_ts = INT64_MIN;          // s.last_ms once there is a reading
  double interval_ms = 0;               // from the twin, else estimated
  double last_v = 0;
  int64_t last_v_ts = INT64_MIN;        // time of last_v
  double sum = 0;
  uint64_t numeric = 0;
  double min = 0, max = 0;              // s.min, s.max
  uint32_t stuck_n = 0;
  float repeat_rate = 0;      // learned share of readings equal to the one before
  int mv_column = -1;         // this sensor's column in the asset model; -1 = not a column
  uint32_t anomaly_above = 0; // evaluations in a row over the limit (anomaly.for)
  bool is_status = false;
  bool interval_fixed = false;
  bool is_power = false; // power_scale > 0
  uint8_t hot_lines = 8; // the lines every reading of this sensor touches (set_hot_lines())
  // Line 3: the alert states of stuck, gap, quality and anomaly (alert()).
  alignas(64) std::array<AlertState, 4> alerts_hot{};
  // Lines 4-7.
  alignas(64) EventRate gaps; // steps longer than the gap limit, once the interval is known
  AnomalyScore anomaly;
  // Line 8, for power sensors and the twin's: the energy, then the other
  // detectors' alert states, threshold and range first.
  alignas(64) double power_scale = 0; // reading unit -> kW; 0 = not a power sensor
  double energy_kwh = 0;
  std::array<AlertState, k_detector_count - 4> alerts_cold{};
  // Cold from here: a run of one value is rare.
  int64_t stuck_since = -1;
  double rest_value = NAN; // the value of the last long run that ended: an idle level, not a fault
  // Cold from here.
  SensorSummary s; // readings, min, max and last_ms are above
  std::string asset_id; // the twin's id when matched, else machineId
  RollingWindow window; // zscore and ewma, off by default
  double ewma = 0;
  bool ewma_ok = false;
  int64_t up_ms = 0, observed_ms = 0;
  int last_status = -1; // -1 unknown, 0 down, 1 up
  int64_t agg_slot = INT64_MIN;
  Aggregate agg;
  uint64_t alerts_raised = 0;

  // hot_lines and is_power, from twin and power_scale.
  void set_hot_lines() {
    is_power = power_scale > 0;
    const char* base = reinterpret_cast<const char*>(this);
    const char* end = twin || is_power ? reinterpret_cast<const char*>(&alerts_cold[2])
                                       : reinterpret_cast<const char*>(&power_scale);
    hot_lines = static_cast<uint8_t>((end - base + 63) / 64);
  }
  // Detector d's alert state: stuck, gap, quality and anomaly in alerts_hot.
  AlertState& alert(Detector d) {
    const size_t slot = k_alert_slot[size_t(d)];
    return slot < 4 ? alerts_hot[slot] : alerts_cold[slot - 4];
  }
  const AlertState& alert(Detector d) const { return const_cast<SensorState*>(this)->alert(d); }
  static constexpr uint8_t k_alert_slot[k_detector_count] = {4, 5, 6, 7, 8, 0, 1, 2, 3, 9};
  int64_t gap_ms() const {
    return static_cast<int64_t>(std::max(p->gap_min * 1000, p->gap_factor * interval_ms));
  }
  // How long a fixed-rule alert's condition must stay false before it
  // clears: `cooldown` seconds, and at least 10 sampling intervals once the
  // interval is known (a sensor read every 15 min does not flap at each reading).
  int64_t cooldown_ms() const {
    const double ms = p->cooldown * 1000;
    return static_cast<int64_t>(interval_known() ? std::max(ms, 10 * interval_ms) : ms);
  }
  // The sampling interval is known: the twin's, or learned from 10 readings.
  // Nothing that depends on it judges before.
  bool interval_known() const { return interval_fixed || (readings > 10 && interval_ms > 0); }
};

// The sensor's summary, with the counters kept in its hot lines (not its mean).
inline SensorSummary summary_of(const SensorState& st) {
  SensorSummary s = st.s;
  s.readings = st.readings;
  s.min = st.min;
  s.max = st.max;
  if (st.last_ts != INT64_MIN) {
    s.last_ms = st.last_ts;
  }
  return s;
}

// The sensor and asset states are made in 2 MiB blocks the kernel is asked
// to back with huge pages (a hint, Linux): every reading touches the hot
// lines of another sensor, and 1000 sensors' states then sit behind one or
// two TLB entries instead of ~350. Blocks are freed with the arena; what
// was made in them is destroyed by its ArenaPtr.
class StateArena {
public:
  StateArena() = default;
  StateArena(const StateArena&) = delete;
  StateArena& operator=(const StateArena&) = delete;
  ~StateArena();
  template <class T, class... Args> T* make(Args&&... args) {
    static_assert(sizeof(T) <= k_block && alignof(T) <= 64);
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

private:
  static constexpr size_t k_block = size_t(2) << 20;
  void* allocate(size_t size, size_t align);
  std::vector<char*> m_blocks;
  size_t m_used = 0; // bytes used of the last block
};
template <class T> struct ArenaDelete {
  void operator()(T* p) const { p->~T(); }
};
template <class T> using ArenaPtr = std::unique_ptr<T, ArenaDelete<T>>;

struct Replayer::Impl {
  StateArena arena; // first: destroyed after the states made in it
  const model::Twin* twin;
  ReplayOptions opts;
  AlertSink alert_sink;
  AggregateSink aggregate_sink;
  std::vector<ArenaPtr<SensorState>> states;
  std::vector<uint32_t> slots; // open addressing: index + 1, 0 = empty
  std::vector<uint64_t> slot_hash;
  std::optional<model::ReadingNames> names; // with a twin
  const model::Asset* asset_of(std::string_view machine) const { return names ? names->asset(machine) : nullptr; }
  std::map<std::string, ArenaPtr<AssetState>, std::less<>> asset_models;
  ReplaySummary sum;
  bool first = true;
  SensorState* last = nullptr; // the previous reading's sensor

  // The sensor of `r`: readings come round in the same order (one per sensor
  // per interval), so first try the sensor that followed the previous one
  // last time; only a miss pays for the hash lookup.
  // Null when r's sensor is new and max_sensors are already tracked.
  SensorState* find(const Reading& r);

  SensorState* intern(const Reading& r);
  SensorState& create(const Reading& r);
  void emit(SensorState& st, Detector d, Transition t, int64_t ts, double value, const std::string& why,
            int line);
  void emit_asset(SensorState& st, Transition t, int64_t ts, AssetModel::Result r, int line);
  // One detector's verdict on reading `r`: steps its alert state machine (with
  // the sensor's cooldown) and emits a raise or clear; `why` (the raise's text)
  // is only built for a raise.
  template <class Why>
  void judge(SensorState& st, Detector d, Severity cond, const Reading& r, int line, Why&& why) {
    const DetectorParams& p = *st.p;
    AlertState& a = st.alert(d);
    if (!p.enabled[size_t(d)] || (cond == Severity::none && a.severity == Severity::none)) {
      return; // off, or nothing raised and nothing to raise: the common case
    }
    const Transition t = step_alert(a, cond, r.ts_ms, st.cooldown_ms());
    if (t != Transition::none) {
      emit(st, d, t, r.ts_ms, r.value, t == Transition::raise ? why() : std::string(), line);
    }
  }
  void multivariate(SensorState& st, const AssetModel::Result& r, int64_t ts, int line);
  void add(const Reading& r, int line);
  void numeric(SensorState& st, const Reading& r, int line);
  void windowed(SensorState& st, const Reading& r, int line, double dt_s);
  void status(SensorState& st, const Reading& r);
  void aggregate(SensorState& st, int64_t ts, double v);
  std::string unit_of(std::string_view u) const;
};

} // namespace twinctl::sensors
