#include "lib/live/http/client.hpp"
#include "lib/live/formats/live_files.hpp"
#include "lib/live/match.hpp"
#include "lib/live/sources.hpp"
#include "lib/util/error.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace twinctl;

namespace {

model::Twin twin_of(std::initializer_list<const char*> ids) {
  model::Twin t;
  for (const char* id : ids) {
    model::Asset a;
    a.id = id;
    t.assets.push_back(a);
  }
  return t;
}

} // namespace

TEST_CASE("live::next_link", "[live]") {
  CHECK(live::next_link(R"(<https://h/x?page=2>; rel="next", <https://h/x?page=9>; rel="last")") ==
        "https://h/x?page=2");
  CHECK(live::next_link(R"(</x?page=1>; rel="first", </x?page=3>; rel="next")") == "/x?page=3");
  CHECK(live::next_link(R"(</x?page=3>; rel="prev next")") == "/x?page=3");
  CHECK(live::next_link(R"(</x?page=1>; rel="prev")").empty());
  CHECK(live::next_link("").empty());
  CHECK(live::next_link("<unterminated").empty());
}

TEST_CASE("live::parse_retry_after", "[live]") {
  CHECK(live::parse_retry_after("1", 0) == 1.0);
  CHECK(live::parse_retry_after(" 120 ", 0) == 120.0);
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
  CHECK(live::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470) == 10.0);
  CHECK(live::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490) == 0.0);
  CHECK_FALSE(live::parse_retry_after("soon", 0));
  CHECK_FALSE(live::parse_retry_after("", 0));
}

TEST_CASE("live::backoff_seconds", "[live]") {
  CHECK(live::backoff_seconds(1) == 0.5);
  CHECK(live::backoff_seconds(2) == 1.0);
  CHECK(live::backoff_seconds(3) == 2.0);
  CHECK(live::backoff_seconds(10) == 8.0);
}

TEST_CASE("live::HttpClient", "[live]") {
  SECTION("connection errors are retried with backoff, then reported without the URL") {
    std::vector<double> waits;
    live::HttpSettings s;
    s.retries = 2;
    s.connect_timeout = 2;
    s.password = "Pa55-unused";
    s.user = "u";
    s.sleep = [&](double sec) { waits.push_back(sec); };
    live::HttpClient client(s);
    live::HttpResult r = client.get("http://127.0.0.1:1/api"); // nothing listens on port 1
    CHECK_FALSE(r.ok);
    CHECK(r.attempts == 3);
    CHECK(waits == std::vector<double>{0.5, 1.0});
    CHECK(r.error.find("after 3 attempts") != std::string::npos);
    CHECK(r.error.find("Pa55") == std::string::npos);
  }
  SECTION("no retries: one attempt, no wait") {
    std::vector<double> waits;
    live::HttpSettings s;
    s.retries = 0;
    s.sleep = [&](double sec) { waits.push_back(sec); };
    live::HttpResult r = live::HttpClient(s).get("http://127.0.0.1:1/api");
    CHECK(r.attempts == 1);
    CHECK(waits.empty());
    CHECK(r.error.find("attempts") == std::string::npos);
  }
}

TEST_CASE("live::read_live_page", "[live]") {
  model::Twin twin = twin_of({"press-07", "plc-l2-01"});
  live::AssetMatcher matcher(twin);

  SECTION("a Ditto page: things mapped and matched, the cursor returned") {
    live::PageFormat f;
    f.adapter = "ditto";
    f.cursor = "/cursor";
    live::Page p = live::read_live_page("page 1", R"({"items": [
      {"thingId": "plant.a:press-07", "features": {"status": {"properties": {"state": "running"}}},
       "_modified": "2026-05-04T09:41:07.512Z"},
      {"thingId": "plant.a:rogue"}], "cursor": "AbC"})",
                                        twin, matcher, "ditto-main", f);
    REQUIRE(p.observations.size() == 2);
    CHECK(p.observations[0].asset == "press-07");
    CHECK(p.observations[0].source == "ditto-main");
    CHECK(p.observations[0].fields.at("status") == "running");
    CHECK(p.observations[0].observed_at == "2026-05-04T09:41:07Z");
    CHECK(p.observations[1].asset.empty());
    CHECK(p.cursor == "AbC");
  }
  SECTION("the last Ditto page has no cursor") {
    live::PageFormat f;
    f.adapter = "ditto";
    f.cursor = "/cursor";
    CHECK(live::read_live_page("p", R"({"items": []})", twin, matcher, "d", f).cursor.empty());
  }
  SECTION("generic: items, identity, plain-json field names and metrics at pointers") {
    live::PageFormat f;
    f.adapter = "generic";
    f.items = "/data/devices";
    f.id = "/name";
    f.metrics = "/telemetry";
    f.cursor = "/next";
    live::Page p = live::read_live_page("p", R"({"data": {"devices": [
      {"name": "plc-l2-01", "status": "FAULT", "ip": "10.0.0.1", "telemetry": {"temp": 41.5, "label": "x"}}]},
      "next": 42})",
                                        twin, matcher, "api", f);
    REQUIRE(p.observations.size() == 1);
    CHECK(p.observations[0].asset == "plc-l2-01");
    CHECK(p.observations[0].fields.at("status") == "FAULT");
    CHECK(p.observations[0].fields.at("ip") == "10.0.0.1");
    CHECK(p.observations[0].metrics.at("temp").value == 41.5);
    CHECK(p.observations[0].metrics.size() == 1);
    CHECK(p.cursor == "42");
  }
  SECTION("generic: a list at the root") {
    live::PageFormat f;
    f.adapter = "generic";
    live::Page p = live::read_live_page("p", R"([{"id": "press-07"}, {"id": "other"}])", twin, matcher, "api", f);
    REQUIRE(p.observations.size() == 2);
    CHECK(p.observations[0].asset == "press-07");
    CHECK(p.observations[1].asset.empty());
  }
  SECTION("bad pages throw with a location") {
    live::PageFormat f;
    f.adapter = "ditto";
    CHECK_THROWS_WITH(live::read_live_page("page 3", R"({"items": [{"thingId": "a"},)", twin, matcher, "d", f),
                      Catch::Contains("page 3:1:") && Catch::Contains("unexpected end of input"));
    CHECK_THROWS_WITH(live::read_live_page("page 1", R"({"things": []})", twin, matcher, "d", f),
                      Catch::Contains("not a Ditto search page"));
    live::PageFormat g;
    g.adapter = "generic";
    CHECK_THROWS_WITH(live::read_live_page("page 1", R"([{"name": "x"}])", twin, matcher, "d", g),
                      Catch::Contains("item without an identity at '/id'"));
  }
}

TEST_CASE("live::read_live http settings", "[live]") {
  model::Twin twin = twin_of({"press-07"});
  model::Source src;
  src.id = "api";
  src.adapter = "generic";
  src.endpoint = "http://127.0.0.1:1/devices";
  live::AssetMatcher matcher(twin);
  live::LiveOptions o;
  o.retries = 0;
  o.taken_at = 1777887720; // 2026-05-04T09:42:00Z

  SECTION("a source that cannot be reached is a failed source, never an exception") {
    twin.sources = {src};
    model::LiveSnapshot s = live::read_live("api", twin, matcher, o);
    REQUIRE(s.sources.size() == 1);
    CHECK_FALSE(s.sources[0].ok);
    CHECK(s.sources[0].adapter == "generic");
    CHECK(s.sources[0].endpoint == "http://127.0.0.1:1/devices");
    CHECK(s.sources[0].error.find("GET http://127.0.0.1:1/devices (page 1): ") == 0);
    CHECK(s.observations.empty());
    CHECK(s.taken_at == "2026-05-04T09:42:00Z");
  }
  SECTION("configuration errors throw") {
    src.options = {{"items", "data"}};
    twin.sources = {src};
    CHECK_THROWS_WITH(live::read_live("api", twin, matcher, o), Catch::Contains("option items must be a JSON pointer"));
    twin.sources[0].options = {{"timeout_seconds", "soon"}};
    CHECK_THROWS_WITH(live::read_live("api", twin, matcher, o), Catch::Contains("option timeout_seconds"));
    twin.sources[0].options = {{"filter", "eq(a,1)"}};
    CHECK_THROWS_WITH(live::read_live("api", twin, matcher, o),
                      Catch::Contains("unknown option 'filter' for adapter generic"));
  }
}
