// The replay engine. Per reading: find the sensor's state (interned once),
// drop what would corrupt it (out-of-order, duplicates), then run each
// detector, in the order twinctl-replay(1) lists them, through the shared alert state
// machine. See replay.hpp for the contract.
#include "lib/sensors/replay_impl.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <sys/mman.h>
#include <unordered_map>

namespace twinctl::sensors {

StateArena::~StateArena() {
  for (char* b : m_blocks) {
    std::free(b);
  }
}

void* StateArena::allocate(size_t size, size_t align) {
  size_t at = (m_used + align - 1) & ~(align - 1);
  if (m_blocks.empty() || at + size > k_block) {
    m_blocks.reserve(m_blocks.size() + 1);
    char* b = static_cast<char*>(std::aligned_alloc(k_block, k_block));
    if (!b) {
      throw std::bad_alloc();
    }
#ifdef MADV_HUGEPAGE
    ::madvise(b, k_block, MADV_HUGEPAGE); // only a hint: the block works the same without
#endif
    m_blocks.push_back(b);
    at = 0;
  }
  m_used = at + size;
  return m_blocks.back() + at;
}

std::string replay_number(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  return ec == std::errc() ? std::string(buf, p) : std::string("?");
}

namespace {

std::string num(double v) { return replay_number(v); }

// The largest magnitude a reading may have to reach the statistics: far beyond
// any physical quantity, and its square (the multivariate model's) stays finite.
constexpr double k_max_magnitude = 1e150;

// Word-at-a-time multiply-xorshift: ids are short, and this runs once per reading.
uint64_t hash_bytes(std::string_view s, uint64_t h) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  for (size_t k = i; k < s.size(); ++k) { // the tail, without a memcpy call of variable size
    w = (w << 8) | static_cast<unsigned char>(s[k]);
  }
  h = (h ^ w ^ s.size()) * 0x9E3779B97F4A7C15ULL;
  return h ^ (h >> 29);
}

uint64_t hash_key(std::string_view machine, std::string_view sensor) {
  return hash_bytes(sensor, hash_bytes(machine, 0x243F6A8885A308D3ULL));
}

} // namespace

// True when r is st's sensor. In a CSV line machineId and sensorType are one
// piece of text, "machine,sensor": a single compare with st.key (the machine
// lengths being equal, equal bytes mean equal fields).
// memcmp for the short keys of sensors, without a call: 8-byte compares, the
// last one overlapping.
static bool same_bytes(const char* a, const char* b, size_t n) {
  if (n < 8 || n > 32) {
    return std::memcmp(a, b, n) == 0;
  }
  auto load = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  uint64_t diff = load(a + n - 8) ^ load(b + n - 8);
  for (size_t i = 0; i + 8 < n; i += 8) {
    diff |= load(a + i) ^ load(b + i);
  }
  return diff == 0;
}

static bool same_sensor(const SensorState& st, const Reading& r) {
  if (r.machine.size() != st.machine_len) {
    return false;
  }
  if (st.key_len != 0 && r.sensor.data() == r.machine.data() + r.machine.size() + 1) {
    return st.key_len == r.machine.size() + 1 + r.sensor.size() && same_bytes(st.key, r.machine.data(), st.key_len);
  }
  return st.s.sensor == r.sensor && st.s.machine == r.machine;
}

// The sensor of `r`: readings come round in the same order (one per sensor
// per interval), so first try the sensor that followed the previous one
// last time; only a miss pays for the hash lookup. Null when r's sensor is
// new and max_sensors are already tracked.
SensorState* Replayer::Impl::find(const Reading& r) {
  SensorState* hint = last ? last->next : nullptr;
  SensorState* st = hint && same_sensor(*hint, r) ? hint : intern(r);
  if (last && st) {
    last->next = st;
    last->next_lines = st->hot_lines;
  }
  const AssetState* prev_asset = last ? last->asset : nullptr;
  last = st;
  // Readings come round in the same order: the sensor after the next one
  // gets its state fetched while this reading is judged and the next line
  // parsed; the next one, fetched during the last reading, gets what its
  // state points to (its daily profile).
  if (SensorState* n1 = st ? st->next : nullptr) {
    n1->anomaly.prefetch();
    // An asset's readings come together: its model is cold at its first
    // sensor only. The model, one reading ahead; the arrays it points to
    // (its smoothed row, mean, components), once the model is in.
    if (n1->asset && n1->asset != st->asset) {
      n1->asset->model.prefetch_self();
    }
    if (st->asset && st->asset != prev_asset) {
      st->asset->model.prefetch_data();
    }
    if (const SensorState* n2 = n1->next) {
      // Its hot lines (SensorState::hot_lines, kept in n1 with the link).
      const char* n = reinterpret_cast<const char*>(n2);
      for (unsigned i = 0; i < n1->next_lines; ++i) {
        __builtin_prefetch(n + 64 * i);
      }
    }
  }
  return st;
}

namespace {

std::string builtin_unit(std::string_view u) {
  static const std::map<std::string_view, std::string_view> k_aliases = {
      {"°C", "Cel"}, {"degC", "Cel"}, {"C", "Cel"}, {"celsius", "Cel"}, {"kw", "kW"}, {"KW", "kW"}};
  auto it = k_aliases.find(u);
  return std::string(it == k_aliases.end() ? u : it->second);
}

} // namespace

std::string Replayer::Impl::unit_of(std::string_view u) const {
  if (twin) {
    auto it = twin->defaults.unit_aliases.find(std::string(u));
    if (it != twin->defaults.unit_aliases.end()) {
      return it->second;
    }
  }
  return builtin_unit(u);
}

// The zscore/ewma window: zscore.window, stretched for slow sensors so it holds
// 3 x zscore.min-count readings (a PT1M sensor gets 90 min, not 10 readings).
static void size_window(SensorState& st) {
  const double seconds = std::max(st.p->z_window, 3 * st.p->z_min_count * st.interval_ms / 1000);
  st.window.reset(static_cast<int64_t>(seconds * 100)); // 10 buckets of window/10 s
}

SensorState& Replayer::Impl::create(const Reading& r) {
  ArenaPtr<SensorState> st(arena.make<SensorState>());
  st->s.machine = std::string(r.machine);
  st->s.sensor = std::string(r.sensor);
  st->asset_id = st->s.machine;
  st->machine_len = static_cast<uint16_t>(std::min<size_t>(r.machine.size(), UINT16_MAX));
  const std::string key = st->s.machine + "," + st->s.sensor;
  if (key.size() <= SensorState::k_key_max && r.machine.size() < UINT16_MAX) {
    std::memcpy(st->key, key.data(), key.size());
    st->key_len = static_cast<uint16_t>(key.size());
  }
  std::string type = st->s.sensor;
  if (const model::Asset* a = asset_of(st->s.machine)) {
    st->asset_id = a->id;
    st->twin = model::reading_sensor(*a, r.sensor);
  }
  if (st->twin) {
    st->s.in_twin = true;
    type = st->twin->type;
    if (st->twin->interval && util::approx_seconds(*st->twin->interval) > 0) {
      st->interval_ms = 1000.0 * static_cast<double>(util::approx_seconds(*st->twin->interval));
      st->interval_fixed = true;
    }
  }
  st->p = &opts.detectors.for_type(type);
  st->is_status = type == "status" || type == "state";
  if (type == "power") {
    const std::string unit = unit_of(r.unit.empty() && st->twin ? std::string_view(st->twin->unit) : r.unit);
    st->power_scale = unit == "W" ? 0.001 : unit == "MW" ? 1000 : 1;
  }
  st->set_hot_lines();
  size_window(*st);
  if (st->p->enabled[size_t(Detector::multivariate)] && !st->is_status) {
    auto [it, added] = asset_models.try_emplace(st->asset_id, nullptr);
    if (added) {
      it->second.reset(arena.make<AssetState>(
          opts.learn_whole ? AssetModel::k_max_learn
                           : static_cast<size_t>(std::min<double>(st->p->mv_learn, double(AssetModel::k_max_learn)))));
      if (auto m = opts.mv_models.find(st->asset_id); m != opts.mv_models.end()) {
        it->second->model.set_model(m->second);
      }
    }
    st->asset = it->second.get();
    st->mv_column = st->asset->model.column(st->s.sensor);
  }
  st->agg.machine = st->s.machine;
  st->agg.sensor = st->s.sensor;
  states.push_back(std::move(st));
  return *states.back();
}

SensorState* Replayer::Impl::intern(const Reading& r) {
  const uint64_t h = hash_key(r.machine, r.sensor);
  size_t mask = slots.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots[i] == 0) {
      break;
    }
    SensorState& st = *states[slots[i] - 1];
    if (slot_hash[i] == h && st.s.machine == r.machine && st.s.sensor == r.sensor) {
      return &st;
    }
  }
  if (states.size() >= opts.max_sensors) {
    return nullptr;
  }
  SensorState& st = create(r);
  if (states.size() * 2 > slots.size()) {
    // Grow and re-insert: the table stays at most half full.
    std::vector<uint32_t> old_slots(slots.size() * 2, 0);
    std::vector<uint64_t> old_hash(slots.size() * 2, 0);
    old_slots.swap(slots);
    old_hash.swap(slot_hash);
    for (size_t j = 0; j < old_slots.size(); ++j) {
      if (old_slots[j] != 0) {
        mask = slots.size() - 1;
        size_t i = old_hash[j] & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = old_slots[j];
        slot_hash[i] = old_hash[j];
      }
    }
  }
  mask = slots.size() - 1;
  size_t i = h & mask;
  while (slots[i] != 0) {
    i = (i + 1) & mask;
  }
  slots[i] = static_cast<uint32_t>(states.size());
  slot_hash[i] = h;
  return &st;
}

void Replayer::Impl::emit(SensorState& st, Detector d, Transition t, int64_t ts, double value,
                          const std::string& why, int line) {
  model::Alert a;
  a.ts = format_time_ms(ts);
  a.asset = st.asset_id;
  a.sensor = st.s.sensor;
  a.detector = detector_name(d);
  a.event = t == Transition::raise ? "raise" : "clear";
  const Severity sev = st.alert(d).severity;
  a.severity = severity_name(t == Transition::raise ? sev : Severity::info);
  if (std::isfinite(value)) {
    a.value = value;
  }
  a.message = t == Transition::raise ? why : std::string(detector_name(d)) + " back to normal";
  a.line = line;
  if (t == Transition::raise) {
    ++st.s.raises[static_cast<size_t>(d)];
    ++sum.alerts_by_severity[static_cast<size_t>(sev)];
    ++st.alerts_raised;
    if (st.s.worst.empty() || parse_severity(st.s.worst).value_or(Severity::none) < sev) {
      st.s.worst = severity_name(sev);
    }
  }
  if (alert_sink) {
    alert_sink(a);
  }
}

void Replayer::Impl::add(const Reading& r, int line) {
  ++sum.readings;
  if (first || r.ts_ms < sum.first_ms) {
    sum.first_ms = r.ts_ms;
  }
  if (first || r.ts_ms > sum.last_ms) {
    sum.last_ms = r.ts_ms;
  }
  first = false;
  SensorState* found = find(r);
  if (!found) {
    ++sum.over_cap_readings;
    return;
  }
  SensorState& st = *found;
  ++st.readings;
  if (st.readings == 1) {
    st.s.first_ms = r.ts_ms;
  }
  // Out-of-order and duplicate readings are counted and dropped: feeding them
  // to time-based state would move it backwards.
  if (st.last_ts != INT64_MIN && r.ts_ms <= st.last_ts) {
    const bool dup = r.ts_ms == st.last_ts;
    ++(dup ? st.s.duplicates : st.s.out_of_order);
    ++(dup ? sum.duplicates : sum.out_of_order);
    return;
  }
  const DetectorParams& p = *st.p;
  if (st.last_ts != INT64_MIN) {
    const int64_t dt = r.ts_ms - st.last_ts;
    const int64_t gap = st.gap_ms();
    const bool known = st.interval_known();
    // A gap raises when it is rare for the sensor: one that stops every night learns that it does.
    const bool rare_gap = known && st.gaps.add(dt > gap);
    if (p.enabled[size_t(Detector::gap)] && rare_gap) {
      AlertState& a = st.alert(Detector::gap);
      if (step_alert(a, Severity::warning, st.last_ts + gap, 0) == Transition::raise) {
        emit(st, Detector::gap, Transition::raise, st.last_ts + gap, NAN,
             "no data for " + num(double(dt) / 1000) + " s (gap limit " + num(double(gap) / 1000) + " s)", line);
      }
    } else if (!st.interval_fixed && (dt <= gap || !known)) {
      // Learn the sampling interval from ordinary steps only, never from gaps.
      st.interval_ms = st.interval_ms == 0 ? double(dt) : st.interval_ms + 0.05 * (double(dt) - st.interval_ms);
      if (st.readings == 10) {
        size_window(st); // now that the interval is known; the window is barely filled yet
      }
    }
    // No data is a state of its own; like the other fixed rules it clears once
    // readings have been back for its cooldown, so a link that drops again
    // meanwhile is one outage, not one alert a drop.
    AlertState& gap_alert = st.alert(Detector::gap);
    if (gap_alert.severity != Severity::none && // else nothing to clear: no cooldown worked out per reading
        step_alert(gap_alert, Severity::none, r.ts_ms, st.cooldown_ms()) == Transition::clear) {
      emit(st, Detector::gap, Transition::clear, r.ts_ms, r.value, "", line);
    }
  }
  // NaN, infinite or beyond any physical magnitude (a rogue device's 1e308):
  // counted and raised like NaN, never fed to the statistics, where it would
  // overflow to infinity and stay there.
  const bool not_number = !(std::fabs(r.value) <= k_max_magnitude) && (r.text.empty() || !st.is_status);
  const bool bad = r.quality == Quality::bad || not_number;
  if (bad) { // rare: the summary's counters are not in the hot lines
    st.s.bad_quality += r.quality == Quality::bad;
    st.s.not_a_number += not_number;
  }
  if (p.enabled[size_t(Detector::quality)] && (bad || st.alert(Detector::quality).severity != Severity::none)) {
    AlertState& a = st.alert(Detector::quality);
    const Transition t = step_alert(a, bad ? Severity::warning : Severity::none, r.ts_ms, st.cooldown_ms());
    if (t != Transition::none) {
      emit(st, Detector::quality, t, r.ts_ms, r.value,
           r.quality == Quality::bad ? "quality bad"
           : std::isnan(r.value)       ? "value is not a number"
                                       : "value beyond the numeric range (|value| > 1e150)",
           line);
    }
  }
  if (st.is_status) {
    status(st, r);
  } else if (!bad) {
    numeric(st, r, line);
  }
  st.last_ts = r.ts_ms;
}


Replayer::Replayer(const model::Twin* twin, ReplayOptions options, AlertSink alerts, AggregateSink aggregates)
    : m(std::make_unique<Impl>()) {
  m->twin = twin;
  m->opts = std::move(options);
  m->alert_sink = std::move(alerts);
  m->aggregate_sink = std::move(aggregates);
  m->slots.assign(1024, 0);
  m->slot_hash.assign(1024, 0);
  if (twin) {
    m->names.emplace(*twin);
  }
}

Replayer::~Replayer() = default;

void Replayer::add(const Reading& r, int line) { m->add(r, line); }

void Replayer::finish() {
  for (auto& stp : m->states) {
    SensorState& st = *stp;
    if (st.asset && st.asset->last_row_ms != INT64_MIN) {
      if (auto res = st.asset->model.finish()) {
        m->multivariate(st, *res, st.asset->last_row_ms, 0);
      }
      if (st.asset->alert.severity != Severity::none && st.asset->alert.false_since >= 0) {
        AssetModel::Result none;
        m->emit_asset(st, Transition::clear, st.asset->alert.false_since, none, 0);
        st.asset->alert = AlertState{};
      }
      st.asset->last_row_ms = INT64_MIN; // once per asset
    }
  }
  for (auto& stp : m->states) {
    SensorState& st = *stp;
    const int64_t cooldown = st.cooldown_ms();
    // A sensor silent at the end of the stream: its gap stays open.
    const int64_t gap = st.gap_ms();
    if (st.p->enabled[size_t(Detector::gap)] && m->sum.last_ms - st.last_ts > gap &&
        step_alert(st.alert(Detector::gap), Severity::warning, st.last_ts + gap, cooldown) ==
            Transition::raise) {
      m->emit(st, Detector::gap, Transition::raise, st.last_ts + gap, NAN,
              "no reading since " + format_time_ms(st.last_ts), 0);
    }
    for (size_t d = 0; d < k_detector_count; ++d) {
      AlertState& a = st.alert(Detector(d));
      if (a.severity != Severity::none && a.false_since >= 0) {
        m->emit(st, Detector(d), Transition::clear, a.false_since, NAN, "", 0);
        a = AlertState{};
      }
    }
    if (m->opts.window > 0 && st.agg.count > 0 && m->aggregate_sink) {
      st.agg.mean /= double(st.agg.count);
      m->aggregate_sink(st.agg);
      st.agg.count = 0;
    }
  }
}

std::vector<std::pair<std::string, MvModel>> Replayer::models() const {
  std::vector<std::pair<std::string, MvModel>> out;
  for (const auto& [asset, as] : m->asset_models) {
    if (as->model.model()) {
      out.emplace_back(asset, *as->model.model());
    }
  }
  return out;
}

ReplaySummary Replayer::summary() const {
  ReplaySummary out = m->sum;
  std::map<std::string, AssetSummary> assets;
  for (const auto& stp : m->states) {
    const SensorState& st = *stp;
    SensorSummary s = summary_of(st);
    s.mean = st.numeric ? st.sum / double(st.numeric) : 0;
    out.sensors.push_back(s);
    AssetSummary& a = assets[st.asset_id];
    a.asset = st.asset_id;
    const model::Asset* in_twin = m->asset_of(st.s.machine);
    a.in_twin = in_twin != nullptr;
    a.readings += st.readings;
    a.alerts += st.alerts_raised;
    if (st.is_power) {
      a.energy_kwh = a.energy_kwh.value_or(0) + st.energy_kwh;
    }
    if (st.is_status && st.observed_ms > 0) {
      a.availability = double(st.up_ms) / double(st.observed_ms);
      // Without a power sensor, the nameplate power while running.
      if (in_twin && in_twin->power_kw && !a.energy_kwh) {
        a.energy_kwh = *in_twin->power_kw * double(st.up_ms) / 3.6e6;
      }
    }
  }
  for (auto& [id, a] : assets) {
    if (a.energy_kwh && m->twin && m->twin->defaults.co2_kg_per_kwh) {
      a.co2_kg = *a.energy_kwh * *m->twin->defaults.co2_kg_per_kwh;
    }
    out.assets.push_back(a);
  }
  std::sort(out.sensors.begin(), out.sensors.end(), [](const SensorSummary& x, const SensorSummary& y) {
    return std::tie(x.machine, x.sensor) < std::tie(y.machine, y.sensor);
  });
  return out;
}

} // namespace twinctl::sensors
