#include <catch2/catch.hpp>

#include "lib/sensors/reading.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

using namespace twinctl::sensors;

TEST_CASE("sensors::parse_time_ms", "[sensors]") {
  SECTION("ISO 8601 with Z, fractions and offsets") {
    CHECK(parse_time_ms("2026-05-04T09:42:00Z") == 1777887720000);
    CHECK(parse_time_ms("2026-05-04T09:42:00.25Z") == 1777887720250);
    CHECK(parse_time_ms("2026-05-04T11:42:00+02:00") == 1777887720000);
    CHECK(parse_time_ms("2026-05-04 09:42:00Z") == 1777887720000);
    CHECK(parse_time_ms("2026-05-04T07:42:00-0200") == 1777887720000);
  }
  SECTION("epoch seconds and milliseconds") {
    CHECK(parse_time_ms("1777887720") == 1777887720000);
    CHECK(parse_time_ms("1777887720250") == 1777887720250);
    CHECK(parse_time_ms("1777887720.5") == 1777887720500);
  }
  SECTION("garbage is rejected") {
    for (const char* bad : {"", "yesterday", "2026-02-30T00:00:00Z", "2026-05-04T09:42:00", "2026-05-04T25:00:00Z",
                            "2026-05-04T09:42:00Zjunk", "-5", "1e400", "nan"}) {
      INFO(bad);
      CHECK_FALSE(parse_time_ms(bad));
    }
  }
  SECTION("times past 9999-12-31 or before 0000-01-01 are rejected, not written as non-RFC 3339 (found by fuzz_readings)") {
    CHECK(parse_time_ms("253402300799") == 253402300799000);         // 9999-12-31T23:59:59Z
    CHECK_FALSE(parse_time_ms("777887730000"));                      // epoch seconds in the year 26620
    CHECK_FALSE(parse_time_ms("9999999999999999"));                  // epoch milliseconds in the year 318857
    CHECK_FALSE(parse_time_ms("9999-12-31T23:30:00-01:00"));         // the year 10000
    CHECK_FALSE(parse_time_ms("0000-01-01T00:30:00+01:00"));         // the year -1
    CHECK(format_time_ms(*parse_time_ms("0000-01-01T00:00:00Z")) == "0000-01-01T00:00:00Z");
  }
  SECTION("format round-trips") {
    CHECK(format_time_ms(1777887720250) == "2026-05-04T09:42:00.250Z");
    CHECK(format_time_ms(1777887720000) == "2026-05-04T09:42:00Z");
  }
}

TEST_CASE("sensors::parse_csv_line", "[sensors]") {
  Reading r;
  SECTION("a full line") {
    REQUIRE(parse_csv_line("2026-05-04T09:42:00Z,press-07,oil-temp,71.5,Cel,good\r", r) == nullptr);
    CHECK(r.machine == "press-07");
    CHECK(r.sensor == "oil-temp");
    CHECK(r.value == 71.5);
    CHECK(r.unit == "Cel");
    CHECK(r.quality == Quality::good);
  }
  SECTION("optional unit and quality, NaN and status words") {
    REQUIRE(parse_csv_line("1777887720,m,s,NaN", r) == nullptr);
    CHECK(std::isnan(r.value));
    CHECK(r.text.empty());
    REQUIRE(parse_csv_line("1777887720,m,status,running,,bad", r) == nullptr);
    CHECK(r.text == "running");
    CHECK(r.quality == Quality::bad);
  }
  SECTION("an out-of-range number is NaN, not the previous value") {
    REQUIRE(parse_csv_line("1777887720,m,s,42,u,good", r) == nullptr);
    REQUIRE(parse_csv_line("1777887721,m,s,1e999,u,good", r) == nullptr);
    CHECK(std::isnan(r.value));
  }
  SECTION("bad lines say why") {
    CHECK(parse_csv_line("", r) != nullptr);
    CHECK(parse_csv_line("garbage", r) != nullptr);
    CHECK(std::string(parse_csv_line("2026-13-04T09:42:00Z,m,s,1,u,good", r)).find("timestamp") != std::string::npos);
    CHECK(std::string(parse_csv_line("1777887720,m,s,1.2.3,u,good", r)).find("not a number") != std::string::npos);
    CHECK(parse_csv_line("1777887720,m,s,1,u,great", r) != nullptr);
    CHECK(parse_csv_line("1777887720,m,s,1,u,good,extra", r) != nullptr);
    CHECK(parse_csv_line("1777887720,,s,1,u,good", r) != nullptr);
  }
  SECTION("header") {
    CHECK(is_csv_header("timestamp,machineId,sensorType,value,unit,quality"));
    CHECK_FALSE(is_csv_header("2026-05-04T09:42:00Z,m,s,1,u,good"));
  }
}

TEST_CASE("sensors::parse_jsonl_line", "[sensors]") {
  Reading r;
  REQUIRE(parse_jsonl_line(R"({"timestamp":"2026-05-04T09:42:00Z","machineId":"press-07","sensorType":"oil-temp","value":71.5,"unit":"Cel","quality":"good"})", r) == nullptr);
  CHECK(r.ts_ms == 1777887720000);
  CHECK(r.machine == "press-07");
  CHECK(r.value == 71.5);
  REQUIRE(parse_jsonl_line(R"( { "ts": 1777887720250, "machineId": "m", "sensorType": "s", "value": null } )", r) == nullptr);
  CHECK(r.ts_ms == 1777887720250);
  CHECK(std::isnan(r.value));
  REQUIRE(parse_jsonl_line(R"({"timestamp":"2026-05-04T09:42:00Z","machineId":"m","sensorType":"s","value":"NaN"})", r) == nullptr);
  CHECK(std::isnan(r.value));
  for (const char* bad : {"", "[1,2]", "{", R"({"timestamp":"x","machineId":"m","sensorType":"s","value":1})",
                          R"({"timestamp":"2026-05-04T09:42:00Z","machineId":"m","sensorType":"s","value":abc})",
                          R"({"timestamp":"2026-05-04T09:42:00Z","sensorType":"s","value":1})",
                          R"({"timestamp":"2026-05-04T09:42:00Z","machineId":"m","sensorType":"s","value":1} x)",
                          R"({"timestamp":"2026-05-04T09:42:00Z","machineId":"m)"}) {
    INFO(bad);
    CHECK(parse_jsonl_line(bad, r) != nullptr);
  }
}

TEST_CASE("sensors::parse_csv_line remembers the hour correctly", "[sensors]") {
  // The hour cache must give what parse_time_ms gives, also when the hour or the fraction changes.
  Reading r;
  for (const char* ts : {"2026-05-04T09:42:00Z", "2026-05-04T09:42:01.5Z", "2026-05-04T09:59:59.999Z",
                         "2026-05-04T10:00:00Z", "2026-05-04T10:00:00.250Z", "2026-05-04T10:61:00Z",
                         "2026-05-04T10:00:00.Z", "2026-05-04T10:30:00+02:00", "2026-05-05T10:30:00Z"}) {
    INFO(ts);
    const std::string line = std::string(ts) + ",m,s,1,u,good";
    const char* err = parse_csv_line(line, r);
    const auto want = parse_time_ms(ts);
    REQUIRE((err == nullptr) == want.has_value());
    if (want) {
      CHECK(r.ts_ms == *want);
    }
  }
}

// The fast paths of parse_csv_line (decimal values, the previous timestamp,
// 16-byte comma search) give exactly what the general paths give.
TEST_CASE("sensors::parse_csv_line fast paths agree with std::from_chars and parse_time_ms", "[sensors]") {
  Reading r;
  uint64_t x = 88172645463325252ULL; // xorshift: a fixed sequence of values
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const int digits = 1 + int(x % 16), frac = int((x >> 8) % (digits + 1));
    std::string v = std::to_string((x >> 12) % 10000000000000000ULL).substr(0, size_t(digits));
    if (frac > 0 && frac < int(v.size())) {
      v.insert(v.size() - size_t(frac), ".");
    }
    if (x & (1ULL << 40)) {
      v = "-" + v;
    }
    const std::string ts = "2026-05-04T09:" + std::to_string(10 + i % 3) + ":0" + std::to_string(i % 7) + "Z";
    const std::string line = ts + ",machine-with-a-long-name-" + std::to_string(i % 5) + ",s," + v + ",u,good";
    INFO(line);
    REQUIRE(parse_csv_line(line, r) == nullptr);
    double want = 0;
    std::from_chars(v.data(), v.data() + v.size(), want);
    CHECK(std::memcmp(&r.value, &want, sizeof want) == 0); // bit for bit, -0 included
    CHECK(r.ts_ms == *parse_time_ms(ts));
    CHECK(r.machine == "machine-with-a-long-name-" + std::to_string(i % 5));
    CHECK(r.unit == "u");
  }
}

TEST_CASE("sensors: the timestamp cache never accepts what parse_time_ms rejects", "[sensors]") {
  Reading r;
  SECTION("a NUL-filled timestamp on the first line") {
    std::string line("2026-05-04T00:00:00Z,m,s,1,u,good");
    std::memset(line.data(), 0, 13); // the hour part, as the cache's empty key
    CHECK(parse_csv_line(line, r) != nullptr);
    std::string json = "{\"timestamp\":\"" + line.substr(0, 20) + "\",\"machineId\":\"m\",\"sensorType\":\"s\",\"value\":1}";
    Reading j;
    CHECK(parse_jsonl_line(json, j) != nullptr);
  }
  SECTION("times before 1970 with milliseconds, read after another of the same hour") {
    REQUIRE(parse_csv_line("1969-12-31T23:59:59.500Z,m,s,1,u,good", r) == nullptr);
    CHECK(r.ts_ms == -500);
    REQUIRE(parse_csv_line("1969-12-31T23:10:00.250Z,m,s,1,u,good", r) == nullptr);
    CHECK(r.ts_ms == *parse_time_ms("1969-12-31T23:10:00.250Z"));
    CHECK(r.ts_ms == -2999750);
    REQUIRE(parse_csv_line("1969-12-31T23:00:00Z,m,s,1,u,good", r) == nullptr);
    CHECK(r.ts_ms == -3600000);
  }
}

TEST_CASE("sensors: JSONL string escapes are decoded", "[sensors]") {
  Reading r;
  REQUIRE(parse_jsonl_line(R"({"timestamp":"2026-05-04T00:00:00Z","machineId":"press\u002d01",)"
                           R"("sensor\u0054ype":"oil\/temp","value":"run\u006eing","unit":"\u00b0C"})",
                           r) == nullptr);
  CHECK(r.machine == "press-01");
  CHECK(r.sensor == "oil/temp");
  CHECK(r.text == "running");
  CHECK(r.unit == "\xC2\xB0"
                  "C");
  REQUIRE(parse_jsonl_line(R"({"timestamp":"2026-05-04T00:00:00Z","machineId":"a\"b\\c\ud83d\ude00","sensorType":"s","value":1})",
                           r) == nullptr);
  CHECK(r.machine == "a\"b\\c\xF0\x9F\x98\x80");
  for (const char* bad : {R"({"timestamp":"2026-05-04T00:00:00Z","machineId":"a\x","sensorType":"s","value":1})",
                          R"({"timestamp":"2026-05-04T00:00:00Z","machineId":"a\u12","sensorType":"s","value":1})",
                          R"({"timestamp":"2026-05-04T00:00:00Z","machineId":"\udc00","sensorType":"s","value":1})",
                          R"({"timestamp":"2026-05-04T00:00:00Z","machineId":"\ud800x","sensorType":"s","value":1})"}) {
    INFO(bad);
    CHECK(parse_jsonl_line(bad, r) != nullptr);
  }
  // A raw control character is not JSON.
  CHECK(parse_jsonl_line(std::string("{\"timestamp\":\"2026-05-04T00:00:00Z\",\"machineId\":\"a\tb\",\"sensorType\":\"s\",\"value\":1}"), r) != nullptr);
}
