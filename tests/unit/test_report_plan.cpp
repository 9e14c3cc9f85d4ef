#include <catch2/catch.hpp>

#include "lib/model/twin.hpp"
#include "lib/report/plan.hpp"
#include "lib/report/report.hpp"

using twinctl::model::Finding;
using twinctl::model::Severity;
namespace report = twinctl::report;

namespace {

Finding finding(const std::string& asset, const std::string& field, const std::string& rule, Severity sev,
                const std::string& live = "") {
  Finding f;
  f.rule = rule;
  f.severity = sev;
  f.kind = "changed";
  f.asset = asset;
  f.field = field;
  f.live = live;
  f.live_norm = live;
  f.fingerprint = twinctl::model::fingerprint("plant-a", asset, field, rule);
  return f;
}

report::Report gated(std::vector<Finding> findings, const std::vector<report::BaselineEntry>* baseline = nullptr) {
  report::Report r;
  r.findings = std::move(findings);
  twinctl::model::Twin twin;
  twin.id = "plant-a";
  report::apply_gate(r, twin, {Severity::high, 0, baseline});
  return r;
}

} // namespace

TEST_CASE("report::apply_baseline keys on the observed value", "[report]") {
  Finding fw = finding("plc-01", "firmware", "TWIN103", Severity::high, "17.0.2");
  report::Report before = gated({fw});
  report::BaselineEntry entry{fw.fingerprint, "TWIN103", "plc-01", "firmware", "", {}};
  entry.observed = report::baseline_value(fw);
  std::vector<report::BaselineEntry> baseline{entry};

  SECTION("the same value stays in the baseline") {
    report::Report r = gated({fw}, &baseline);
    CHECK(r.findings[0].baseline_state == "unchanged");
    CHECK_FALSE(r.gate_failed);
  }
  SECTION("a downgrade is a new finding, not '(in baseline)'") {
    report::Report r = gated({finding("plc-01", "firmware", "TWIN103", Severity::high, "9.0.0")}, &baseline);
    CHECK(r.findings[0].baseline_state == "updated");
    CHECK(r.findings[0].baseline_observed == "17.0.2");
    CHECK(r.gate_failed);
    CHECK(r.baseline_absent.empty()); // the finding is still there: not fixed
    CHECK_FALSE(r.baseline_without_values);
  }
  SECTION("an old baseline (no observed values) matches by identity, and says so") {
    std::vector<report::BaselineEntry> old{{fw.fingerprint, "TWIN103", "plc-01", "firmware", "", {}}};
    report::Report r = gated({finding("plc-01", "firmware", "TWIN103", Severity::high, "9.0.0")}, &old);
    CHECK(r.findings[0].baseline_state == "unchanged");
    CHECK(r.baseline_without_values);
  }
}

TEST_CASE("report::apply_plan: what a change opens and closes", "[report]") {
  Finding fault = finding("plc-l2-01", "status", "TWIN101", Severity::high, "fault");
  Finding fw = finding("press-01", "firmware", "TWIN103", Severity::medium, "4.12.1");
  Finding ip = finding("plc-l1-01", "ip", "TWIN102", Severity::high, "10.21.1.10");
  report::Report base = gated({fault, fw});
  report::Report change = gated({fault, ip});
  report::Plan plan;
  plan.base_ref = "main";
  report::apply_plan(change, base.findings, plan);

  REQUIRE(change.plan);
  REQUIRE(change.findings.size() == 1);
  CHECK(change.findings[0].asset == "plc-l1-01"); // opened
  REQUIRE(change.plan->resolved.size() == 1);
  CHECK(change.plan->resolved[0].asset == "press-01"); // closed
  CHECK(change.plan->unchanged == 1);                  // the PLC in FAULT: not this change's doing
  CHECK(change.gate_failed);                           // the opened one is high
  CHECK(change.by_severity[static_cast<size_t>(Severity::high)] == 1);

  SECTION("a change that only closes findings passes, whatever the plant") {
    report::Report fix = gated({fault});
    report::apply_plan(fix, base.findings, plan);
    CHECK(fix.findings.empty());
    CHECK_FALSE(fix.gate_failed);
    CHECK(fix.plan->resolved.size() == 1);
  }
  SECTION("a finding the change suppresses is closed, with its suppression") {
    report::Report r = gated({fault, fw});
    // The fault, suppressed in the change's ignore list.
    for (Finding& f : r.findings) {
      if (f.asset == "plc-l2-01") {
        f.suppressed = true;
        f.suppression_reason = "known";
      }
    }
    report::recount(r);
    report::apply_plan(r, base.findings, plan);
    REQUIRE(r.plan->resolved.size() == 1);
    CHECK(r.plan->resolved[0].asset == "plc-l2-01");
    CHECK(r.plan->resolved[0].suppressed);
    CHECK(r.findings.empty());
  }
}
