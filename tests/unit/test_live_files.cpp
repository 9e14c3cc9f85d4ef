#include "lib/live/formats/live_files.hpp"
#include "lib/live/match.hpp"
#include "lib/live/snapshot_writer.hpp"
#include "lib/util/error.hpp"
#include "tests/unit/helpers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace twinctl;

namespace {

// tests/data/live-formats: our documents in the shapes of each source. Missing = a failure, never a skip.
std::string formats_dir() {
  const char* env = std::getenv("TWINCTL_SOURCE_DIR");
  std::string root = env && *env ? env : TWINCTL_SOURCE_DIR;
  std::string dir = root + "/tests/data/live-formats";
  INFO("looking for the example live formats in " << dir);
  REQUIRE(std::filesystem::is_directory(dir));
  return dir;
}

std::string format_file(const std::string& name) {
  std::string path = formats_dir() + "/" + name;
  INFO("missing live-format example " << path);
  REQUIRE(std::filesystem::is_regular_file(path));
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::Asset asset(const std::string& id, std::map<std::string, std::string> live = {}) {
  model::Asset a;
  a.id = id;
  a.live = std::move(live);
  return a;
}

// The scenario of tests/data/live-formats/README.md: press-07 and plc-l2-01.
model::Twin scenario_twin() {
  model::Twin t;
  t.id = "plant-a";
  t.assets = {asset("plc-l2-01"), asset("press-07")};
  return t;
}

const model::Observation* by_asset(const model::LiveSnapshot& s, const std::string& id) {
  for (const model::Observation& o : s.observations) {
    if (o.asset == id) {
      return &o;
    }
  }
  return nullptr;
}

const model::Observation* by_ref(const model::LiveSnapshot& s, const std::string& ref) {
  for (const model::Observation& o : s.observations) {
    if (o.ref == ref) {
      return &o;
    }
  }
  return nullptr;
}

std::string field(const model::Observation* o, const std::string& name) {
  REQUIRE(o != nullptr);
  auto it = o->fields.find(name);
  return it == o->fields.end() ? std::string("<absent>") : it->second;
}

// The error message of reading `path`; FAILs when reading succeeds.
std::string read_error(const std::string& path, const model::Twin& twin, const std::string& hint = "") {
  try {
    live::read_live_file(path, twin, hint);
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no error reading " << path);
  return "";
}

bool same(const model::LiveSnapshot& a, const model::LiveSnapshot& b) {
  if (a.taken_at != b.taken_at || a.sources.size() != b.sources.size() ||
      a.observations.size() != b.observations.size()) {
    return false;
  }
  for (size_t i = 0; i < a.sources.size(); ++i) {
    const auto& x = a.sources[i];
    const auto& y = b.sources[i];
    if (x.name != y.name || x.adapter != y.adapter || x.endpoint != y.endpoint || x.ok != y.ok || x.items != y.items ||
        x.error != y.error) {
      return false;
    }
  }
  for (size_t i = 0; i < a.observations.size(); ++i) {
    const auto& x = a.observations[i];
    const auto& y = b.observations[i];
    if (x.asset != y.asset || x.source != y.source || x.ref != y.ref || x.observed_at != y.observed_at ||
        x.online != y.online || x.fields != y.fields || x.desired != y.desired ||
        x.metrics.size() != y.metrics.size()) {
      return false;
    }
    for (const auto& [name, m] : x.metrics) {
      auto it = y.metrics.find(name);
      if (it == y.metrics.end() || it->second.value != m.value || it->second.unit != m.unit || it->second.ts != m.ts) {
        return false;
      }
    }
  }
  return true;
}

std::string written(const model::LiveSnapshot& s) {
  std::ostringstream out;
  live::write_snapshot(out, s);
  return out.str();
}

} // namespace

TEST_CASE("live::read_live_file", "[live]") {
  const model::Twin twin = scenario_twin();

  SECTION("Ditto search page") {
    std::string path = format_file("ditto-search-things-page.json");
    model::LiveSnapshot s = live::read_live_file(path, twin, "ditto-main");
    REQUIRE(s.sources.size() == 1);
    CHECK(s.sources[0].name == "ditto-main");
    CHECK(s.sources[0].adapter == "ditto");
    CHECK(s.sources[0].ok);
    CHECK(s.sources[0].items == 2);
    CHECK(s.sources[0].endpoint == path);
    REQUIRE(s.observations.size() == 2);
    const model::Observation* press = by_asset(s, "press-07");
    REQUIRE(press);
    CHECK(press->source == "ditto-main");
    CHECK(press->ref == "plant.a.line2:press-07");
    CHECK(press->observed_at == "2025-05-04T09:41:07Z");
    CHECK(field(press, "firmware") == "4.2.0");
    CHECK(field(press, "status") == "running");
    CHECK(field(press, "ip") == "10.20.3.17");
    CHECK(field(press, "zone") == "cell-2-control");
    CHECK(field(press, "config_checksum") == "sha256:9d92c8e7c3e39f6dcd2c1f9f3ae3ce23613ff91a6e428897dbd79819874b37df");
    CHECK(press->desired.at("firmware") == "4.2.1");
    REQUIRE(press->metrics.count("oilTemperature"));
    CHECK(press->metrics.at("oilTemperature").value == Approx(71.3));
    CHECK(press->metrics.at("oilTemperature").unit == "Cel");
    CHECK_FALSE(press->online.has_value());
    const model::Observation* plc = by_asset(s, "plc-l2-01");
    CHECK(field(plc, "status") == "offline");
    CHECK(field(plc, "firmware") == "V3.1.7");
    CHECK(plc->observed_at == "2025-05-04T08:55:02Z");
  }

  SECTION("Ditto page without a hint is named after the file") {
    model::LiveSnapshot s = live::read_live_file(format_file("ditto-search-things-page.json"), twin);
    CHECK(s.sources[0].name == "ditto-search-things-page");
    CHECK(s.observations[0].source == "ditto-search-things-page");
  }

  SECTION("AWS shadow: a bare document takes its thing name from the file name") {
    test::TempDir dir;
    std::string doc = slurp(format_file("aws-shadow-get-accepted.json"));
    dir.write("press-07.json", doc);
    model::LiveSnapshot s = live::read_live_file(dir / "press-07.json", twin, "shadows");
    REQUIRE(s.observations.size() == 1);
    const model::Observation& o = s.observations[0];
    CHECK(s.sources[0].adapter == "aws-shadow");
    CHECK(o.asset == "press-07");
    CHECK(o.ref == "press-07");
    CHECK(o.source == "shadows");
    CHECK(field(&o, "firmware") == "4.2.0");
    CHECK(field(&o, "status") == "running");
    CHECK(field(&o, "config_checksum") == "sha256:9d92c8e7c3e39f6dcd2c1f9f3ae3ce23613ff91a6e428897dbd79819874b37df");
    CHECK(o.observed_at == "2025-05-04T09:41:07Z"); // latest metadata.reported timestamp
    CHECK(o.desired.at("firmware") == "4.2.1");
    CHECK(o.desired.size() == 1);
    REQUIRE(o.metrics.count("telemetryIntervalSec"));
    CHECK(o.metrics.at("telemetryIntervalSec").ts == "2025-05-04T06:26:40Z");
  }

  SECTION("AWS shadow: the example file as is is an unmanaged thing") {
    model::LiveSnapshot s = live::read_live_file(format_file("aws-shadow-get-accepted.json"), twin);
    REQUIRE(s.observations.size() == 1);
    CHECK(s.observations[0].asset.empty());
    CHECK(s.observations[0].ref == "aws-shadow-get-accepted");
  }

  SECTION("AWS shadow envelopes: {things:[...]}, a list and {thingName, state}") {
    test::TempDir dir;
    std::string doc = slurp(format_file("aws-shadow-get-accepted.json"));
    dir.write("things.json", "{\"things\": [{\"thingName\": \"press-07\", \"shadow\": " + doc +
                                 "}, {\"thingName\": \"plc-l2-01\", \"shadow\": {\"state\": {\"reported\": "
                                 "{\"firmware\": \"V3.1.7\", \"connected\": false}}}}]}");
    dir.write("list.json", "[{\"thingName\": \"press-07\", \"shadow\": " + doc + "}]");
    dir.write("inline.json", "{\"thingName\": \"press-07\", \"state\": {\"reported\": {\"firmware\": \"4.2.0\"}}}");
    model::LiveSnapshot s = live::read_live_file(dir / "things.json", twin);
    CHECK(field(by_asset(s, "press-07"), "firmware") == "4.2.0");
    CHECK(field(by_asset(s, "plc-l2-01"), "firmware") == "V3.1.7");
    CHECK(by_asset(s, "plc-l2-01")->online == false);
    CHECK(field(by_asset(live::read_live_file(dir / "list.json", twin), "press-07"), "ip") == "10.20.3.17");
    CHECK(field(by_asset(live::read_live_file(dir / "inline.json", twin), "press-07"), "firmware") == "4.2.0");
  }

  SECTION("Azure IoT Hub twin query page") {
    model::LiveSnapshot s = live::read_live_file(format_file("azure-iothub-twin-query-page.json"), twin, "hub");
    CHECK(s.sources[0].adapter == "azure-twin");
    REQUIRE(s.observations.size() == 2);
    const model::Observation* press = by_asset(s, "press-07");
    CHECK(press->ref == "press-07");
    CHECK(press->online == true);
    CHECK(field(press, "firmware") == "4.2.0");
    CHECK(field(press, "ip") == "10.20.3.17");
    CHECK(field(press, "status") == "running");
    CHECK(field(press, "zone") == "cell-2-control");
    CHECK(field(press, "config_checksum").rfind("sha256:9d92", 0) == 0);
    CHECK(press->observed_at == "2025-05-04T09:41:07Z");
    CHECK(press->desired.at("firmware") == "4.2.1");
    const model::Observation* plc = by_asset(s, "plc-l2-01");
    CHECK(plc->online == false);
    CHECK(field(plc, "firmware") == "V3.1.7");
    CHECK(plc->observed_at == "2025-05-04T08:54:10Z");
    CHECK(plc->desired.empty());
  }

  SECTION("Azure page wrapped in {value: [...]}") {
    test::TempDir dir;
    dir.write("page.json", "{\"value\": " + slurp(format_file("azure-iothub-twin-query-page.json")) + "}");
    model::LiveSnapshot s = live::read_live_file(dir / "page.json", twin);
    CHECK(s.observations.size() == 2);
    CHECK(by_asset(s, "plc-l2-01")->online == false);

    // Two topics that would be one asset: an error naming both, at the file.
    dir.write("clash.json", R"({"format": "twinctl-mqtt-capture/v1", "messages": [
      {"topic": "plant/line1/plc-l2-01/state", "payload": {"status": "running"}},
      {"topic": "plant/line2/plc-l2-01/state", "payload": {"status": "fault"}}]})");
    CHECK_THROWS_WITH(live::read_live_file(dir / "clash.json", twin, "broker"),
                      Catch::Contains("clash.json:") && Catch::Contains("'plant/line1/plc-l2-01/state'") &&
                          Catch::Contains("'plant/line2/plc-l2-01/state'") && Catch::Contains("asset 'plc-l2-01'"));
  }

  SECTION("Sparkplug B session capture") {
    model::LiveSnapshot s = live::read_live_file(format_file("sparkplug-session-capture.json"), twin, "spb");
    CHECK(s.sources[0].adapter == "sparkplug");
    const model::Observation* press = by_asset(s, "press-07");
    REQUIRE(press);
    CHECK(press->ref == "line2/edge-l2-1/press-07");
    CHECK(press->online == true);
    CHECK(field(press, "firmware") == "4.2.0");
    CHECK(field(press, "status") == "running");
    CHECK(press->observed_at == "2025-05-04T09:41:07Z");
    REQUIRE(press->metrics.count("Hydraulics/OilTemp")); // DDATA by alias, named by the DBIRTH
    CHECK(press->metrics.at("Hydraulics/OilTemp").value == Approx(71.3));
    CHECK(press->metrics.at("Hydraulics/OilTemp").ts == "2025-05-04T09:41:07Z");
    CHECK(press->metrics.at("Counters/Produced").value == 1412);
    CHECK(press->metrics.count("Properties/FW") == 0);
    const model::Observation* plc = by_asset(s, "plc-l2-01");
    REQUIRE(plc);
    CHECK(plc->online == false); // DDEATH after DBIRTH
    CHECK(field(plc, "firmware") == "V3.1.7");
    const model::Observation* node = by_ref(s, "line2/edge-l2-1");
    REQUIRE(node);
    CHECK(node->asset.empty());
    CHECK(node->online == true);
    CHECK(field(node, "firmware") == "2.8.1");
    CHECK(by_ref(s, "line2/edge-l2-9")->online == false);
    CHECK(by_ref(s, "scada-primary")->online == true);
  }

  SECTION("MQTT retained snapshot") {
    model::LiveSnapshot s = live::read_live_file(format_file("mqtt-retained-snapshot.json"), twin, "broker");
    CHECK(s.sources[0].adapter == "mqtt-capture");
    const model::Observation* press = by_asset(s, "press-07");
    REQUIRE(press);
    CHECK(press->online == true);
    CHECK(field(press, "firmware") == "4.2.0");
    CHECK(field(press, "status") == "running");
    CHECK(field(press, "ip") == "10.20.3.17");
    CHECK(field(press, "config_checksum").rfind("sha256:9d92", 0) == 0);
    CHECK(press->observed_at == "2025-05-04T09:41:07Z");
    REQUIRE(press->metrics.count("oilTemp"));
    CHECK(press->metrics.at("oilTemp").value == Approx(71.3));
    CHECK(press->metrics.at("oilTemp").unit == "°C"); // from the Home Assistant discovery config
    const model::Observation* beacon = by_ref(s, "press07-beacon");
    REQUIRE(beacon);
    CHECK(beacon->asset.empty());
    CHECK(beacon->online == true);
    CHECK(beacon->metrics.at("DS18B20/Temperature").unit == "Cel");
    CHECK(beacon->observed_at == "2025-05-04T09:40:00Z");
    const model::Observation* shelly = by_ref(s, "shellypro1pm-cell3-pump");
    REQUIRE(shelly);
    CHECK(shelly->online == true);
    CHECK(shelly->metrics.at("switch:0/apower").unit == "W");
    const model::Observation* homie = by_ref(s, "conveyor-l2-gw");
    REQUIRE(homie);
    CHECK(homie->online == false);
    CHECK(s.sources[0].items == s.observations.size());
    CHECK(s.observations.size() == 4);
  }

  SECTION("an AAS nameplate is not live state") {
    std::string msg = read_error(format_file("aas-nameplate-submodel.json"), twin);
    CHECK_THAT(msg, Catch::Contains("aas-nameplate-submodel.json:1:1: an Asset Administration Shell"));
  }

  SECTION("every example format is covered") {
    for (const auto& entry : std::filesystem::directory_iterator(formats_dir())) {
      std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".json" || name == "aas-nameplate-submodel.json") {
        continue;
      }
      INFO(name);
      CHECK_FALSE(live::read_live_file(entry.path().string(), twin).observations.empty());
    }
  }
}

TEST_CASE("live::read_live_file matching", "[live]") {
  test::TempDir dir;

  SECTION("a live binding beats id matching; unmatched devices are kept without an asset") {
    model::Twin twin;
    twin.assets = {asset("hp-7"), asset("press-07", {{"ditto", "plant.a:hp-7"}}), asset("plc-l2-01")};
    dir.write("page.json", R"({"items": [
      {"thingId": "plant.a:hp-7", "features": {"firmware": {"properties": {"version": "1.0"}}}},
      {"thingId": "plant.a:plc-l2-01"},
      {"thingId": "plant.a:rogue-1", "attributes": {"network": {"ip": "10.9.9.9"}}}]})");
    model::LiveSnapshot s = live::read_live_file(dir / "page.json", twin);
    REQUIRE(s.observations.size() == 3);
    CHECK(s.observations[0].asset == "press-07");
    CHECK(s.observations[1].asset == "plc-l2-01");
    CHECK(s.observations[2].asset.empty());
    CHECK(s.observations[2].ref == "plant.a:rogue-1");
    CHECK(field(&s.observations[2], "ip") == "10.9.9.9");
    CHECK(by_asset(s, "hp-7") == nullptr);
  }

  SECTION("MQTT: bindings, then the topic through the filter's last '+', then topic levels") {
    model::Twin twin;
    twin.assets = {asset("press-07", {{"mqtt", "factory/p7/#"}}), asset("plc-l2-01"), asset("line2")};
    model::Source src;
    src.id = "broker";
    src.adapter = "plain-json";
    src.topics = {"plant/+/+/state"};
    twin.sources = {src};
    dir.write("capture.json", R"({"format": "twinctl-mqtt-capture/v1", "messages": [
      {"topic": "factory/p7/state", "payload_encoding": "json", "payload": {"fw": "4.2.0", "temp": 3}},
      {"topic": "plant/line2/plc-l2-01/state", "payload": {"status": "running"}},
      {"topic": "plant/line2/nobody-9/state", "payload": {"status": "idle"}},
      {"topic": "plant/line2/plc-l2-01/online", "payload": "false"}]})");
    model::LiveSnapshot s = live::read_live_file(dir / "capture.json", twin, "broker");
    CHECK(s.sources[0].adapter == "plain-json");
    CHECK(field(by_asset(s, "press-07"), "firmware") == "4.2.0");
    CHECK(by_asset(s, "press-07")->ref == "factory/p7");
    CHECK(by_asset(s, "press-07")->metrics.at("temp").value == 3);
    // Both '+' levels name the device: a line asset does not swallow the devices on it.
    CHECK(by_asset(s, "line2") == nullptr);
    CHECK(field(by_ref(s, "plant/line2/nobody-9"), "status") == "idle");
    CHECK(by_ref(s, "plant/line2/nobody-9")->asset.empty());
    // .../online matches no filter: the deepest level that is an asset id, the same device.
    CHECK(by_asset(s, "plc-l2-01")->ref == "plant/line2/plc-l2-01");
    CHECK(field(by_asset(s, "plc-l2-01"), "status") == "running");
    CHECK(by_asset(s, "plc-l2-01")->online == false);
  }

  SECTION("a Source mapping overrides the default pointers") {
    model::Twin twin = scenario_twin();
    model::Source src;
    src.id = "ditto-custom";
    src.adapter = "ditto";
    src.mapping = {{"firmware", "/attributes/fw"}, {"zone", ""}};
    twin.sources = {src};
    dir.write("page.json", R"({"items": [{"thingId": "x:press-07", "attributes": {"fw": "9.9", "securityZone": "z"},
      "features": {"firmware": {"properties": {"version": "4.2.0"}}}}]})");
    model::LiveSnapshot s = live::read_live_file(dir / "page.json", twin, "ditto-custom");
    CHECK(field(by_asset(s, "press-07"), "firmware") == "9.9");
    CHECK(field(by_asset(s, "press-07"), "zone") == "<absent>");

    twin.sources[0].mapping = {{"firmwre", "/x"}};
    CHECK_THROWS_WITH(live::read_live_file(dir / "page.json", twin, "ditto-custom"),
                      Catch::Contains("unknown mapping key 'firmwre'"));
    twin.sources[0].mapping = {};
    twin.sources[0].adapter = "azure-twin";
    CHECK_THROWS_WITH(live::read_live_file(dir / "page.json", twin, "ditto-custom"),
                      Catch::Contains("has adapter 'azure-twin', but this file is a Ditto search page"));
  }

  SECTION("numbers become text without noise") {
    dir.write("shadow.json", R"({"thingName": "t", "state": {"reported": {"firmware": 4.0, "status": 2,
      "ip": 1e2, "zone": true}}})");
    model::LiveSnapshot s = live::read_live_file(dir / "shadow.json", scenario_twin());
    CHECK(field(&s.observations[0], "firmware") == "4");
    CHECK(field(&s.observations[0], "status") == "2");
    CHECK(field(&s.observations[0], "ip") == "100");
    CHECK(field(&s.observations[0], "zone") == "true");
  }
}

TEST_CASE("live::AssetMatcher", "[live]") {
  model::Twin twin;
  twin.assets = {asset("a-1", {{"aws", "thing-a"}, {"azure", "dev-a"}, {"sparkplug", "g/n/d"}}),
                 asset("b-2", {{"mqtt", "x/y/state"}}), asset("c-3")};
  live::AssetMatcher m(twin);
  CHECK(m.match_aws("thing-a") == "a-1");
  CHECK(m.match_aws("c-3") == "c-3");
  CHECK(m.match_aws("zzz").empty());
  CHECK(m.match_azure("dev-a") == "a-1");
  CHECK(m.match_sparkplug("g/n/d") == "a-1");
  CHECK(m.match_sparkplug("g/n/c-3") == "c-3");
  CHECK(m.match_ditto("ns:c-3") == "c-3");
  CHECK(m.match_ditto("c-3") == "c-3");
  CHECK(m.match_topic("x/y/state", {}).asset == "b-2");
  CHECK(m.match_topic("x/c-3/b-2/z", {}).asset == "b-2"); // the deepest level
  CHECK(m.match_topic("x/c-3/q", {"x/+/q"}).ref == "x/c-3");
  CHECK(m.match_topic("nothing/here", {}).asset.empty());
  // Every '+' level names the device; the last one is the asset.
  live::TopicMatch two = m.match_topic("site/c-3/a-1/state", {"site/+/+/state"});
  CHECK(two.asset == "a-1");
  CHECK(two.ref == "site/c-3/a-1");
  CHECK(two.identity == "site/c-3/a-1");
  // A device template names the device by topic levels; the identity stays the wildcard levels.
  live::DeviceTemplate tpl("{3}");
  live::TopicMatch named = m.match_topic("site/line-9/c-3/state", {"site/+/+/state"}, tpl);
  CHECK(named.asset == "c-3");
  CHECK(named.ref == "c-3");
  CHECK(named.identity == "site/line-9/c-3");
  CHECK(m.match_topic("site/l/x/state", {"site/+/+/state"}, live::DeviceTemplate("dev-{2}.{3}")).ref == "dev-l.x");
  CHECK_THROWS_WITH(m.match_topic("site/x", {}, tpl), Catch::Contains("fewer levels"));
  CHECK_THROWS_WITH(live::DeviceTemplate("line"), Catch::Contains("no topic level"));
  CHECK_THROWS_WITH(live::DeviceTemplate("{0}"), Catch::Contains("not a level from 1 to 64"));
  CHECK_THROWS_WITH(live::DeviceTemplate("{2"), Catch::Contains("unclosed"));

  size_t level = 0;
  CHECK(live::topic_matches("a/+/c/#", "a/b/c", &level));
  CHECK(level == 1);
  CHECK(live::topic_matches("a/+/+/#", "a/b/c", &level));
  CHECK(level == 2); // the last '+'
  CHECK(live::topic_matches("a/#", "a"));
  CHECK_FALSE(live::topic_matches("a/+", "a/b/c"));
  CHECK_FALSE(live::topic_matches("+/x", "$SYS/x"));
}

TEST_CASE("live::write_snapshot", "[live]") {
  model::LiveSnapshot x;
  x.taken_at = "2026-05-04T09:42:00Z";
  x.sources = {{"a-src", "ditto", "http://ditto.example", true, 2, ""},
               {"b-src", "aws-shadow", "", false, 0, "connection refused"}};
  model::Observation o1;
  o1.asset = "plc-l2-01";
  o1.source = "a-src";
  o1.ref = "plant.a:plc-l2-01";
  o1.online = false;
  o1.fields = {{"status", "offline"}};
  model::Observation o2;
  o2.asset = "press-07";
  o2.source = "a-src";
  o2.ref = "plant.a:press-07";
  o2.observed_at = "2026-05-04T09:41:07Z";
  o2.online = true;
  o2.fields = {{"firmware", "4.2.0"}, {"ip", "10.20.3.17"}, {"zone", "cell-2-control"}};
  o2.metrics = {{"oil-temp", {71.3, "Cel", "2026-05-04T09:41:07Z"}}, {"count", {1412, "", ""}}};
  model::Observation u;
  u.source = "a-src";
  u.ref = "plant.a:rogue";
  u.fields = {{"ip", "10.9.9.9"}};
  x.observations = {u, o1, o2}; // sorted: asset, source, ref

  test::TempDir dir;

  SECTION("read(write(x)) == x, failed sources included") {
    dir.write("snap.json", written(x));
    model::LiveSnapshot y = live::read_live_file(dir / "snap.json", scenario_twin(), "ignored");
    CHECK(same(x, y));
    CHECK(written(y) == written(x));
  }

  SECTION("deterministic whatever the input order") {
    model::LiveSnapshot shuffled = x;
    std::reverse(shuffled.sources.begin(), shuffled.sources.end());
    std::reverse(shuffled.observations.begin(), shuffled.observations.end());
    CHECK(written(shuffled) == written(x));
    std::string out = written(x);
    CHECK(out.find("\"count\": {\n          \"value\": 1412\n") != std::string::npos); // no 1412.0
    CHECK(out.find("\"error\": null") != std::string::npos);
    CHECK(out.find("\"unmatched\"") != std::string::npos);
    CHECK(out.back() == '\n');
  }

  SECTION("a snapshot of an example format round-trips") {
    model::LiveSnapshot s = live::read_live_file(format_file("ditto-search-things-page.json"), scenario_twin());
    s.taken_at = "2025-05-04T09:42:00Z";
    for (model::Observation& o : s.observations) {
      o.desired.clear(); // not in twinctl-live/v1
    }
    dir.write("snap.json", written(s));
    model::LiveSnapshot y = live::read_live_file(dir / "snap.json", scenario_twin());
    std::sort(s.observations.begin(), s.observations.end(),
              [](const auto& a, const auto& b) { return a.asset < b.asset; });
    CHECK(same(s, y));
  }

  SECTION("taken_at is required") {
    x.taken_at.clear();
    CHECK_THROWS_AS(written(x), Error);
  }
}

TEST_CASE("live::read_live_file bad input", "[live]") {
  test::TempDir dir;
  const model::Twin twin = scenario_twin();
  const std::regex located(".*\\.json:[0-9]+:[0-9]+: .+");

  struct Case {
    const char* name;
    std::string content;
    const char* where; // ":line:column: " expected, or "" to check only the shape
    const char* says;
  };
  std::string deep = "{\"items\": " + std::string(300, '[') + std::string(300, ']') + "}";
  const Case cases[] = {
      {"truncated", "{\"items\": [\n  {\"thingId\": \"a:b\"", ":2:20: ", "invalid JSON"},
      {"bad-token", "{\"items\": [}\n", ":1:12: ", "invalid JSON"},
      {"empty", "", ":1:1: ", "invalid JSON"},
      {"items-not-array", "{\n  \"items\": \"nope\"\n}", ":2:12: ", "'items' must be an array, not a string"},
      {"v1-no-observations",
       "{\"format\": \"twinctl-live/v1\",\n \"taken_at\": \"2026-01-01T00:00:00Z\", \"sources\": []}",
       ":1:1: ", "missing 'observations'"},
      {"v1-wrong-type",
       "{\"format\": \"twinctl-live/v1\", \"taken_at\": \"2026-01-01T00:00:00Z\", \"observations\": [],\n"
       " \"sources\": [{\"name\": \"s\", \"adapter\": \"ditto\", \"ok\": \"yes\", \"items\": 0, \"error\": null}]}",
       ":2:54: ", "'ok' must be a boolean, not a string"},
      {"v1-bad-time",
       "{\"format\": \"twinctl-live/v1\", \"taken_at\": \"yesterday\", \"sources\": [], \"observations\": []}",
       ":1:43: ", "not an RFC 3339 timestamp"},
      {"unknown-format", "{\"format\": \"acme/v9\"}", ":1:12: ", "unknown format 'acme/v9'"},
      {"unknown-shape", "{\"hello\": 1}", ":1:1: ", "unknown live-state format"},
      {"scalar-root", "42", ":1:1: ", "unknown live-state format"},
      {"too-deep", deep, ":1:266: ", "nested deeper than 256"},
      {"number-overflow", "{\"items\": [{\"thingId\": \"a\", \"_revision\": 1e999}]}", "", "invalid JSON"},
      {"non-utf8", "{\"items\": [{\"thingId\": \"\xff\xfe\"}]}", ":1:25: ", "invalid JSON"},
      {"thing-not-object", "{\"items\": [\"press-07\"]}", ":1:12: ", "unknown device entry"},
      {"missing-thingId", "{\"items\": [{\"thingId\": \"a:b\"}, {\"attributes\": {}}]}",
       ":1:32: ", "missing 'thingId'"},
      {"azure-no-deviceId", "[{\"deviceId\": \"x\"}, {\"deviceId\": 7}]", ":1:34: ", "'deviceId' must be a string"},
      {"shadow-state-type", "{\"thingName\": \"t\", \"state\": []}", ":1:29: ", "'state' must be an object"},
      {"capture-bad-encoding",
       "{\"format\": \"twinctl-mqtt-capture/v1\", \"messages\": [{\"topic\": \"a\", \"payload_encoding\": \"rot13\", "
       "\"payload\": \"x\"}]}",
       ":1:87: ", "unsupported payload_encoding 'rot13'"},
      {"capture-sparkplug-payload", "{\"messages\": [{\"topic\": \"spBv1.0/g/DDATA/n/d\", \"payload\": \"x\"}]}",
       ":1:59: ", "a Sparkplug payload must be an object"},
  };
  for (const Case& c : cases) {
    std::string name = std::string(c.name) + ".json";
    dir.write(name, c.content);
    INFO(c.name);
    std::string msg = read_error(dir / name, twin);
    INFO(msg);
    CHECK(std::regex_match(msg, located));
    CHECK(msg.rfind(dir / name, 0) == 0);
    CHECK_THAT(msg, Catch::Contains(c.where) && Catch::Contains(c.says));
  }

  SECTION("a missing file") { CHECK_THROWS_AS(live::read_live_file(dir / "nope.json", twin), Error); }

  SECTION("deep nesting inside a utf8 payload is text, not a crash") {
    dir.write("deep-payload.json",
              "{\"messages\": [{\"topic\": \"a/b\", \"payload\": \"" + std::string(100000, '[') + "\"}]}");
    CHECK(live::read_live_file(dir / "deep-payload.json", twin).observations.size() == 1);
  }

  SECTION("a huge flat document is fine") {
    std::string big = "{\"items\": [";
    for (int i = 0; i < 20000; ++i) {
      big += (i ? "," : "") + std::string("{\"thingId\": \"ns:dev-") + std::to_string(i) + "\"}";
    }
    dir.write("big.json", big + "]}");
    CHECK(live::read_live_file(dir / "big.json", twin).observations.size() == 20000);
  }
}
