#include <catch2/catch.hpp>

#include "lib/health/trend.hpp"

#include <cmath>

using namespace twinctl;

namespace {

constexpr int64_t k_day = 86400000;
constexpr int64_t k_start = 1795000000000; // 2026-11-18

// A level that moves `slope` per day, with a daily swing and a deterministic wobble.
health::TrendFit series(double base, double slope, int days, int64_t step_ms = 600000) {
  health::TrendFit f(14 * k_day);
  for (int64_t t = 0; t < days * k_day; t += step_ms) {
    const double d = double(t) / double(k_day);
    f.add(k_start + t, base + slope * d + 1.5 * std::sin(2 * M_PI * d) + 0.3 * std::sin(t * 0.37));
  }
  return f;
}

} // namespace

TEST_CASE("health::TrendFit", "[health]") {
  SECTION("a falling pressure crosses its low alarm limit when the line says") {
    // 8 bar falling 0.25 bar a day for 10 days: 5.5 at the end, its daily trough 4.0; low alarm
    // 3.0: the trough reaches it in 4 days.
    auto r = series(8, -0.25, 10).fit({std::nullopt, 3.0}, 7);
    REQUIRE(r.trending);
    CHECK_FALSE(r.high_side);
    CHECK(*r.limit == 3.0);
    CHECK(r.daily_swing == Approx(1.5).margin(0.1));
    CHECK(*r.crossing_days == Approx(4).margin(0.4));
    CHECK(*r.earliest_days <= *r.crossing_days);
    CHECK(*r.latest_days >= *r.crossing_days);
    CHECK(*r.risk > 0.9); // 7 days ahead it is past the limit
  }
  SECTION("a flat signal has no trend and a risk from its scatter alone") {
    auto r = series(50, 0, 10).fit({90.0, std::nullopt}, 7);
    CHECK(r.enough);
    CHECK_FALSE(r.trending);
    CHECK_FALSE(r.crossing_days);
    CHECK(*r.risk < 1e-6);
    // Daily peaks at 89.8 under a limit of 90: a risk (tiny with this little scatter), more than at 85.
    auto close = series(88.3, 0, 10).fit({90.0, std::nullopt}, 7);
    CHECK_FALSE(close.past);
    CHECK(*close.risk > 0);
    CHECK(*close.risk > *series(85, 0, 10).fit({90.0, std::nullopt}, 7).risk);
  }
  SECTION("too few buckets: nothing is said") {
    auto r = series(50, 5, 0).fit({90.0, std::nullopt}, 7);
    CHECK_FALSE(r.enough);
    CHECK_FALSE(r.risk);
    health::TrendFit f(14 * k_day);
    for (int i = 0; i < 20; ++i) {
      f.add(k_start + i * 3600000, 50 + i);
    }
    CHECK_FALSE(f.fit({90.0, std::nullopt}, 7).enough); // 20 hourly buckets < 24
  }
  SECTION("only the window before the newest reading is fitted; late readings land in their bucket") {
    health::TrendFit f(14 * k_day);
    // 30 days: a fault level of 200 for the first 16 days, then flat 50 for 14 days.
    for (int64_t t = 0; t < 30 * k_day; t += 3600000) {
      f.add(k_start + t, t < 16 * k_day ? 200 : 50);
    }
    f.add(k_start, 1e9); // far older than the window: dropped
    auto r = f.fit({90.0, std::nullopt}, 7);
    CHECK(r.level == Approx(50));
    CHECK_FALSE(r.trending);
    CHECK(r.points <= health::TrendFit::k_buckets);
  }
  SECTION("already past the limit") {
    auto r = series(95, 0.1, 5).fit({90.0, std::nullopt}, 7);
    CHECK(r.past);
    CHECK(*r.risk > 0.99);
  }
}
