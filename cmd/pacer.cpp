#include "cmd/pacer.hpp"

#include "lib/sensors/reading.hpp"
#include "lib/util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace twinctl::cmd {

double parse_speed(const std::string& s, const std::string& flag) {
  if (s == "max") {
    return 0;
  }
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    // Bounded: at 1e-300 x a millisecond of data would be 1e297 s of wall time.
    if (used == s.size() && v >= k_min_speed && v <= k_max_speed) {
      return v;
    }
  } catch (const std::exception&) {
  }
  throw Error(flag + " '" + s + "': expected max or a factor from 0.001 to 1000000 such as 10 (10 x real time)");
}

Pacer::Pacer(double speed, bool progress, std::string label)
    : m_speed(speed), m_progress(progress), m_label(std::move(label)) {}

void Pacer::wait_and_show(int64_t ts_ms, uint64_t readings) {
  if (m_speed > 0) {
    if (m_t0 == INT64_MIN) {
      m_t0 = ts_ms;
      m_w0 = Clock::now();
    }
    // Clamped to ~30 years: no overflow for any timestamps or speed.
    const double us = std::clamp(double(ts_ms - m_t0) * 1000 / m_speed, 0.0, 1e15);
    const auto due = m_w0 + std::chrono::microseconds(static_cast<int64_t>(us));
    // In slices, so the idle hook runs during long waits (gaps in the data).
    for (auto now = Clock::now(); due > now; now = Clock::now()) {
      std::this_thread::sleep_until(std::min(due, now + std::chrono::milliseconds(200)));
      if (m_idle) {
        m_idle();
      }
    }
  }
  if (m_progress && ((readings & 0xffff) == 0 || m_speed > 0)) {
    const auto now = Clock::now();
    if (now - m_last > std::chrono::milliseconds(500)) {
      const double s = std::chrono::duration<double>(now - m_start).count();
      std::fprintf(stderr, "\r%s: %llu readings, %.2f M/s, at %s   ", m_label.c_str(),
                   static_cast<unsigned long long>(readings), double(readings) / s / 1e6,
                   sensors::format_time_ms(ts_ms).c_str());
      m_last = now;
    }
  }
}

void Pacer::done() {
  if (m_progress) {
    std::fprintf(stderr, "\r\033[K");
  }
}

} // namespace twinctl::cmd
