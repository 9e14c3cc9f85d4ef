// Pacing a stream of timestamped readings to N x real time, with progress on
// a TTY: shared by `replay --speed` and `simulate sensors --publish`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace twinctl::cmd {

inline constexpr double k_min_speed = 0.001, k_max_speed = 1e6;
// "max" -> 0 (no pacing), "N" -> N (N x real time, k_min_speed <= N <=
// k_max_speed). Throws twinctl::Error naming `flag` otherwise.
double parse_speed(const std::string& text, const std::string& flag = "--speed");

class Pacer {
public:
  // speed 0 = as fast as possible. `label` starts the progress line.
  Pacer(double speed, bool progress, std::string label);
  // Called while the pacer waits (at least every 200 ms), e.g. to keep an
  // MQTT connection alive.
  void on_idle(std::function<void()> idle) { m_idle = std::move(idle); }
  // Waits until the reading at ts_ms is due, then updates the progress line.
  // Readings that go back in time are not waited for.
  void tick(int64_t ts_ms, uint64_t readings) {
    if (m_speed > 0 || m_progress) { // inline: at --speed max without a TTY, once per reading for nothing
      wait_and_show(ts_ms, readings);
    }
  }
  // Clears the progress line.
  void done();

private:
  void wait_and_show(int64_t ts_ms, uint64_t readings);
  using Clock = std::chrono::steady_clock;
  double m_speed;
  bool m_progress;
  std::string m_label;
  std::function<void()> m_idle;
  int64_t m_t0 = INT64_MIN;
  Clock::time_point m_w0{}, m_start = Clock::now(), m_last = Clock::now();
};

} // namespace twinctl::cmd
