// MQTT decoding without a broker: Sparkplug B protobuf, collected messages,
// fail-closed payload errors, and the settings a URL or Source may hold. The
// broker itself is exercised by tests/cli/mqtt_*.sh against a real mosquitto.
#include "lib/live/formats/live_files.hpp"
#include "lib/live/sources.hpp"
#include "lib/live/mqtt/sparkplug.hpp"
#include "lib/live/mqtt/sparkplug_b.pb.h"
#include "lib/util/error.hpp"

#include <catch2/catch.hpp>

using namespace twinctl;
namespace pb = twinctl::sparkplug;

namespace {

model::Twin twin_of(std::initializer_list<std::pair<std::string, std::map<std::string, std::string>>> assets) {
  model::Twin t;
  t.id = "plant-a";
  for (const auto& [id, live] : assets) {
    model::Asset a;
    a.id = id;
    a.live = live;
    t.assets.push_back(a);
  }
  return t;
}

std::string encode(const pb::Payload& p) {
  std::string out;
  p.SerializeToString(&out);
  return out;
}

pb::Payload::Metric* add_metric(pb::Payload& p, const std::string& name, uint32_t type) {
  pb::Payload::Metric* m = p.add_metrics();
  m->set_name(name);
  m->set_datatype(type);
  m->set_timestamp(1746340001200);
  return m;
}

io::MqttMessage msg(std::string topic, std::string payload) { return {std::move(topic), std::move(payload), {}}; }

const model::Observation* by_ref(const model::LiveSnapshot& s, const std::string& ref) {
  for (const model::Observation& o : s.observations) {
    if (o.ref == ref) {
      return &o;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("live::decode_sparkplug", "[live]") {
  SECTION("scalar types, sign extension, properties and nulls") {
    pb::Payload p;
    p.set_timestamp(1746340001000);
    p.set_seq(3);
    add_metric(p, "Properties/FW", pb::String)->set_string_value("4.2.0");
    add_metric(p, "Temp", pb::Int16)->set_int_value(uint32_t(int16_t(-12)) & 0xffff);
    add_metric(p, "Big", pb::Int64)->set_long_value(uint64_t(int64_t(-5)));
    add_metric(p, "Ratio", pb::Float)->set_float_value(0.5f);
    add_metric(p, "On", pb::Boolean)->set_boolean_value(true);
    add_metric(p, "Gone", pb::Double)->set_is_null(true);
    pb::Payload::Metric* oil = add_metric(p, "Oil", pb::Double);
    oil->set_double_value(70.9);
    oil->mutable_properties()->add_keys("engUnit");
    pb::Payload::PropertyValue* unit = oil->mutable_properties()->add_values();
    unit->set_type(pb::String);
    unit->set_string_value("Cel");
    nlohmann::json j = live::decode_sparkplug(encode(p));
    CHECK(j["timestamp"] == 1746340001000);
    CHECK(j["seq"] == 3);
    CHECK(j["metrics"][0]["dataType"] == "String");
    CHECK(j["metrics"][0]["value"] == "4.2.0");
    CHECK(j["metrics"][1]["value"] == -12);
    CHECK(j["metrics"][2]["value"] == -5);
    CHECK(j["metrics"][3]["value"] == 0.5);
    CHECK(j["metrics"][4]["value"] == true);
    CHECK(j["metrics"][5]["is_null"] == true);
    CHECK_FALSE(j["metrics"][5].contains("value"));
    CHECK(j["metrics"][6]["properties"]["engUnit"]["value"] == "Cel");
  }
  SECTION("bytes that are not a Sparkplug payload") {
    CHECK_THROWS_WITH(live::decode_sparkplug("\x0a\xff\xff\xff\xff\x0f junk"),
                      Catch::Contains("not a Sparkplug B payload"));
  }
  SECTION("a string that is not UTF-8") {
    pb::Payload p;
    add_metric(p, "Name", pb::String)->set_string_value("\xff\xfe");
    CHECK_THROWS_WITH(live::decode_sparkplug(encode(p)), Catch::Contains("not UTF-8"));
  }
}

TEST_CASE("live::decode_base64", "[live]") {
  CHECK(live::decode_base64("aGVsbG8=") == std::optional<std::string>("hello"));
  CHECK(live::decode_base64("aGVsbG8") == std::optional<std::string>("hello"));
  CHECK_FALSE(live::decode_base64("a*b"));
}

TEST_CASE("live::read_mqtt_messages", "[live]") {
  model::Twin twin = twin_of({{"press-07", {}}, {"plc-l2-01", {{"sparkplug", "line2/edge-l2-1/plc-l2-01"}}}});
  live::AssetMatcher matcher(twin);
  live::MqttCollection c;
  c.source_name = "broker";
  c.endpoint = "mqtt://127.0.0.1:1883/plant/+/state";

  SECTION("plain JSON: device = the '+' level, later messages win, retained ones carry no time") {
    c.profile = "plain-json";
    c.filters = {"plant/+/state"};
    c.messages = {msg("plant/press-07/state", R"({"status":"idle","firmware":"4.2.0"})"),
                  msg("plant/press-07/state", R"({"status":"running","firmware":"4.2.0","temp":71.5})"),
                  msg("plant/rogue-1/state", R"({"status":"running"})"), msg("plant/cleared/state", "")};
    model::LiveSnapshot s = live::read_mqtt_messages(c, twin, matcher);
    REQUIRE(s.sources.size() == 1);
    CHECK(s.sources[0].ok);
    CHECK(s.sources[0].adapter == "plain-json");
    REQUIRE(s.observations.size() == 2);
    const model::Observation* press = by_ref(s, "plant/press-07");
    REQUIRE(press);
    CHECK(press->asset == "press-07");
    CHECK(press->fields.at("status") == "running");
    CHECK(press->metrics.at("temp").value == 71.5);
    CHECK(press->observed_at.empty());
    CHECK(by_ref(s, "plant/rogue-1")->asset.empty());
  }
  SECTION("a malformed JSON payload fails the whole source and names the topic") {
    c.profile = "plain-json";
    c.filters = {"plant/+/state"};
    c.messages = {msg("plant/press-07/state", R"({"status":"running"})"), msg("plant/bad/state", R"({"status":)")};
    model::LiveSnapshot s = live::read_mqtt_messages(c, twin, matcher);
    CHECK_FALSE(s.sources[0].ok);
    CHECK(s.sources[0].error == "topic 'plant/bad/state': malformed JSON payload");
    CHECK(s.observations.empty());
  }
  SECTION("a payload that is not UTF-8 fails the source") {
    c.messages = {msg("plant/x/state", "\xff\xfe")};
    model::LiveSnapshot s = live::read_mqtt_messages(c, twin, matcher);
    CHECK_FALSE(s.sources[0].ok);
    CHECK(s.sources[0].error == "topic 'plant/x/state': the payload is not UTF-8 text");
  }
  SECTION("Sparkplug protobuf: DBIRTH then NDEATH makes node and device offline") {
    c.profile = "sparkplug";
    c.filters = {"spBv1.0/#"};
    pb::Payload birth;
    birth.set_timestamp(1746340001200);
    add_metric(birth, "Properties/FW", pb::String)->set_string_value("2.1.0");
    add_metric(birth, "Status/State", pb::String)->set_string_value("running");
    pb::Payload nbirth;
    add_metric(nbirth, "bdSeq", pb::UInt64)->set_long_value(1);
    pb::Payload death;
    add_metric(death, "bdSeq", pb::UInt64)->set_long_value(1);
    c.messages = {msg("spBv1.0/line2/NBIRTH/edge-l2-1", encode(nbirth)),
                  msg("spBv1.0/line2/DBIRTH/edge-l2-1/plc-l2-01", encode(birth)), msg("spBv1.0/STATE/scada", "ONLINE")};
    model::LiveSnapshot s = live::read_mqtt_messages(c, twin, matcher);
    REQUIRE(s.sources[0].ok);
    const model::Observation* plc = by_ref(s, "line2/edge-l2-1/plc-l2-01");
    REQUIRE(plc);
    CHECK(plc->asset == "plc-l2-01");
    CHECK(plc->online == true);
    CHECK(plc->fields.at("firmware") == "2.1.0");
    CHECK(plc->fields.at("status") == "running");
    CHECK(plc->observed_at == "2025-05-04T06:26:41Z");
    CHECK(by_ref(s, "scada")->online == true);

    c.messages.push_back(msg("spBv1.0/line2/NDEATH/edge-l2-1", encode(death)));
    s = live::read_mqtt_messages(c, twin, matcher);
    CHECK(by_ref(s, "line2/edge-l2-1/plc-l2-01")->online == false);
    CHECK(by_ref(s, "line2/edge-l2-1")->online == false);
  }
  SECTION("messages mapped as they arrive give the snapshot of mapping them all at the end") {
    // With these filters no Home Assistant discovery can arrive, so the decoder maps each message
    // as it comes until the first Sparkplug one; a homeassistant/# filter that matches nothing
    // here makes it keep every message for the end instead. Both must agree, in every field.
    pb::Payload ddata;
    ddata.set_timestamp(1746340001200);
    add_metric(ddata, "Status/State", pb::String)->set_string_value("fault");
    c.profile = "";
    c.messages = {msg("plant/press-07/state", R"({"status":"idle","firmware":"4.2.0","temp":70})"),
                  msg("tele/press-07/STATE", R"({"POWER":"ON","Wifi":{"RSSI":60}})"),
                  msg("plant/rogue-1/state", R"({"status":"running","observed_at":"2026-05-04T09:41:07Z"})"),
                  msg("spBv1.0/line2/DDATA/edge-l2-1/plc-l2-01", encode(ddata)),
                  msg("plant/press-07/state", R"({"status":"running","temp":71.5})"),
                  msg("plant/plc-l2-01/state", R"({"status":"running"})")};
    c.filters = {"plant/+/state", "tele/+/STATE", "spBv1.0/#"};
    model::LiveSnapshot streamed = live::read_mqtt_messages(c, twin, matcher);
    c.filters.push_back("homeassistant/#");
    model::LiveSnapshot kept = live::read_mqtt_messages(c, twin, matcher);
    REQUIRE(streamed.sources[0].ok);
    REQUIRE(kept.sources[0].ok);
    CHECK(streamed.sources[0].adapter == kept.sources[0].adapter);
    REQUIRE(streamed.observations.size() == kept.observations.size());
    for (size_t i = 0; i < kept.observations.size(); ++i) {
      const model::Observation& a = streamed.observations[i];
      const model::Observation& b = kept.observations[i];
      INFO(b.ref);
      CHECK(a.asset == b.asset);
      CHECK(a.ref == b.ref);
      CHECK(a.online == b.online);
      CHECK(a.observed_at == b.observed_at);
      CHECK(a.fields == b.fields);
      CHECK(a.desired == b.desired);
      REQUIRE(a.metrics.size() == b.metrics.size());
      for (const auto& [name, m] : b.metrics) {
        CHECK(a.metrics.at(name).value == m.value);
        CHECK(a.metrics.at(name).ts == m.ts);
      }
    }
    const model::Observation* press = by_ref(streamed, "plant/press-07");
    REQUIRE(press);
    CHECK(press->fields.at("status") == "running"); // the later message wins
    CHECK(press->metrics.at("temp").value == 71.5);
  }
  SECTION("a Sparkplug payload that is not protobuf fails the source") {
    c.profile = "sparkplug";
    c.messages = {msg("spBv1.0/line2/DDATA/edge-l2-1/plc-l2-01", "{\"not\": \"protobuf\"}")};
    model::LiveSnapshot s = live::read_mqtt_messages(c, twin, matcher);
    CHECK_FALSE(s.sources[0].ok);
    CHECK(s.sources[0].error ==
          "topic 'spBv1.0/line2/DDATA/edge-l2-1/plc-l2-01', at /payload: not a Sparkplug B payload (the protobuf "
          "does not parse)");
  }
}

TEST_CASE("live::read_live mqtt settings", "[live]") {
  model::Twin twin;
  live::AssetMatcher matcher(twin);
  live::LiveOptions o;
  // Each of these is the user's mistake: exit 2 before any connection is tried.
  CHECK_THROWS_WITH(live::read_live("mqtt://127.0.0.1:1/a?profile=ditto", twin, matcher, o),
                    Catch::Contains("unknown MQTT profile 'ditto'"));
  CHECK_THROWS_WITH(live::read_live("mqtt://127.0.0.1:1/a?settle=1", twin, matcher, o),
                    Catch::Contains("unknown MQTT option 'settle'"));
  CHECK_THROWS_WITH(live::read_live("mqtt://127.0.0.1:1/a?settle_seconds=-1", twin, matcher, o),
                    Catch::Contains("settle_seconds must be a number of seconds > 0"));
  CHECK_THROWS_WITH(live::read_live("mqtt://127.0.0.1:1/a/#/b", twin, matcher, o),
                    Catch::Contains("invalid MQTT topic filter 'a/#/b'"));
  CHECK_THROWS_WITH(live::read_live("mqtt://127.0.0.1:1/a?qos=3", twin, matcher, o),
                    Catch::Contains("qos must be 0, 1 or 2"));
  // An HTTP adapter on the command line is for the HTTP sources of the run; nothing listens on port 1.
  o.adapter = "ditto";
  model::LiveSnapshot down = live::read_live("mqtt://127.0.0.1:1/a", twin, matcher, o);
  REQUIRE(down.sources.size() == 1);
  CHECK_FALSE(down.sources[0].ok);
  CHECK(down.sources[0].adapter == "mqtt");
  CHECK_THAT(down.sources[0].error, Catch::Contains("127.0.0.1:1: ") && Catch::Contains("refused"));
  CHECK(down.observations.empty());
  o.adapter.clear();
  o.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(live::read_live("mqtt://127.0.0.1:1/a", twin, matcher, o), Catch::Contains("need an mqtts:// URL"));
  CHECK_THROWS_WITH(live::read_live("mqtts://127.0.0.1:1/a", twin, matcher, o),
                    Catch::Contains("CA file '/nonexistent/ca.pem' is not a readable file"));
}
