#include "lib/health/trend.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace twinctl::health {

namespace {

constexpr double k_day_ms = 86400000.0;

double normal_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); } // P(Z > z)

// Gauss-Jordan with partial pivoting on the top-left n x n of m; false when singular.
bool invert(const double m[4][4], double out[4][4], size_t n) {
  double a[4][8] = {};
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      a[i][j] = m[i][j];
    }
    a[i][n + i] = 1;
  }
  for (size_t c = 0; c < n; ++c) {
    size_t piv = c;
    for (size_t i = c + 1; i < n; ++i) {
      if (std::fabs(a[i][c]) > std::fabs(a[piv][c])) {
        piv = i;
      }
    }
    if (std::fabs(a[piv][c]) < 1e-12) {
      return false;
    }
    std::swap(a[c], a[piv]);
    const double d = a[c][c];
    for (size_t j = 0; j < 2 * n; ++j) {
      a[c][j] /= d;
    }
    for (size_t i = 0; i < n; ++i) {
      if (i != c && a[i][c] != 0) {
        const double f = a[i][c];
        for (size_t j = 0; j < 2 * n; ++j) {
          a[i][j] -= f * a[c][j];
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      out[i][j] = a[i][n + j];
    }
  }
  return true;
}

} // namespace

TrendFit::TrendFit(int64_t window_ms)
    : m_bucket_ms(std::max<int64_t>(1000, window_ms / static_cast<int64_t>(k_buckets))) {}

void TrendFit::add(int64_t ts_ms, double value) {
  if (!std::isfinite(value)) {
    return;
  }
  const int64_t b = ts_ms >= 0 ? ts_ms / m_bucket_ms : -((-ts_ms + m_bucket_ms - 1) / m_bucket_ms);
  if (m_buckets.empty()) {
    m_first = b;
    m_buckets.emplace_back();
  } else if (b < m_first) {
    const int64_t last = m_first + static_cast<int64_t>(m_buckets.size()) - 1;
    if (b <= last - static_cast<int64_t>(k_buckets)) {
      return; // older than the window ending at the newest reading
    }
    m_buckets.insert(m_buckets.begin(), static_cast<size_t>(m_first - b), Bucket{});
    m_first = b;
  } else {
    const int64_t last = m_first + static_cast<int64_t>(m_buckets.size()) - 1;
    if (b > last) {
      const int64_t grow = b - last;
      if (grow >= static_cast<int64_t>(k_buckets)) {
        m_buckets.clear();
        m_first = b;
        m_buckets.emplace_back();
      } else {
        m_buckets.insert(m_buckets.end(), static_cast<size_t>(grow), Bucket{});
      }
      while (m_buckets.size() > k_buckets) {
        m_buckets.pop_front();
        ++m_first;
      }
    }
  }
  Bucket& k = m_buckets[static_cast<size_t>(b - m_first)];
  k.sum += value;
  ++k.n;
  m_last_ms = std::max(m_last_ms, ts_ms);
}

TrendResult TrendFit::fit(const Limits& limits, double horizon_days) const {
  TrendResult r;
  r.last_ms = m_last_ms;
  std::vector<std::pair<double, double>> pts; // (days before last_ms, negative; mean)
  for (size_t i = 0; i < m_buckets.size(); ++i) {
    if (m_buckets[i].n == 0) {
      continue;
    }
    const double center = (double(m_first + int64_t(i)) + 0.5) * double(m_bucket_ms);
    pts.emplace_back((center - double(m_last_ms)) / k_day_ms, m_buckets[i].sum / m_buckets[i].n);
  }
  r.points = pts.size();
  if (pts.size() < k_min_points) {
    return r;
  }
  r.enough = true;
  r.span_days = pts.back().first - pts.front().first;
  // Least squares on [1, x, sin 2pi x, cos 2pi x] (x in days): the line plus a
  // daily cycle (ambient temperature, shifts), once two days are covered; the
  // line alone before. The cycle's amplitude then counts at its peak.
  const size_t p = r.span_days >= 2 ? 4 : 2;
  double xtx[4][4] = {}, xty[4] = {};
  auto row = [](double x, double out[4]) {
    out[0] = 1;
    out[1] = x;
    out[2] = std::sin(2 * M_PI * x);
    out[3] = std::cos(2 * M_PI * x);
  };
  for (auto [x, y] : pts) {
    double v[4];
    row(x, v);
    for (size_t i = 0; i < p; ++i) {
      xty[i] += v[i] * y;
      for (size_t j = 0; j < p; ++j) {
        xtx[i][j] += v[i] * v[j];
      }
    }
  }
  double inv[4][4] = {};
  if (!invert(xtx, inv, p)) {
    return r;
  }
  double beta[4] = {};
  for (size_t i = 0; i < p; ++i) {
    for (size_t j = 0; j < p; ++j) {
      beta[i] += inv[i][j] * xty[j];
    }
  }
  double rss = 0, lag = 0, prev = NAN;
  for (auto [x, y] : pts) {
    double v[4];
    row(x, v);
    double fit = 0;
    for (size_t i = 0; i < p; ++i) {
      fit += beta[i] * v[i];
    }
    const double e = y - fit;
    rss += e * e;
    if (!std::isnan(prev)) {
      lag += e * prev;
    }
    prev = e;
  }
  const double s2 = rss / (double(pts.size()) - double(p));
  // Residuals of a plant signal are autocorrelated (a slow wander stays above
  // the line for hours): the standard errors grow by (1 + rho) / (1 - rho).
  const double rho = rss > 0 ? std::clamp(lag / rss, 0.0, 0.95) : 0;
  const double inflate = (1 + rho) / (1 - rho);
  const double b = beta[1], a = beta[0]; // x = 0 is last_ms
  r.slope_per_day = b;
  r.slope_se = std::sqrt(std::max(0.0, s2 * inv[1][1] * inflate));
  r.level = a;
  r.daily_swing = p == 4 ? std::hypot(beta[2], beta[3]) : 0;
  const double level_se = std::sqrt(std::max(0.0, s2 * inv[0][0] * inflate));

  const bool significant = r.slope_se > 0 && std::fabs(b) >= 3 * r.slope_se;
  // The limit: the one the slope points at; without a trend, the nearer one.
  if (significant && b > 0 && limits.high) {
    r.limit = limits.high;
    r.high_side = true;
    r.trending = true;
  } else if (significant && b < 0 && limits.low) {
    r.limit = limits.low;
    r.high_side = false;
    r.trending = true;
  } else if (limits.high && (!limits.low || *limits.high - a <= a - *limits.low)) {
    r.limit = limits.high;
    r.high_side = true;
  } else if (limits.low) {
    r.limit = limits.low;
    r.high_side = false;
  }
  if (!r.limit) {
    return r;
  }
  const double sign = r.high_side ? 1 : -1;
  // How far the daily peak (trough, for a low limit) is from the limit, > 0 before it.
  const double room = sign * (*r.limit - a) - r.daily_swing;
  r.past = room <= 0;
  if (r.trending && !r.past) {
    const double speed = sign * b, fast = speed + 2 * r.slope_se, slow = speed - 2 * r.slope_se;
    r.crossing_days = room / speed;
    r.earliest_days = std::max(0.0, room - 2 * level_se) / fast;
    if (slow > 0) {
      r.latest_days = (room + 2 * level_se) / slow;
    }
  }
  // The level at the end of the horizon: the line (flat without a trend),
  // its uncertainty, and the scatter of the bucket means around it.
  const double drift = r.trending ? b * horizon_days : 0;
  const double spread = std::sqrt(level_se * level_se + (r.trending ? std::pow(horizon_days * r.slope_se, 2) : 0) + s2);
  const double z = (sign * (*r.limit - (a + drift)) - r.daily_swing) / std::max(spread, 1e-12);
  r.risk = normal_tail(z);
  return r;
}

} // namespace twinctl::health
