// The finding lifecycle across runs: new, open (N days), resolved, reopened,
// and the fail-closed rule for runs that could not check the live state.
#include "lib/history/lifecycle.hpp"

#include <catch2/catch.hpp>

using namespace twinctl;
using history::advance;
using history::Known;
using history::Seen;

namespace {
constexpr int64_t k_day = 86400;
constexpr int64_t k_t0 = 1780000000;
} // namespace

TEST_CASE("history::advance", "[history]") {
  SECTION("a finding the database does not know is new, open for 0 days") {
    auto life = advance({}, {{"aa", "changed"}}, true, k_t0);
    REQUIRE(life.seen.size() == 1);
    CHECK(life.seen[0].state == "new");
    CHECK(life.seen[0].opened_at == k_t0);
    CHECK(life.seen[0].open_days == 0);
    CHECK(life.resolved.empty());
  }
  SECTION("an open finding seen again is open, counted in whole days from its opening") {
    auto life = advance({{"aa", "changed", true, k_t0}}, {{"aa", "changed"}}, true, k_t0 + 3 * k_day + 7200);
    CHECK(life.seen[0].state == "open");
    CHECK(life.seen[0].opened_at == k_t0);
    CHECK(life.seen[0].open_days == 3);
  }
  SECTION("an open finding not seen by a complete run is resolved") {
    auto life = advance({{"aa", "changed", true, k_t0}, {"bb", "policy", true, k_t0}}, {}, true, k_t0 + k_day);
    CHECK(life.resolved == std::vector<size_t>{0, 1});
    CHECK(life.carried.empty());
  }
  SECTION("a resolved finding that comes back is reopened, and its episode starts again") {
    auto life = advance({{"aa", "missing", false, k_t0}}, {{"aa", "missing"}}, true, k_t0 + 10 * k_day);
    CHECK(life.seen[0].state == "reopened");
    CHECK(life.seen[0].opened_at == k_t0 + 10 * k_day);
    CHECK(life.seen[0].open_days == 0);
  }
  SECTION("an incomplete run carries live-state findings it did not see, but resolves intended-state ones") {
    std::vector<Known> known = {{"live1", "changed", true, k_t0},   {"live2", "missing", true, k_t0},
                                {"live3", "unmanaged", true, k_t0}, {"pol", "policy", true, k_t0},
                                {"exp", "expiry", true, k_t0},      {"old", "changed", false, k_t0}};
    auto life = advance(known, {{"live2", "missing"}}, false, k_t0 + k_day);
    CHECK(life.seen[0].state == "open");
    CHECK(life.carried == std::vector<size_t>{0, 2});
    CHECK(life.resolved == std::vector<size_t>{3, 4});
  }
  SECTION("a run without live state is not complete either") {
    CHECK(history::from_live_state("stale"));
    CHECK(history::from_live_state("unobserved"));
    CHECK_FALSE(history::from_live_state("policy"));
    auto life = advance({{"x", "stale", true, k_t0}}, {}, false, k_t0);
    CHECK(life.resolved.empty());
    CHECK(life.carried.size() == 1);
  }
  SECTION("a clock that goes backwards never gives negative days") {
    auto life = advance({{"aa", "changed", true, k_t0}}, {{"aa", "changed"}}, true, k_t0 - 5 * k_day);
    CHECK(life.seen[0].open_days == 0);
  }
}
