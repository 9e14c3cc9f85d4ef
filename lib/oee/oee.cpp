#include "lib/oee/oee.hpp"

#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace twinctl::oee {

namespace {

enum class State : uint8_t { run, idle, setup, down };

constexpr int64_t k_day_s = 86400;
// A status holds until the next status reading, for at most this long: past
// it, the state is unknown (a gap), not running nor stopped.
constexpr int64_t k_max_hold_s = 15 * 60;
// A gap longer than this is not counted as "no data" period by period: a
// device that was away for months (or a timestamp from another century) must
// not create a period for every shift in between.
constexpr int64_t k_max_gap_s = 7 * k_day_s;

std::optional<State> state_of(const model::Twin& twin, const sensors::Reading& r) {
  std::string s(r.text);
  if (s.empty()) {
    if (!std::isfinite(r.value)) {
      return std::nullopt;
    }
    return r.value > 0 ? State::run : State::down;
  }
  if (auto it = twin.defaults.status_aliases.find(s); it != twin.defaults.status_aliases.end()) {
    s = it->second;
  }
  s = util::to_lower(s);
  if (s == "running" || s == "run" || s == "production" || s == "producing") {
    return State::run;
  }
  if (s == "idle" || s == "waiting" || s == "starved" || s == "blocked" || s == "standby") {
    return State::idle;
  }
  if (s == "maintenance" || s == "setup" || s == "changeover") {
    return State::setup;
  }
  return State::down; // stopped, fault, offline, error, ...
}

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Does window w hold local time (day index `d`, `tod` seconds)? Which day did it start on?
std::optional<int64_t> holds(const model::TimeWindow& w, int64_t d, int64_t tod) {
  // 1970-01-01 was a Thursday: Monday is bit 0.
  auto on = [&](int64_t day) { return (w.days >> int(((day + 3) % 7 + 7) % 7)) & 1; };
  const int64_t s = w.start_min * 60, e = w.end_min * 60;
  if (s < e) {
    return tod >= s && tod < e && on(d) ? std::optional<int64_t>(d) : std::nullopt;
  }
  if (tod >= s && on(d)) {
    return d;
  }
  if (tod < e && on(d - 1)) {
    return d - 1;
  }
  return std::nullopt;
}

} // namespace

Calendar::Calendar(const model::ShiftCalendar& cal) : m_cal(cal) {
  std::set<int> m = {0};
  for (const auto* list : {&cal.shifts, &cal.planned_stops}) {
    for (const model::TimeWindow& w : *list) {
      m.insert(w.start_min * 60 % int(k_day_s));
      m.insert(w.end_min * 60 % int(k_day_s));
    }
  }
  m_marks.assign(m.begin(), m.end());
}

Calendar::Slot Calendar::at(int64_t t) const {
  const int64_t local = t + m_cal.utc_offset_min * 60;
  const int64_t d = floor_div(local, k_day_s), tod = local - d * k_day_s;
  bool stop = false;
  for (const model::TimeWindow& w : m_cal.planned_stops) {
    stop = stop || holds(w, d, tod).has_value();
  }
  if (m_cal.shifts.empty()) {
    return {util::format_date(d * k_day_s), "day", !stop};
  }
  for (const model::TimeWindow& w : m_cal.shifts) {
    if (auto start = holds(w, d, tod)) {
      return {util::format_date(*start * k_day_s), w.name, !stop};
    }
  }
  return {util::format_date(d * k_day_s), "", false}; // outside every shift: not planned
}

int64_t Calendar::next_boundary(int64_t t) const {
  const int64_t off = m_cal.utc_offset_min * 60;
  const int64_t local = t + off;
  const int64_t d = floor_div(local, k_day_s), tod = local - d * k_day_s;
  auto it = std::upper_bound(m_marks.begin(), m_marks.end(), tod);
  return d * k_day_s + (it == m_marks.end() ? k_day_s : *it) - off;
}

struct Tracker::Impl {
  const model::Twin& twin;
  const Calendar cal;
  struct Asset {
    const model::Asset* a = nullptr;
    std::string line;
    int64_t status_ts = INT64_MIN;
    State state = State::down;
    std::map<std::string, double, std::less<>> last; // counter sensor -> last value
    // Small stops: a "count" is the counter readings of one time; the one before
    // it, whether the asset ran all the time between, and the parts counted.
    int64_t run_since = INT64_MAX; // when the current run state began (INT64_MAX: not running)
    // Startup rejects: after a setup or a breakdown, the counts with rejects
    // and no good part, until the first count with a good part.
    int64_t count_ts = INT64_MIN, count_from = INT64_MIN;
    bool count_open = false, count_running = false;
    uint64_t count_good = 0, count_total = 0, count_reject = 0;
    bool starting = false;
  };
  std::vector<Asset> assets;
  const model::ReadingNames names;
  std::vector<size_t> index_of; // twin asset index -> index in `assets`, or npos: no production
  std::map<std::tuple<size_t, std::string, std::string>, Period> periods; // (asset, day, shift)

  Impl(const model::Twin& t) : twin(t), cal(t.shift_calendar), names(t), index_of(t.assets.size(), std::string::npos) {
    for (const model::Asset& a : twin.assets) {
      if (!a.production) {
        continue;
      }
      Asset x;
      x.a = &a;
      x.line = line_of(a);
      index_of[size_t(&a - twin.assets.data())] = assets.size();
      assets.push_back(std::move(x));
    }
  }

  std::string line_of(const model::Asset& a) const {
    const model::Space* line = twin.enclosing(a, "line");
    return line ? line->id : "";
  }

  Period& period(size_t i, const std::string& day, const std::string& shift) {
    Period& p = periods[{i, day, shift}];
    if (p.asset.empty()) {
      p.asset = assets[i].a->id;
      p.line = assets[i].line;
      p.day = day;
      p.shift = shift;
    }
    return p;
  }

  // Seconds [t0, t1) in state s, cut at shift, stop and day boundaries.
  void account(size_t i, int64_t t0, int64_t t1, std::optional<State> s) {
    for (int64_t t = t0; t < t1;) {
      const int64_t next = std::min(t1, cal.next_boundary(t));
      const Calendar::Slot slot = cal.at(t);
      Period& p = period(i, slot.day, slot.shift);
      const double dt = double(next - t);
      if (!slot.planned) {
        p.stopped_plan_s += dt;
      } else if (!s) {
        p.no_data_s += dt;
      } else {
        p.planned_s += dt;
        (*s == State::run ? p.run_s : *s == State::idle ? p.idle_s : *s == State::setup ? p.setup_s : p.down_s) += dt;
      }
      t = next;
    }
  }

  void add(const sensors::Reading& r) {
    const model::Asset* named = names.asset(r.machine);
    const size_t i = named ? index_of[size_t(named - twin.assets.data())] : std::string::npos;
    if (i == std::string::npos || r.quality == sensors::Quality::bad) {
      return;
    }
    Asset& x = assets[i];
    const model::Production& prod = *x.a->production;
    const int64_t ts = floor_div(r.ts_ms, 1000);
    const bool is_status = prod.status.empty()
                               ? std::any_of(x.a->sensors.begin(), x.a->sensors.end(), [&](const model::Sensor& s) {
                                   return s.type == "status" && (s.id == r.sensor);
                                 })
                               : r.sensor == prod.status;
    if (is_status) {
      std::optional<State> s = state_of(twin, r);
      if (!s) {
        return;
      }
      if (x.status_ts != INT64_MIN && ts > x.status_ts) {
        const int64_t held = std::min(ts, x.status_ts + k_max_hold_s);
        account(i, x.status_ts, held, x.state);
        if (ts - held <= k_max_gap_s) {
          account(i, held, ts, std::nullopt);
        }
      }
      if (x.status_ts == INT64_MIN || ts >= x.status_ts) {
        if (*s == State::run && x.status_ts != INT64_MIN && (x.state == State::setup || x.state == State::down)) {
          x.starting = true;
        }
        if (*s != State::run) {
          x.run_since = INT64_MAX;
        } else if (x.state != State::run || x.status_ts == INT64_MIN) {
          x.run_since = ts;
        }
        x.status_ts = ts;
        x.state = *s;
      }
      return;
    }
    const bool good = r.sensor == prod.good, total = r.sensor == prod.total, reject = r.sensor == prod.reject;
    if ((!good && !total && !reject) || !std::isfinite(r.value) || r.value < 0) {
      return;
    }
    // Cumulative counters: the increase since the last reading; a smaller value is a reset (the PLC
    // counted from 0 again), and all of it is new.
    if (ts > x.count_ts) {
      close_count(i);
      x.count_running = x.count_ts != INT64_MIN && x.state == State::run && x.run_since <= x.count_ts;
      x.count_from = x.count_ts;
      x.count_ts = ts;
      x.count_open = true;
      x.count_good = x.count_total = x.count_reject = 0;
    }
    auto [last, fresh] = x.last.try_emplace(std::string(r.sensor), r.value);
    if (fresh) {
      return;
    }
    double delta = r.value - last->second;
    const Calendar::Slot slot = cal.at(ts);
    Period& p = period(i, slot.day, slot.shift);
    if (delta < 0) {
      delta = r.value;
      ++p.counter_resets;
    }
    last->second = r.value;
    const auto n = static_cast<uint64_t>(std::llround(std::min(delta, 1e12)));
    if (ts == x.count_ts) {
      (good ? x.count_good : total ? x.count_total : x.count_reject) += n;
    }
    (good ? p.good : total ? p.total : p.reject) += n;
  }

  // The count at count_ts, judged once: running all the time since the count
  // before, and no part on any counter for two ideal cycles or more, is a small
  // stop; rejects and no good part while starting are startup rejects.
  void close_count(size_t i) {
    Asset& x = assets[i];
    if (!x.count_open) {
      return;
    }
    x.count_open = false;
    const uint64_t good = x.a->production->good.empty() ? x.count_total - std::min(x.count_total, x.count_reject)
                                                        : x.count_good;
    const uint64_t parts = std::max(x.count_total, x.count_good + x.count_reject);
    const Calendar::Slot slot = cal.at(x.count_ts);
    if (x.starting && good > 0) {
      x.starting = false;
    } else if (x.starting && x.count_reject > 0) {
      period(i, slot.day, slot.shift).startup_reject += x.count_reject;
    }
    const int64_t span = x.count_from == INT64_MIN ? 0 : x.count_ts - x.count_from; // none before the first count
    if (x.count_running && parts == 0 && x.count_from != INT64_MIN &&
        double(span) >= 2 * x.a->production->ideal_cycle_s && span <= k_max_hold_s && slot.planned) {
      period(i, slot.day, slot.shift).small_stop_s += double(span);
    }
  }

};

void finish_asset_period(Period& p, double ideal_cycle) {
  p.total = std::max(p.total, p.good + p.reject); // with a good counter, total = good + reject
  if (p.good == 0 && p.total > p.reject) {
    p.good = p.total - p.reject;
  }
  p.ideal_s = ideal_cycle * double(p.total);
  if (p.total > 0) {
    p.quality_loss_s = ideal_cycle * double(p.reject);
    p.startup_loss_s = ideal_cycle * double(std::min(p.startup_reject, p.reject));
  }
  compute_rates(p);
}

// Availability, performance, quality and OEE from the sums of a period.
void compute_rates(Period& p) {
  if (p.planned_s > 0) {
    p.availability = p.run_s / p.planned_s;
  }
  if (p.run_s > 0) {
    p.performance = p.ideal_s / p.run_s;
    p.speed_loss_s = std::max(0.0, p.run_s - p.ideal_s - p.small_stop_s);
  }
  if (p.total > 0) {
    p.quality = double(p.good) / double(p.total);
  }
  if (p.availability && p.performance && p.quality) {
    p.oee = *p.availability * *p.performance * *p.quality;
  }
}

void add_period(Period& to, const Period& p) {
  to.planned_s += p.planned_s;
  to.run_s += p.run_s;
  to.down_s += p.down_s;
  to.setup_s += p.setup_s;
  to.idle_s += p.idle_s;
  to.small_stop_s += p.small_stop_s;
  to.no_data_s += p.no_data_s;
  to.stopped_plan_s += p.stopped_plan_s;
  to.good += p.good;
  to.reject += p.reject;
  to.total += p.total;
  to.counter_resets += p.counter_resets;
  to.ideal_s += p.ideal_s;
  if (p.quality_loss_s) {
    to.quality_loss_s = to.quality_loss_s.value_or(0) + *p.quality_loss_s;
  }
  to.startup_reject += p.startup_reject;
  if (p.startup_loss_s) {
    to.startup_loss_s = to.startup_loss_s.value_or(0) + *p.startup_loss_s;
  }
}

Tracker::Tracker(const model::Twin& twin) : m(std::make_unique<Impl>(twin)) {}
Tracker::~Tracker() = default;
bool Tracker::tracks() const { return !m->assets.empty(); }
void Tracker::add(const sensors::Reading& r) { m->add(r); }

Result Tracker::finish() {
  for (size_t i = 0; i < m->assets.size(); ++i) {
    m->close_count(i);
  }
  Result out;
  std::map<size_t, Period> totals;
  std::map<std::tuple<std::string, std::string, std::string>, Period> lines;
  for (auto& [key, p] : m->periods) {
    const size_t i = std::get<0>(key);
    const double cycle = m->assets[i].a->production->ideal_cycle_s;
    finish_asset_period(p, cycle);
    out.assets.push_back(p);
    Period& t = totals[i];
    t.asset = p.asset;
    t.line = p.line;
    add_period(t, p);
    if (!p.line.empty()) {
      Period& l = lines[{p.line, p.day, p.shift}];
      l.line = p.line;
      l.day = p.day;
      l.shift = p.shift;
      add_period(l, p);
      Period& lt = lines[{p.line, "", ""}];
      lt.line = p.line;
      add_period(lt, p);
    }
  }
  for (auto& [i, t] : totals) {
    finish_asset_period(t, m->assets[i].a->production->ideal_cycle_s);
    if (t.performance && *t.performance > 1.05) {
      out.notes.push_back(t.asset + ": performance " + std::to_string(int(std::lround(*t.performance * 100))) +
                          " % (more parts than the ideal cycle allows: is ideal_cycle too long?)");
    }
    if (t.counter_resets > 0) {
      out.notes.push_back(t.asset + ": " + util::plural(long(t.counter_resets), "counter reset", "counter resets") +
                          " (a value lower than the last one counts from 0)");
    }
    out.assets.push_back(t);
  }
  for (auto& [key, l] : lines) {
    // Line figures from the sums: ideal time and parts add up across machines.
    compute_rates(l);
    out.lines.push_back(l);
  }
  // Totals (day "") after the periods of each asset: sorted by asset, then day with "" last.
  auto order = [](const Period& a, const Period& b) {
    return std::make_tuple(a.asset, a.line, a.day.empty(), a.day, a.shift) <
           std::make_tuple(b.asset, b.line, b.day.empty(), b.day, b.shift);
  };
  std::sort(out.assets.begin(), out.assets.end(), order);
  std::sort(out.lines.begin(), out.lines.end(), order);
  return out;
}

} // namespace twinctl::oee
