#include <catch2/catch.hpp>

#include "lib/drift/drift.hpp"
#include "lib/util/time.hpp"

#include <algorithm>

using namespace twinctl;

namespace {

model::Asset asset(const std::string& id, std::map<std::string, std::string> expected) {
  model::Asset a;
  a.id = id;
  a.name = id;
  a.asset_class = "plc";
  a.loc = {"assets/" + id + ".yaml", 3, 1};
  int line = 6;
  for (auto& [k, v] : expected) {
    a.expected[k] = {v, {a.loc.path, line++, 3}};
  }
  return a;
}

model::Twin twin_of(std::vector<model::Asset> assets) {
  model::Twin t;
  t.id = "plant-t";
  t.loc = {"twin.yaml", 1, 1};
  std::sort(assets.begin(), assets.end(), [](auto& a, auto& b) { return a.id < b.id; });
  t.assets = std::move(assets);
  return t;
}

model::Observation obs(const std::string& asset, std::map<std::string, std::string> fields,
                       const std::string& source = "ditto-main", const std::string& at = "2026-05-04T09:41:07Z") {
  model::Observation o;
  o.asset = asset;
  o.ref = asset;
  o.source = source;
  o.observed_at = at;
  o.fields = std::move(fields);
  return o;
}

model::LiveSnapshot snapshot(std::vector<model::Observation> observations,
                             std::vector<model::LiveSource> sources = {{"ditto-main", "ditto", "", true, 0, ""}}) {
  model::LiveSnapshot s;
  s.taken_at = "2026-05-04T09:42:00Z";
  s.sources = std::move(sources);
  s.observations = std::move(observations);
  return s;
}

const model::Finding* find(const drift::DriftResult& r, const std::string& rule, const std::string& asset) {
  for (const auto& f : r.findings) {
    if (f.rule == rule && f.asset == asset) {
      return &f;
    }
  }
  return nullptr;
}

const int64_t k_now = *util::parse_timestamp("2026-05-04T10:00:00Z");

} // namespace

TEST_CASE("drift::compare_field", "[drift]") {
  SECTION("equal after normalisation is not drift") {
    CHECK(drift::compare_field("ip", "fd00::1", "FD00:0:0:0::1", {}).equal);
    CHECK(drift::compare_field("firmware", "4.2.1", "v4.2.1", {}).equal);
    CHECK(drift::compare_field("firmware", "4.2.1", "4.2.1+build.77", {}).equal);
    CHECK(drift::compare_field("config_checksum", "sha256:" + std::string(64, 'a'), "SHA256:" + std::string(64, 'A'), {}).equal);
    CHECK(drift::compare_field("status", "running", "RUN", {{"RUN", "running"}}).equal);
    CHECK(drift::compare_field("status", "running", "Running", {}).equal);
  }
  SECTION("firmware is ordered: behind and ahead") {
    CHECK(drift::compare_field("firmware", "4.2.1", "4.2.0", {}).note == "behind");
    CHECK(drift::compare_field("firmware", "4.2.1", "4.10", {}).note == "ahead");
    auto rc = drift::compare_field("firmware", "4.2.1", "4.2.1-rc1", {});
    CHECK_FALSE(rc.equal);
    CHECK(rc.note == "different build");
  }
  SECTION("firmware as OT vendors write it: ordered where it can be, equal or different otherwise") {
    auto cisco = drift::compare_field("firmware", "15.2(7)E4", "15.2(7)E3", {});
    CHECK_FALSE(cisco.equal);
    CHECK(cisco.note == "behind");
    CHECK(drift::compare_field("firmware", "SV3.20", "SV3.30", {}).note == "ahead");
    CHECK(drift::compare_field("firmware", "2.04.01 (build 5)", "2.4.1 (Build 5)", {}).equal);
    CHECK(drift::compare_field("firmware", "V4.7 SP14", "v4.7 sp14", {}).equal);
    // Not a version on either side: plain inequality, no "not a version" note, no order.
    auto other = drift::compare_field("firmware", "4.2.1", "latest", {});
    CHECK_FALSE(other.equal);
    CHECK(other.note.empty());
    CHECK(drift::compare_field("firmware", "R32.011", "SV32.011", {}).note.empty());
  }
  SECTION("unparsable live values still compare, never as equal to a valid intent") {
    auto c = drift::compare_field("ip", "10.0.0.1", "not-an-ip", {});
    CHECK_FALSE(c.equal);
    CHECK(c.note == "not an IP address");
  }
}

TEST_CASE("drift::compute_drift", "[drift]") {
  model::Asset press = asset("press-07", {{"status", "running"}, {"ip", "10.20.3.17"}, {"firmware", "4.2.1"}});
  press.zone = "cell-2-control";
  press.zone_loc = {press.loc.path, 5, 1};
  model::Asset plc = asset("plc-l2-01", {{"status", "running"}});
  model::Asset sensor = asset("pt-01", {}); // nothing intended to compare: not monitored
  model::Twin twin = twin_of({press, plc, sensor});

  SECTION("changed fields carry values, location, source and a fingerprint") {
    auto r = drift::compute_drift(
        twin,
        snapshot({obs("press-07", {{"status", "running"}, {"ip", "10.20.3.17"}, {"firmware", "4.2.0"}, {"zone", "cell-2-control"}}),
                  obs("plc-l2-01", {{"status", "fault"}})}),
        {k_now});
    REQUIRE(r.findings.size() == 2);
    const model::Finding* fw = find(r, "TWIN103", "press-07");
    REQUIRE(fw);
    CHECK(fw->kind == "changed");
    CHECK(fw->intended == "4.2.1");
    CHECK(fw->live == "4.2.0");
    CHECK_THAT(fw->message, Catch::Contains("behind"));
    CHECK(fw->loc.line == 6); // the firmware key
    CHECK(fw->source == "ditto-main");
    CHECK(fw->fingerprint == model::fingerprint("plant-t", "press-07", "firmware", "TWIN103"));
    const model::Finding* st = find(r, "TWIN101", "plc-l2-01");
    REQUIRE(st);
    CHECK(st->severity == model::Severity::high); // running -> fault
    CHECK(r.coverage_percent == Approx(100.0));
  }
  SECTION("status to idle is medium; offline from online=false is high") {
    auto o = obs("plc-l2-01", {});
    o.online = false;
    auto r = drift::compute_drift(twin, snapshot({obs("press-07", {{"status", "idle"}}), o}), {k_now});
    CHECK(find(r, "TWIN101", "press-07")->severity == model::Severity::medium);
    CHECK(find(r, "TWIN101", "plc-l2-01")->severity == model::Severity::high);
    CHECK(find(r, "TWIN101", "plc-l2-01")->live == "offline");
  }
  SECTION("offline beats the last status the device reported (a Sparkplug death after a birth that said running)") {
    auto o = obs("plc-l2-01", {{"status", "running"}});
    o.online = false;
    auto r = drift::compute_drift(twin, snapshot({o}), {k_now});
    const model::Finding* st = find(r, "TWIN101", "plc-l2-01");
    REQUIRE(st);
    CHECK(st->live == "offline");
    CHECK(st->severity == model::Severity::high);
  }
  SECTION("missing, unmanaged and stale") {
    auto rogue = obs("", {{"ip", "10.20.3.250"}});
    rogue.ref = "plant.a:rogue-pi";
    auto r = drift::compute_drift(
        twin, snapshot({obs("press-07", {}, "ditto-main", "2026-05-04T08:00:00Z"), rogue}), {k_now});
    CHECK(find(r, "TWIN106", "plc-l2-01"));
    CHECK_FALSE(find(r, "TWIN106", "pt-01")); // nothing intended, nothing expected live
    const model::Finding* u = find(r, "TWIN107", "plant.a:rogue-pi");
    REQUIRE(u);
    CHECK(u->loc.path == "twin.yaml");
    CHECK(u->severity == model::Severity::critical);
    const model::Finding* s = find(r, "TWIN108", "press-07");
    REQUIRE(s);
    CHECK_THAT(s->message, Catch::Contains("102 min"));
    CHECK(r.coverage_percent == Approx(50.0));
  }
  SECTION("a failed source makes its assets unobserved, never missing") {
    auto r = drift::compute_drift(twin, snapshot({}, {{"ditto-main", "ditto", "", false, 0, "connection refused"}}), {k_now});
    CHECK(r.incomplete);
    CHECK(r.findings.empty());
    REQUIRE(r.unobserved.size() == 2);
    CHECK(r.unobserved[0].asset == "plc-l2-01");
    CHECK(r.unobserved[0].sources == "ditto-main");
  }
  SECTION("a failed source of another binding kind does not hide a missing asset") {
    twin.assets[0].live["ditto"] = "plant.a:plc-l2-01"; // plc-l2-01 is bound to Ditto only
    auto r = drift::compute_drift(twin,
                                  snapshot({obs("press-07", {})}, {{"ditto-main", "ditto", "", true, 1, ""},
                                                                   {"mqtt-l2", "plain-json", "", false, 0, "timeout"}}),
                                  {k_now});
    CHECK(find(r, "TWIN106", "plc-l2-01"));
    CHECK(r.unobserved.size() == 0);
  }
  SECTION("volatile fields and intended-offline assets are left alone") {
    twin.drift_policy.volatile_fields = {"status"};
    twin.assets[0].expected["status"].value = "offline";
    auto r = drift::compute_drift(twin, snapshot({obs("press-07", {{"status", "fault"}})}), {k_now});
    CHECK(r.findings.empty());
  }
  SECTION("drift policy overrides the severity") {
    twin.drift_policy.overrides.push_back({"TWIN103", "plc", "", "critical", {}});
    auto r = drift::compute_drift(twin, snapshot({obs("press-07", {{"firmware", "4.1"}})}), {k_now});
    CHECK(find(r, "TWIN103", "press-07")->severity == model::Severity::critical);
  }
}
