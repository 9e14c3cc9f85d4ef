#include <catch2/catch.hpp>

#include "lib/report/report.hpp"
#include "lib/util/time.hpp"
#include "lib/validate/validate.hpp"

#include <algorithm>

using namespace twinctl;

namespace {

model::Asset asset(const std::string& id, const std::string& zone = "") {
  model::Asset a;
  a.id = id;
  a.name = id;
  a.asset_class = "plc";
  a.zone = zone;
  a.loc = {"assets/" + id + ".yaml", 3, 1};
  return a;
}

void link(model::Asset& a, const std::string& type, const std::string& target) {
  a.relationships.push_back({type, target, "", {a.loc.path, 9, 5}});
}

// Engine tests build the model in code: no files.
model::Twin twin_of(std::vector<model::Asset> assets) {
  model::Twin t;
  t.id = "plant-t";
  t.loc = {"twin.yaml", 1, 1};
  std::sort(assets.begin(), assets.end(), [](auto& a, auto& b) { return a.id < b.id; });
  t.assets = std::move(assets);
  return t;
}

bool has_rule(const std::vector<model::Finding>& fs, const std::string& rule, const std::string& asset) {
  return std::any_of(fs.begin(), fs.end(), [&](auto& f) { return f.rule == rule && f.asset == asset; });
}

const int64_t k_now = *util::parse_timestamp("2026-11-22T00:00:00Z");

} // namespace

TEST_CASE("validate::check_structure", "[validate]") {
  SECTION("a dangling reference names the closest id") {
    model::Asset a = asset("plc-01");
    link(a, "FEEDS_DATA", "hmi-1");
    auto errs = validate::check_structure(twin_of({a, asset("hmi-01")}));
    REQUIRE(errs.size() == 1);
    CHECK_THAT(errs[0].message, Catch::Contains("unknown asset 'hmi-1'") && Catch::Contains("did you mean 'hmi-01'"));
    CHECK(errs[0].loc.line == 9);
  }
  SECTION("a POWERS cycle is reported with its path") {
    model::Asset a = asset("feed-a"), b = asset("feed-b"), c = asset("feed-c");
    link(a, "POWERS", "feed-b");
    link(b, "POWERS", "feed-c");
    link(c, "POWERS", "feed-a");
    auto errs = validate::check_structure(twin_of({a, b, c}));
    REQUIRE(errs.size() == 1);
    CHECK_THAT(errs[0].message, Catch::Contains("POWERS cycle: feed-a -> feed-b -> feed-c -> feed-a"));
  }
  SECTION("CONNECTS_TO rings are allowed") {
    model::Asset a = asset("sw-a"), b = asset("sw-b");
    link(a, "CONNECTS_TO", "sw-b");
    link(b, "CONNECTS_TO", "sw-a");
    CHECK(validate::check_structure(twin_of({a, b})).empty());
  }
  SECTION("an address outside the zone's subnets is an error") {
    model::Twin t = twin_of({asset("plc-01", "cell-1")});
    t.zone_policy.zones.push_back({"cell-1", "", 1.0, std::nullopt, {"10.1.1.0/24"}, {}});
    t.assets[0].expected["ip"] = {"10.1.2.5", {"assets/plc-01.yaml", 7, 3}};
    auto errs = validate::check_structure(t);
    REQUIRE(errs.size() == 1);
    CHECK_THAT(errs[0].message, Catch::Contains("outside the subnets of zone 'cell-1'"));
  }
}

TEST_CASE("validate::check_policy", "[validate]") {
  SECTION("certificates: expired is TWIN201, due soon is TWIN202, later is nothing") {
    model::Asset a = asset("press-01"), b = asset("press-02"), c = asset("press-03");
    a.certificates.push_back({"C1", "safety-inspection", "", "2025-01-01", "2026-11-01", {}});
    b.certificates.push_back({"C2", "x509", "", "2025-01-01", "2026-12-10", {}});
    c.certificates.push_back({"C3", "x509", "", "2025-01-01", "2027-12-10", {}});
    auto fs = validate::check_policy(twin_of({a, b, c}), {k_now});
    REQUIRE(fs.size() == 2);
    CHECK(has_rule(fs, "TWIN201", "press-01"));
    CHECK(has_rule(fs, "TWIN202", "press-02"));
    CHECK_THAT(fs[0].message + fs[1].message, Catch::Contains("21 days ago") && Catch::Contains("in 18 days"));
  }
  SECTION("calibration overdue from calibrated_on + interval") {
    model::Asset a = asset("pt-01");
    model::Sensor s;
    s.id = "pressure";
    s.calibration = model::Calibration{"CAL-1", "2025-09-15", *util::parse_duration("P12M"), {}};
    a.sensors.push_back(s);
    auto fs = validate::check_policy(twin_of({a}), {k_now});
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].rule == "TWIN201");
    CHECK(fs[0].field == "calibration:pressure");
    CHECK_THAT(fs[0].message, Catch::Contains("due on 2026-09-15"));
  }
  SECTION("a cross-zone flow needs a conduit in its direction") {
    model::Asset plc = asset("plc-01", "control"), scada = asset("scada-01", "supervisory");
    link(plc, "FEEDS_DATA", "scada-01");
    model::Twin t = twin_of({plc, scada});
    t.zone_policy.zones = {{"control", "", 1.0, {}, {}, {}}, {"supervisory", "", 2.0, {}, {}, {}}};
    auto fs = validate::check_policy(t, {k_now});
    CHECK(has_rule(fs, "TWIN301", "plc-01"));
    t.zone_policy.conduits.push_back({"c1", "supervisory", "control", false, {}, "", {}});
    CHECK(has_rule(validate::check_policy(t, {k_now}), "TWIN301", "plc-01")); // wrong direction
    t.zone_policy.conduits[0].bidirectional = true;
    CHECK(validate::check_policy(t, {k_now}).empty());
  }
  SECTION("a flow from level 1 to level 4 skips Purdue levels; 3 to 3.5 does not") {
    model::Asset plc = asset("plc-01"), erp = asset("erp-01"), hist = asset("hist-01"), dmz = asset("relay-01");
    plc.purdue_level = 1;
    erp.purdue_level = 4;
    hist.purdue_level = 3;
    dmz.purdue_level = 3.5;
    link(plc, "FEEDS_DATA", "erp-01");
    link(hist, "FEEDS_DATA", "relay-01");
    auto fs = validate::check_policy(twin_of({plc, erp, hist, dmz}), {k_now});
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].rule == "TWIN302");
    CHECK(fs[0].severity == model::Severity::critical);
  }
  SECTION("drift policy overrides change severity per class and criticality") {
    model::Asset a = asset("press-01");
    a.criticality = "safety";
    a.certificates.push_back({"C1", "safety-inspection", "", "2025-01-01", "2026-11-01", {}});
    model::Twin t = twin_of({a});
    t.drift_policy.overrides.push_back({"TWIN201", "", "safety", "critical", {}});
    auto fs = validate::check_policy(t, {k_now});
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].severity == model::Severity::critical);
  }
}

TEST_CASE("report::apply_gate", "[report]") {
  model::Asset a = asset("press-01");
  a.certificates.push_back({"C1", "safety-inspection", "", "2025-01-01", "2026-11-01", {}});
  model::Twin t = twin_of({a});
  report::Report r;
  r.findings = validate::check_policy(t, {k_now});

  SECTION("an unsuppressed high finding fails the default gate") {
    report::apply_gate(r, t, {model::Severity::high, k_now});
    CHECK(r.gate_failed);
    CHECK(r.by_severity[static_cast<size_t>(model::Severity::high)] == 1);
  }
  SECTION("fail-on none reports only") {
    report::apply_gate(r, t, {std::nullopt, k_now});
    CHECK_FALSE(r.gate_failed);
  }
  SECTION("a suppression hides it from the gate but keeps it visible with its reason") {
    model::Suppression s;
    s.asset = "press-*";
    s.rule = "TWIN201";
    s.reason = "re-inspection booked";
    s.expires = "2026-12-31";
    t.ignore_list.suppressions.push_back(s);
    report::apply_gate(r, t, {model::Severity::high, k_now});
    CHECK_FALSE(r.gate_failed);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].suppressed);
    CHECK(r.findings[0].suppression_reason == "re-inspection booked");
    CHECK(r.suppressed == 1);
  }
  SECTION("an expired suppression hides nothing and is a TWIN901 finding") {
    model::Suppression s;
    s.asset = "press-*";
    s.reason = "old";
    s.expires = "2026-11-20";
    t.ignore_list.suppressions.push_back(s);
    report::apply_gate(r, t, {model::Severity::high, k_now});
    CHECK(r.gate_failed);
    CHECK(has_rule(r.findings, "TWIN901", "press-*"));
    CHECK_FALSE(r.findings.back().suppressed);
  }
  SECTION("a suppression is good through its expiry day") {
    model::Suppression s;
    s.asset = "press-01";
    s.reason = "today is the last day";
    s.expires = "2026-11-22";
    t.ignore_list.suppressions.push_back(s);
    report::apply_gate(r, t, {model::Severity::high, k_now + 3600});
    CHECK_FALSE(r.gate_failed);
  }
}
