// Events judged against the rate at which this sensor has them: an outlier of
// the anomaly detector (at two sizes), a gap between readings. Real signals
// have their own rhythm of both (a nightly job's spike, a bursty disk, a
// traffic sensor that reports irregularly and stops every night), so an event
// is anomalous only when the events of the last 64 readings are rarer than a
// given probability at the learned rate (a Poisson tail). A sensor with no
// event in the last ~600 readings raises on its first; steady events raise
// nothing; the same events coming denser do. Constant memory: a 64-bit mask
// and one rate.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace twinctl::sensors {

class StateWriter;
class StateReader;

class EventRate {
public:
  static constexpr double k_memory = 1000; // readings the rate is learned over
  static constexpr double k_recent = 64;   // readings in the mask
  static constexpr double k_rarity = 0.1;  // by default, an event count less likely than this is rare

  // Records whether the newest reading is an event (call it for every
  // reading); returns whether it is a rare one: the events of the last 64
  // readings, itself included, less likely than `rarity` at the rate learned
  // before it (so a sensor's first event ever is rare). The tail only for an
  // event.
  bool add(bool event, double rarity = k_rarity) {
    m_recent = (m_recent << 1) | uint64_t(event);
    const bool rare = event && tail(std::popcount(m_recent), m_rate * k_recent) < rarity;
    ++m_n;
    m_rate += (double(event) - m_rate) * (m_n < k_memory ? 1 / double(m_n) : 1 / k_memory);
    return rare;
  }
  void reset() { *this = EventRate(); }
  // As a checkpoint holds it (replay_state.cpp).
  void save(StateWriter& w) const;
  void load(StateReader& r);

private:
  // P(N >= c) for N ~ Poisson(lambda).
  static double tail(int c, double lambda) {
    double term = std::exp(-lambda), below = 0;
    for (int k = 0; k < c; ++k) {
      below += term;
      term *= lambda / (k + 1);
    }
    return std::max(0.0, 1 - below);
  }
  uint64_t m_recent = 0; // bit i: the reading i back was an event
  double m_rate = 0;     // learned share of readings that are events
  uint32_t m_n = 0;
};

} // namespace twinctl::sensors
