#include <catch2/catch.hpp>

#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/values.hpp"

using namespace twinctl::util;

TEST_CASE("util::parse_duration", "[util]") {
  SECTION("calendar and clock parts are kept apart") {
    auto d = parse_duration("P1Y2M3DT4H5M6S");
    REQUIRE(d);
    CHECK(d->months == 14);
    CHECK(d->days == 3);
    CHECK(d->seconds == 4 * 3600 + 5 * 60 + 6);
  }
  SECTION("weeks and fractions of seconds") {
    CHECK(parse_duration("P2W")->days == 14);
    CHECK(parse_duration("PT1.5S")->seconds == 1);
  }
  SECTION("malformed durations are rejected") {
    for (const char* bad : {"", "P", "PT", "12M", "P1H", "PT1D", "P1M1Y", "P1.5D", "P-1D", "p1d"}) {
      INFO(bad);
      CHECK_FALSE(parse_duration(bad));
    }
  }
}

TEST_CASE("parse_timestamp", "[util]") {
  CHECK(parse_timestamp("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_timestamp("2026-05-04T09:42:00Z") == parse_timestamp("2026-05-04T11:42:00+02:00"));
  CHECK(parse_timestamp("2026-05-04T09:42:00.123Z") == parse_timestamp("2026-05-04T09:42:00Z"));
  CHECK(parse_timestamp("2026-05-04") == parse_timestamp("2026-05-04T00:00:00Z"));
  CHECK_FALSE(parse_timestamp("2026-02-30"));
  CHECK_FALSE(parse_timestamp("2026-05-04T25:00:00Z"));
  CHECK_FALSE(parse_timestamp("yesterday"));
  CHECK(format_timestamp(*parse_timestamp("2024-02-29T23:59:59Z")) == "2024-02-29T23:59:59Z");
}

TEST_CASE("util::add_duration", "[util]") {
  auto t = *parse_date("2025-01-31");
  SECTION("months land on the calendar, clamped to the month's end") {
    CHECK(format_date(add_duration(t, *parse_duration("P1M"))) == "2025-02-28");
    CHECK(format_date(add_duration(*parse_date("2024-01-31"), *parse_duration("P1M"))) == "2024-02-29");
    CHECK(format_date(add_duration(*parse_date("2025-04-12"), *parse_duration("P12M"))) == "2026-04-12");
  }
  SECTION("days and seconds add exactly") {
    CHECK(format_timestamp(add_duration(t, *parse_duration("P1DT1H"))) == "2025-02-01T01:00:00Z");
  }
}

TEST_CASE("util::canonical_ip", "[util]") {
  CHECK(canonical_ip("10.20.3.17") == "10.20.3.17");
  CHECK(canonical_ip("FD00:0:0::1") == "fd00::1");
  CHECK(canonical_ip("fd00:0000:0000:0000:0000:0000:0000:0001") == "fd00::1");
  CHECK_FALSE(canonical_ip("10.20.3"));
  CHECK_FALSE(canonical_ip("10.20.3.256"));
  CHECK_FALSE(canonical_ip("010.20.3.1"));
  CHECK_FALSE(canonical_ip("plc-01"));
  CHECK(ip_in_cidr("10.20.3.17", "10.20.3.0/24"));
  CHECK_FALSE(ip_in_cidr("10.20.4.17", "10.20.3.0/24"));
  CHECK(ip_in_cidr("fd00::1", "fd00::/64"));
  CHECK_FALSE(is_cidr("10.20.3.0/33"));
}

TEST_CASE("util::parse_firmware", "[util]") {
  SECTION("prefixes and suffixes") {
    auto v = parse_firmware("v4.2.1-rc1");
    REQUIRE(v);
    CHECK(v->parts == std::vector<long long>{4, 2, 1});
    CHECK(v->suffix == "rc1");
    CHECK(parse_firmware("V2.8 SP1"));
    CHECK(parse_firmware("32.011+build7"));
    CHECK_FALSE(parse_firmware("latest"));
    CHECK_FALSE(parse_firmware("4..2"));
  }
  SECTION("ordering compares numbers, not text") {
    CHECK(compare_firmware(*parse_firmware("4.10"), *parse_firmware("4.9")) > 0);
    CHECK(compare_firmware(*parse_firmware("4.2"), *parse_firmware("4.2.0")) == 0);
    CHECK(compare_firmware(*parse_firmware("4.2.0"), *parse_firmware("v4.2.1")) < 0);
  }
}

TEST_CASE("util::canonical_checksum", "[util]") {
  std::string hex(64, 'A');
  CHECK(canonical_checksum("SHA256:" + hex) == "sha256:" + std::string(64, 'a'));
  CHECK_FALSE(canonical_checksum("sha256:abc"));
  CHECK_FALSE(canonical_checksum("crc32:deadbeef"));
  CHECK_FALSE(canonical_checksum(std::string(64, 'a')));
}

TEST_CASE("util::strings", "[util]") {
  SECTION("glob_match") {
    CHECK(glob_match("cnc-l3-*", "cnc-l3-01"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("p?c-*-01", "plc-l1-01"));
    CHECK_FALSE(glob_match("cnc-l3-*", "cnc-l2-01"));
    CHECK(glob_match("a*b*c", "aXXbYYc"));
  }
  SECTION("closest suggests near misses only") {
    CHECK(closest("locatd_in", {"located_in", "owned_by"}) == "located_in");
    CHECK(closest("zzzzzz", {"located_in", "owned_by"}).empty());
  }
  SECTION("is_utf8") {
    CHECK(is_utf8("Pr\xc3\xa4sse"));
    CHECK_FALSE(is_utf8("Pr\xe4sse"));
    CHECK_FALSE(is_utf8("\xc3"));
  }
  SECTION("is_valid_id") {
    CHECK(is_valid_id("press-07"));
    CHECK(is_valid_id("plant.a_1"));
    CHECK_FALSE(is_valid_id("Press-07"));
    CHECK_FALSE(is_valid_id("-press"));
    CHECK_FALSE(is_valid_id(""));
  }
}

TEST_CASE("days_between counts calendar days, whatever the hour", "[util]") {
  int64_t due = *parse_date("2026-02-10");
  // One count for "N days overdue" in the finding and in the audit's due list (82 vs 83 before).
  CHECK(days_between(due, *parse_timestamp("2026-05-04T00:00:00Z")) == 83);
  CHECK(days_between(due, *parse_timestamp("2026-05-04T23:59:59Z")) == 83);
  CHECK(days_between(*parse_timestamp("2026-05-04T10:00:00Z"), due) == -83);
  CHECK(days_between(due, due + 3600) == 0);
  CHECK(days_between(*parse_timestamp("1969-12-31T23:00:00Z"), 0) == 1);
}
