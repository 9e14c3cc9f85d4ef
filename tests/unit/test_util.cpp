#include <catch2/catch.hpp>

#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/error.hpp"
#include "lib/util/firmware.hpp"
#include "lib/util/url.hpp"
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

TEST_CASE("util::compare_firmware: versions as OT vendors write them", "[util]") {
  using twinctl::util::FirmwareOrder;
  // Live value, intended value, where the live one stands. Real strings from
  // vendor release notes and device pages.
  struct Row {
    const char* live;
    const char* intended;
    FirmwareOrder order;
  };
  const Row k_table[] = {
      // Dotted numbers, with v/V, build metadata and trailing zeros.
      {"4.2.0", "4.2.1", FirmwareOrder::behind},
      {"4.10", "4.9", FirmwareOrder::ahead},
      {"4.2", "4.2.0", FirmwareOrder::equal},
      {"v4.2.1", "4.2.1", FirmwareOrder::equal},
      {"4.2.1+build.77", "4.2.1", FirmwareOrder::equal},
      {"4.2.1-rc1", "4.2.1", FirmwareOrder::different_build},
      {"4.2.1-rc2", "4.2.1-rc1", FirmwareOrder::ahead},
      {"4.2.0", "4.2.1-rc1", FirmwareOrder::behind},
      // Siemens S7 and TIA Portal: V4.5.2, service packs and updates.
      {"V4.5.2", "V4.5.2", FirmwareOrder::equal},
      {"V4.4.1", "V4.5.2", FirmwareOrder::behind},
      {"V2.9.4", "V2.8.3", FirmwareOrder::ahead},
      {"v4.7 sp14", "V4.7 SP14", FirmwareOrder::equal},
      {"V4.7 SP13", "V4.7 SP14", FirmwareOrder::behind},
      {"V17 Update 6", "V17 Update 5", FirmwareOrder::ahead},
      // Letter prefixes: Schneider SV3.20 (Modicon M580), Rockwell R32.011.
      {"SV3.20", "SV3.30", FirmwareOrder::behind},
      {"sv3.20", "SV3.20", FirmwareOrder::equal},
      {"R32.011", "R33.011", FirmwareOrder::behind},
      {"R32.011", "R32.11", FirmwareOrder::equal}, // Rockwell's 32.011 is revision 32.11
      {"SV3.20", "R3.20", FirmwareOrder::unordered}, // another prefix: no order
      {"SV3.20", "3.20", FirmwareOrder::unordered},
      // Cisco IOS trains: release (maintenance) train rebuild.
      {"15.2(7)E4", "15.2(7)E4", FirmwareOrder::equal},
      {"15.2(7)E3", "15.2(7)E4", FirmwareOrder::behind},
      {"15.2(7)E10", "15.2(7)E4", FirmwareOrder::ahead},
      {"15.2(8)E1", "15.2(7)E4", FirmwareOrder::ahead},
      {"15.2(7)M3", "15.2(7)E4", FirmwareOrder::different_build}, // another train
      {"17.9.4a", "17.9.4a", FirmwareOrder::equal},
      {"17.9.4", "17.9.4a", FirmwareOrder::different_build},
      // Parenthesised builds (Moxa, Phoenix Contact style).
      {"2.04.01 (build 5)", "2.04.01 (build 6)", FirmwareOrder::behind},
      {"2.4.1 (Build 5)", "2.04.01 (build 5)", FirmwareOrder::equal},
      {"2.04.02 (build 1)", "2.04.01 (build 6)", FirmwareOrder::ahead},
      {"2.04.01", "2.04.01 (build 5)", FirmwareOrder::different_build},
      {"V1.3.2 Build 19082710", "V1.3.2 Build 19061817", FirmwareOrder::ahead},
      // No numbers, or nothing in common: plain equality.
      {"latest", "latest", FirmwareOrder::equal},
      {"Latest", "latest", FirmwareOrder::equal},
      {"latest", "stable", FirmwareOrder::unordered},
      {"latest", "4.2.1", FirmwareOrder::unordered},
      {"---", "--", FirmwareOrder::unordered},
      // Numbers longer than any integer type still compare.
      {"1.123456789012345678901234567890", "1.123456789012345678901234567891", FirmwareOrder::behind},
  };
  for (const Row& row : k_table) {
    INFO(row.live << " vs " << row.intended);
    CHECK(compare_firmware(parse_firmware(row.live), parse_firmware(row.intended)) == row.order);
    // The other way round, behind and ahead swap; the rest stays.
    FirmwareOrder back = compare_firmware(parse_firmware(row.intended), parse_firmware(row.live));
    FirmwareOrder want = row.order == FirmwareOrder::behind  ? FirmwareOrder::ahead
                         : row.order == FirmwareOrder::ahead ? FirmwareOrder::behind
                                                             : row.order;
    CHECK(back == want);
  }
  SECTION("canonical text") {
    CHECK(parse_firmware("V4.12.1").text == "4.12.1");
    CHECK(parse_firmware("V4.7 SP14").text == "4.7-sp14");
    CHECK(parse_firmware("15.2(7)E4").text == "15.2.7-e4");
    CHECK(parse_firmware("2.04.01 (build 5)").text == "2.4.1-build5");
    CHECK(parse_firmware("R32.011").text == "r32.11");
    CHECK(parse_firmware("  latest ").text == "latest");
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
    CHECK(is_utf8("\xe2\x82\xac \xf0\x9f\x8f\xad \xed\x9f\xbf \xf4\x8f\xbf\xbf")); // U+20AC, U+1F3ED, U+D7FF, U+10FFFF
    // RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF.
    CHECK_FALSE(is_utf8("\xc0\xaf"));         // '/' in two bytes
    CHECK_FALSE(is_utf8("\xe0\x80\xaf"));     // '/' in three bytes
    CHECK_FALSE(is_utf8("\xf0\x80\x80\xaf")); // '/' in four bytes
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));     // U+D800, a surrogate
    CHECK_FALSE(is_utf8("\xed\xbf\xbf"));     // U+DFFF
    CHECK_FALSE(is_utf8("\xf4\x90\x80\x80")); // U+110000
    CHECK_FALSE(is_utf8("\xe2\x82"));         // truncated
  }
  SECTION("visible: control characters and line breaks shown, everything else kept") {
    CHECK(visible("press-07 Pr\xc3\xa4sse \xe2\x82\xac") == "press-07 Pr\xc3\xa4sse \xe2\x82\xac");
    CHECK(visible("a\nGate: PASSED") == "a\\nGate: PASSED");
    CHECK(visible("\x1b]0;owned\x07\x1b[2J\r\t") == "\\x1b]0;owned\\x07\\x1b[2J\\r\\t");
    CHECK(visible(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(visible("\x7f") == "\\x7f");
    CHECK(visible("\xc2\x9b" "31m") == "\\u009b31m");              // C1 CSI
    CHECK(visible("abc\xe2\x80\xae" "exe.yaml") == "abc\\u202eexe.yaml"); // right-to-left override
    CHECK(visible("line\xe2\x80\xa8sep") == "line\\u2028sep");
    CHECK(visible("Pr\xe4sse \xed\xa0\x80") == "Pr\\xe4sse \\xed\\xa0\\x80"); // not UTF-8: byte by byte
  }
  SECTION("is_valid_id") {
    CHECK(is_valid_id("press-07"));
    CHECK(is_valid_id("plant.a_1"));
    CHECK_FALSE(is_valid_id("Press-07"));
    CHECK_FALSE(is_valid_id("-press"));
    CHECK_FALSE(is_valid_id(""));
  }
}

TEST_CASE("util::redact_url and split_credentials: any character in a password", "[util]") {
  SECTION("redact_url hides everything up to the last '@'") {
    CHECK(redact_url("http://ops:secret@host:8080/api?x=1") == "http://***@host:8080/api?x=1");
    CHECK(redact_url("http://ops:pa/ss@host/") == "http://***@host/");
    CHECK(redact_url("http://ops:pa?s#s@host/") == "http://***@host/");
    CHECK(redact_url("mqtt://ops:p@ss w'rd\"@host/plant/#") == "mqtt://***@host/plant/#");
    CHECK(redact_url("https://host/path") == "https://host/path");
    CHECK(redact_url("/srv/plant.git") == "/srv/plant.git");
  }
  SECTION("split_credentials takes user and password out, percent-decoded") {
    UrlCredentials c = split_credentials("https://alice:p%2Fw%40rd@git.example.com/plant.git");
    CHECK(c.url == "https://git.example.com/plant.git");
    CHECK(c.user == "alice");
    CHECK(c.password == "p/w@rd");
    CHECK(split_credentials("https://alice:p@w rd@host/x").password == "p@w rd");
    CHECK(split_credentials("https://host/plant.git").url == "https://host/plant.git");
    CHECK(split_credentials("https://[::1]:8443/a@b").url == "https://[::1]:8443/a@b");
  }
  SECTION("credentials and an '@' after the host are ambiguous: an error, nothing of them kept (fuzz_time_url)") {
    std::string what;
    try {
      split_credentials("https://u:Zq7@Kx3/p@host/plant.git"); // password "Zq7@Kx3/p" or "Zq7"?
    } catch (const twinctl::Error& e) {
      what = e.what();
    }
    CHECK_THAT(what, Catch::Contains("must be percent-encoded"));
    CHECK_THAT(what, !Catch::Contains("Zq7") && !Catch::Contains("Kx3"));
  }
  SECTION("an unencoded '/', '?' or '#' in a password is an error that shows none of it") {
    for (const char* url : {"http://ops:Zq7/Kx3@host/", "http://ops:Zq7?Kx3@host/", "http://ops:Zq7#Kx3@host/"}) {
      std::string what;
      try {
        parse_url(url);
      } catch (const twinctl::Error& e) {
        what = e.what();
      }
      INFO(url);
      CHECK_THAT(what, Catch::Contains("must be percent-encoded"));
      CHECK_THAT(what, !Catch::Contains("Zq7") && !Catch::Contains("Kx3"));
    }
    // A password made of digits before the '/' parses as a port: printing it is still redacted.
    Url u = parse_url("http://ops:123/Kx3@host/");
    CHECK(u.redacted() == "http://***@host/");
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
