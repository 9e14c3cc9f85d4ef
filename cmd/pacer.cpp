#include "cmd/pacer.hpp"

#include "lib/sensors/reading.hpp"
#include "lib/util/error.hpp"

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
    if (used == s.size() && v > 0) {
      return v;
    }
  } catch (const std::exception&) {
  }
  throw Error(flag + " '" + s + "': expected max or a factor such as 10 (10 x real time)");
}

Pacer::Pacer(double speed, bool progress, std::string label)
    : m_speed(speed), m_progress(progress), m_label(std::move(label)) {}

void Pacer::wait_and_show(int64_t ts_ms, uint64_t readings) {
  if (m_speed > 0) {
    if (m_t0 == INT64_MIN) {
      m_t0 = ts_ms;
      m_w0 = Clock::now();
    }
    const auto due = m_w0 + std::chrono::microseconds(static_cast<int64_t>(double(ts_ms - m_t0) * 1000 / m_speed));
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
