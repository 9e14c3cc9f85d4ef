// The simdjson fast paths (lib/live/formats/fast_json.cpp) against the general
// readers: the same snapshot, or the same error, for varied Ditto pages and
// plain-JSON MQTT payloads.
#include "lib/live/formats/fast_json.hpp"
#include "lib/live/formats/live_files.hpp"
#include "lib/live/formats/mapping.hpp"
#include "lib/live/match.hpp"
#include "lib/live/snapshot_writer.hpp"
#include "lib/util/error.hpp"

#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace twinctl;

namespace {

model::Twin twin_of(std::initializer_list<std::string> ids) {
  model::Twin t;
  t.id = "plant-a";
  for (const std::string& id : ids) {
    model::Asset a;
    a.id = id;
    t.assets.push_back(a);
  }
  return t;
}

std::string written(model::LiveSnapshot s) {
  s.taken_at = "2026-05-04T12:00:00Z";
  std::ostringstream out;
  live::write_snapshot(out, s);
  return out.str();
}

// Runs `read` with the fast paths on and off: the snapshot text, or "error: " + the message.
template <class Read> std::pair<std::string, std::string> both(Read read) {
  auto once = [&](bool fast) {
    live::detail::g_fast_json = fast;
    try {
      std::string out = written(read());
      live::detail::g_fast_json = true;
      return out;
    } catch (const Error& e) {
      live::detail::g_fast_json = true;
      return std::string("error: ") + e.what();
    }
  };
  return {once(true), once(false)};
}

const char* const k_things[] = {
    // A full thing: fields, metrics, desired properties (nested, '$' keys, null), unicode escapes.
    R"({"thingId": "plant.a:press-07", "policyId": "p",
        "attributes": {"network": {"ip": "10.0.0.7"}, "securityZone": "cell \"2\"\n", "tags": ["a", {"b": 1}]},
        "features": {"status": {"properties": {"state": "r\u00fcnning \ud83d\ude00"}},
                     "firmware": {"properties": {"version": "4.2.1"}, "desiredProperties": {"version": "4.3.0"}},
                     "oil-temp": {"properties": {"value": 71.50, "unit": "Cel"}},
                     "count": {"properties": {"value": 12}}, "text": {"properties": {"value": "12"}},
                     "big": {"properties": {"value": 18446744073709551615}}, "e": {"properties": {"value": 1e2}},
                     "config": {"properties": {"checksum": "sha256:ab"},
                                "desiredProperties": {"checksum": "sha256:cd", "interval": {"sec": 30, "$m": 1},
                                                      "flag": true, "nothing": null, "n": -3}}},
        "_modified": "2026-05-04T09:41:07.250Z"})",
    // Missing pieces.
    R"({"thingId": "plant.a:robot-1"})",
    R"({"thingId": "x:y", "features": {"f": {}, "g": {"properties": {}}}, "_modified": 1714815667000})",
    // Numbers where strings are expected, and the other way round.
    R"({"thingId": "plant.a:plc-l2-01", "attributes": {"network": {"ip": 12}, "securityZone": true},
        "features": {"firmware": {"properties": {"version": 4.20}}, "status": {"properties": {"state": null}},
                     "v": {"properties": {"value": "7.5", "unit": 3}}}, "_modified": "not a time"})",
    // An array in desired properties (the general reader writes it as JSON text).
    R"({"thingId": "a:b", "features": {"f": {"desiredProperties": {"list": [1, "x"]}}}})",
    // A key with '/' and -0.
    R"({"thingId": "a:c", "features": {"a/b": {"properties": {"value": -0}}, "z": {"properties": {"value": -0.0}}}})",
};

const char* const k_bad_pages[] = {
    R"({"items": [{"thingId": "a:d", "thingId": "a:e"}]})",          // a duplicate key
    R"({"items": [{"thingId": "a"},)",                                // truncated
    R"({"items": [{"thingId": "a", "x": tru}]})",                     // invalid
    R"({"items": [{"id": "a"}]})",                                    // no thingId
    R"({"items": [{"thingId": ""}]})",                                // empty thingId
    R"({"items": [{"thingId": "a", "attributes": null}]})",           // attributes null
    R"({"items": [{"thingId": "a", "features": {"f": 3}}]})",         // feature not an object
    R"({"items": [{"thingId": "a", "features": {"f": {"desiredProperties": []}}}]})",
    R"({"items": [{"thingId": "a"}, 7]})",                            // not an object
    R"({"items": {"thingId": "a"}})",                                 // not a list
    R"({"items": [{"thingId": "a", "features": {"f": {"properties": {"value": 1e999}}}}]})", // overflow
};

} // namespace

TEST_CASE("live fast path: Ditto pages over HTTP give what the general reader gives", "[live]") {
  model::Twin twin = twin_of({"press-07", "robot-1", "plc-l2-01"});
  live::AssetMatcher matcher(twin);
  live::PageFormat f;
  f.adapter = "ditto";
  f.cursor = "/cursor";
  auto page = [&](const std::string& text) {
    return [&, text] {
      live::Page p = live::read_live_page("page 1", text, twin, matcher, "ditto", f);
      model::LiveSnapshot s;
      s.sources.push_back({});
      s.sources[0].name = "ditto";
      s.sources[0].adapter = "ditto";
      s.sources[0].ok = true;
      s.sources[0].error = "cursor " + p.cursor;
      s.observations = std::move(p.observations);
      return s;
    };
  };
  std::string all = R"({"items": [)";
  for (const char* thing : k_things) {
    std::string one = std::string(R"({"items": [)") + thing + R"(], "cursor": "c200"})";
    auto [fast, general] = both(page(one));
    CHECK(fast == general);
    all += std::string(all.back() == '[' ? "" : ",") + thing;
  }
  auto [fast, general] = both(page(all + R"(], "cursor": 200})"));
  CHECK(fast == general);
  CHECK(fast.find("press-07") != std::string::npos);
  for (const char* bad : k_bad_pages) {
    auto [fast_error, general_error] = both(page(bad));
    CHECK(fast_error.rfind("error: page 1:", 0) == 0);
    CHECK(fast_error == general_error);
  }
  // A list at the root, without a cursor.
  auto [root_fast, root_general] = both(page(std::string("[") + k_things[0] + "," + k_things[1] + "]"));
  CHECK(root_fast == root_general);

  // The fast path takes a common search page itself, with the Ditto preset's format (no items
  // pointer): it once handed every HTTP page to the general reader, twice the CPU, unseen.
  using namespace live::detail;
  Doc none = Doc::in_memory();
  Ctx ctx{none, matcher, nullptr, "ditto", "ditto", {}};
  Mapping m = mapping_for(ctx, "ditto", true);
  std::string text = std::string(R"({"items": [)") + k_things[1] + R"(], "cursor": "c200"})";
  std::optional<std::string> cursor = FastParser().ditto_page(text, f.items, f.cursor, ctx, m);
  REQUIRE(cursor);
  CHECK(*cursor == "c200");
  CHECK(ctx.observations.size() == 1);
}

TEST_CASE("live fast path: Ditto page files give what the general reader gives", "[live]") {
  test::TempDir dir;
  model::Twin twin = twin_of({"press-07", "robot-1"});
  live::AssetMatcher matcher(twin);
  auto file = [&](const std::string& text) {
    dir.write("things.json", text);
    return [&] { return live::read_live_file(dir / "things.json", twin, matcher); };
  };
  for (const char* thing : k_things) {
    auto [fast, general] = both(file(std::string(R"({"items": [)") + thing + R"(], "cursor": "x"})"));
    CHECK(fast == general);
    auto [list_fast, list_general] = both(file(std::string("[") + thing + "]"));
    CHECK(list_fast == list_general);
  }
  for (const char* bad : k_bad_pages) {
    auto [fast_error, general_error] = both(file(bad));
    CHECK(fast_error.rfind("error: ", 0) == 0);
    CHECK(fast_error == general_error);
  }
  // Not a Ditto page: other formats are untouched.
  auto [capture_fast, capture_general] =
      both(file(R"({"items": [{"thingId": "a"}], "messages": [{"topic": "a/b", "payload": {"status": "x"}}]})"));
  CHECK(capture_fast == capture_general);
}

TEST_CASE("live fast path: plain-JSON MQTT payloads give what the general reader gives", "[live]") {
  model::Twin twin = twin_of({"press-07", "robot-1"});
  live::AssetMatcher matcher(twin);
  const char* const payloads[] = {
      R"({"status":"running","ip":"10.0.0.1","firmware":"4.2.0","observed_at":"2026-05-04T09:41:07Z","temperature":21.5})",
      R"(  {"state":"idle","sensors":{"t":{"value":3},"h":55,"list":[1,2]},"fw":1.0,"online":1,"ts":1714815667000} )",
      R"({"status":42,"ip":true,"firmware":4.20,"cfg":"abc","zone":null,"big":18446744073709551615,"neg":-3,"e":1e2})",
      R"({"status":"r\u00fcnning \ud83d\ude00","zone":"z\"1\n","x":1,"online":" Online "})",
      R"({"online":"maybe","connected":false,"time":"2026-05-04T10:00:00+02:00","observed_at":"bad"})",
      R"({"other":1})",
      R"({})",
      R"({"status":["a"],"firmware":{"v":1},"n":1})",
      R"({"status":"a","status":"b","n":1})",
      R"({"a/b":1,"a":{"b":2},"c~d":3})",
      R"({"m":-0,"z":-0.0})",
      R"([{"status":"in a list"}])",
  };
  live::MqttCollection c;
  c.source_name = "broker";
  c.endpoint = "mqtt://127.0.0.1:1883";
  c.profile = "plain-json";
  c.filters = {"plant/+/state"};
  auto read = [&] { return live::read_mqtt_messages(c, twin, matcher); };
  // Each payload alone, as a retained message and as a live one (with a receive time).
  for (const char* p : payloads) {
    c.messages = {{"plant/press-07/state", p, {}}};
    auto [fast, general] = both(read);
    CHECK(fast == general);
    c.messages = {{"plant/press-07/state", p, 1777888999}};
    auto [live_fast, live_general] = both(read);
    CHECK(live_fast == live_general);
  }
  // All on one device in turn (later messages win), on several devices, with Home Assistant units.
  c.profile = "";
  c.messages = {{"homeassistant/sensor/x/config",
                 R"({"state_topic":"plant/rogue/state","unit_of_measurement":"Cel",
                     "value_template":"{{ value_json.temperature }}","device":{"identifiers":["robot-1"]}})",
                 {}}};
  size_t i = 0;
  for (const char* p : payloads) {
    c.messages.push_back({"plant/press-07/state", p, {}});
    std::optional<int64_t> received;
    if (i % 2) {
      received = 1777888000 + int64_t(i);
    }
    c.messages.push_back({"plant/dev-" + std::to_string(i) + "/state", p, received});
    ++i;
    c.messages.push_back({"plant/rogue/state", p, {}});
  }
  auto [fast, general] = both(read);
  CHECK(fast == general);
  CHECK(fast.find("\"ok\": true") != std::string::npos);
  CHECK(fast.find("\"Cel\"") != std::string::npos);
  // A malformed payload fails the source the same way, naming the topic.
  for (const char* bad : {R"({"status": "x",})", R"({"status": "x")", "{\"s\":\"\\ud800\"}", R"({"h":1e999})"}) {
    c.messages = {{"plant/press-07/state", payloads[0], {}}, {"plant/bad/state", bad, {}}};
    auto [fast_error, general_error] = both(read);
    CHECK(fast_error.find("topic 'plant/bad/state'") != std::string::npos);
    CHECK(fast_error == general_error);
  }
  std::string deep = std::string(300, '[') + std::string(300, ']');
  c.messages = {{"plant/deep/state", "{\"a\":" + deep + "}", {}}};
  auto [deep_fast, deep_general] = both(read);
  CHECK(deep_fast.find("nested deeper than 256") != std::string::npos);
  CHECK(deep_fast == deep_general);
}
