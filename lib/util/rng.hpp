// A seeded PRNG that gives the same numbers on every platform and standard
// library (std::*_distribution do not): splitmix64 to seed, xoshiro256** to draw.
// Used by every generator (simulate factory, simulate sensors).
#pragma once

#include <cmath>
#include <cstdint>

namespace twinctl::util {

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
public:
  explicit Rng(uint64_t seed = 0) {
    for (auto& s : m_s) {
      s = splitmix64(seed);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
  }
  // Uniform in [0, n); the modulo bias is irrelevant at these sizes.
  uint64_t below(uint64_t n) { return next() % n; }
  // A whole number, uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1))); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double between(double lo, double hi) { return lo + (hi - lo) * unit(); }
  bool chance(double p) { return unit() < p; }
  // Standard normal (Box-Muller; std::log/cos/sqrt are correctly rounded enough to be portable here).
  double normal() {
    if (m_has_spare) {
      m_has_spare = false;
      return m_spare;
    }
    const double u = 1.0 - unit();
    const double v = unit();
    const double r = std::sqrt(-2.0 * std::log(u));
    m_spare = r * std::sin(6.283185307179586 * v);
    m_has_spare = true;
    return r * std::cos(6.283185307179586 * v);
  }

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t m_s[4];
  double m_spare = 0;
  bool m_has_spare = false;
};

} // namespace twinctl::util
