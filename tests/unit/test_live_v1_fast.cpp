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

// A snapshot written by hand (docs/live-format.md): everything with a default left out.
const char* const k_by_hand = R"({
  "format": "twinctl-live/v1",
  "taken_at": "2026-05-04T10:00:00Z",
  "observations": [
    {"asset": "plc-a", "fields": {"status": "running", "firmware": "V3.1.7"}},
    {"asset": "ups-1", "online": false},
    {"asset": "hmi-1", "ref": "hmi/1", "observed_at": null, "online": null, "metrics": {"temp": {"value": 41}}}
  ],
  "unmatched": [{"ref": "rogue"}]
})";

// Sources named, but without the keys that have defaults.
const char* const k_sources_by_hand = R"({
  "format": "twinctl-live/v1", "taken_at": "2026-05-04T10:00:00Z",
  "sources": [{"name": "scada"}, {"name": "mqtt", "ok": false, "error": "refused"}],
  "observations": [{"asset": "plc-a", "source": "scada"}, {"asset": "plc-b", "source": "scada"}]
})";

} // namespace

TEST_CASE("live: a twinctl-live/v1 snapshot written by hand takes the defaults, in both readers", "[live]") {
  std::optional<model::LiveSnapshot> fast = live::read_v1_fast(padded(k_by_hand), "snap");
  REQUIRE(fast);
  model::LiveSnapshot slow = general(k_by_hand);
  CHECK(written(*fast) == written(slow));
  for (const model::LiveSnapshot* s : {&*fast, &slow}) {
    REQUIRE(s->sources.size() == 1);
    CHECK(s->sources[0].name == "snap"); // the file's stem
    CHECK(s->sources[0].adapter == "file");
    CHECK(s->sources[0].ok);
    CHECK(s->sources[0].items == 4);
    CHECK(s->sources[0].error.empty());
    REQUIRE(s->observations.size() == 4);
    const model::Observation& rogue = s->observations[0];
    CHECK(rogue.asset.empty());
    CHECK(rogue.source == "snap");
    CHECK(rogue.observed_at == "2026-05-04T10:00:00Z");
    const model::Observation& plc = s->observations[1];
    CHECK(plc.source == "snap");
    CHECK(plc.ref == "plc-a");
    CHECK(plc.observed_at == "2026-05-04T10:00:00Z");
    CHECK(plc.online == std::optional<bool>(true));
    CHECK(plc.fields.at("firmware") == "V3.1.7");
    CHECK(plc.metrics.empty());
    CHECK(s->observations[2].online == std::optional<bool>(false));
    CHECK(s->observations[2].fields.empty());
    const model::Observation& hmi = s->observations[3];
    CHECK(hmi.ref == "hmi/1");
    CHECK(hmi.observed_at.empty()); // null: not known
    CHECK_FALSE(hmi.online.has_value());
    CHECK(hmi.metrics.at("temp").value == 41);
  }
  std::optional<model::LiveSnapshot> fast2 = live::read_v1_fast(padded(k_sources_by_hand), "snap");
  REQUIRE(fast2);
  model::LiveSnapshot slow2 = general(k_sources_by_hand);
  CHECK(written(*fast2) == written(slow2));
  for (const model::LiveSnapshot* s : {&*fast2, &slow2}) {
    REQUIRE(s->sources.size() == 2);
    CHECK(s->sources[0].adapter == "file");
    CHECK(s->sources[0].items == 2);
    CHECK(s->sources[1].items == 0);
    CHECK_FALSE(s->sources[1].ok);
  }
}

TEST_CASE("live::read_v1_fast gives what the general reader gives", "[live]") {
  for (std::string text : {std::string(k_rich), slurp(std::string(TWINCTL_SOURCE_DIR) + "/examples/live/snapshot.json")}) {
    std::optional<model::LiveSnapshot> fast = live::read_v1_fast(padded(text), "snap");
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
  std::optional<model::LiveSnapshot> rich = live::read_v1_fast(padded(k_rich), "snap");
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
      // Two sources: an observation must say which one it came from.
      {with("\"source\": \"ditto\", \"ref\": \"r1\"", "\"ref\": \"r1\""), "missing 'source' (the snapshot has 2 sources"},
      {with("\"online\": null,", "\"online\": null, \"online\": false,"), ""},
      {rich.substr(0, rich.size() / 2), "invalid JSON"},
      // Duplicate keys: the fast reader defers; the general reader says where.
      {with("\"ip\": \"10.0.0.7\"", "\"ip\": \"10.0.0.6\", \"ip\": \"10.0.0.7\""), "duplicate key \"ip\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK_FALSE(live::read_v1_fast(padded(c.text), "snap"));
    if (c.error.empty()) {
      CHECK(general(c.text).observations.size() == 4);
    } else {
      CHECK_THROWS_WITH(general(c.text), Catch::Contains(c.error) && Catch::Contains("snap.json:"));
    }
  }
  CHECK_FALSE(live::read_v1_fast(std::string(k_rich), "snap")); // no room for simdjson's padding: not read here
}
