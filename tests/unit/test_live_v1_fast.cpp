#include "lib/live/formats/live_files.hpp"
#include "lib/live/formats/live_v1_fast.hpp"
#include "lib/live/match.hpp"
#include "lib/live/snapshot_writer.hpp"
#include "lib/util/error.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace twinctl;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string padded(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 64);
  out.append(text);
  return out;
}

std::string written(const model::LiveSnapshot& s) {
  std::ostringstream out;
  live::write_snapshot(out, s);
  return out.str();
}

// The general reader: 5 KB of leading whitespace keep the fast reader out.
model::LiveSnapshot general(const std::string& text) {
  model::Twin twin;
  return live::read_live_text("snap.json", std::string(5000, ' ') + text, twin, live::AssetMatcher(twin));
}

const char* const k_rich = R"({
  "format": "twinctl-live/v1", "taken_at": "2026-05-04T11:42:00+02:00",
  "sources": [{"name": "ditto", "adapter": "ditto", "ok": true, "items": 2, "error": null, "endpoint": "https://d"},
              {"name": "mqtt", "adapter": "plain-json", "ok": false, "items": 0, "error": "refused"}],
  "observations": [
    {"asset": "press-07", "source": "ditto", "ref": "plant:press-07", "observed_at": "2026-05-04T09:41:07.250Z",
     "online": true, "fields": {"status": "running", "ip": "10.0.0.7", "zone": "cell \"2\"\n"},
     "metrics": {"oil-temp": {"value": 71.5, "unit": "Cel", "ts": "2026-05-04T09:41:07Z"},
                 "count": {"value": 18446744073709551615}, "neg": {"value": -3},
                 "on": {"value": true}, "txt": {"value": "12.5"}, "word": {"value": "high"}, "none": {"value": null}}},
    {"asset": "robot-1", "source": "ditto", "ref": "r1", "observed_at": null, "online": null,
     "fields": {}, "metrics": {}}],
  "unmatched": [{"source": "ditto", "ref": "rogue", "fields": {"ip": "10.0.0.99"}, "observed_at": null},
                {"source": "ditto", "ref": "rogue-2", "fields": {}}]
})";

} // namespace

TEST_CASE("live::read_v1_fast gives what the general reader gives", "[live]") {
  for (std::string text : {std::string(k_rich), slurp(std::string(TWINCTL_SOURCE_DIR) + "/examples/live/snapshot.json")}) {
    std::optional<model::LiveSnapshot> fast = live::read_v1_fast(padded(text));
    REQUIRE(fast);
    model::LiveSnapshot slow = general(text);
    CHECK(fast->taken_at == slow.taken_at);
    REQUIRE(fast->observations.size() == slow.observations.size());
    for (size_t i = 0; i < slow.observations.size(); ++i) {
      CHECK(fast->observations[i].asset == slow.observations[i].asset);
      CHECK(fast->observations[i].ref == slow.observations[i].ref);
      CHECK(fast->observations[i].online == slow.observations[i].online);
    }
    CHECK(written(*fast) == written(slow));
  }
  std::optional<model::LiveSnapshot> rich = live::read_v1_fast(padded(k_rich));
  REQUIRE(rich);
  CHECK(rich->taken_at == "2026-05-04T09:42:00Z");
  const model::Observation& press = rich->observations[2];
  CHECK(press.asset == "press-07");
  CHECK(press.metrics.at("oil-temp").value == 71.5);
  CHECK(press.metrics.at("txt").value == 12.5);
  CHECK(press.metrics.at("on").value == 1.0);
  CHECK(press.metrics.count("word") == 0);
  CHECK(press.metrics.count("none") == 0);
  CHECK(press.fields.at("zone") == "cell \"2\"\n");
}

TEST_CASE("live::read_v1_fast leaves everything unusual to the general reader", "[live]") {
  std::string rich = k_rich;
  auto with = [&](const std::string& from, const std::string& to) {
    size_t at = rich.find(from);
    REQUIRE(at != std::string::npos);
    return rich.substr(0, at) + to + rich.substr(at + from.size()); // not replace(): GCC 12 -Wrestrict
  };
  struct Case {
    std::string text;
    std::string error; // what the general reader says; empty = it accepts the document
  };
  std::vector<Case> cases = {
      {with("\"items\": 2", "\"items\": -2"), "must not be negative"},
      {with("\"items\": 2", "\"items\": 2.0"), "items"},
      {with("\"ip\": \"10.0.0.7\"", "\"ipp\": \"10.0.0.7\""), "unknown field 'ipp'"},
      {with("2026-05-04T09:41:07.250Z", "yesterday"), "not an RFC 3339 timestamp"},
      {with("\"press-07\", \"source\"", "\"Press 07!\", \"source\""), "not a valid asset id"},
      {with("\"online\": true", "\"online\": \"yes\""), "online"},
      {with("\"value\": null", "\"value\": [1]"), "a metric value must be"},
      {with("\"error\": \"refused\"", "\"error\": \"refused\", \"colour\": 1"), "unknown key 'colour'"},
      {with("\"ref\": \"r1\", ", ""), "missing 'ref'"},
      {rich.substr(0, rich.size() / 2), "invalid JSON"},
      // Duplicate keys: the fast reader defers; the general reader says where.
      {with("\"ip\": \"10.0.0.7\"", "\"ip\": \"10.0.0.6\", \"ip\": \"10.0.0.7\""), "duplicate key \"ip\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK_FALSE(live::read_v1_fast(padded(c.text)));
    if (c.error.empty()) {
      CHECK(general(c.text).observations.size() == 4);
    } else {
      CHECK_THROWS_WITH(general(c.text), Catch::Contains(c.error) && Catch::Contains("snap.json:"));
    }
  }
  CHECK_FALSE(live::read_v1_fast(std::string(k_rich))); // no room for simdjson's padding: not read here
}
