// The fleet report (report --site all): worst sites and assets first, the
// change since each site's previous run, the fleet trend carrying each site's
// latest run forward, stale and incomplete sites counted.
#include "lib/output/fleet_output.hpp"
#include "lib/report/fleet_report.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace twinctl;

namespace {
report::RunRecord run(int64_t id, const std::string &site, const std::string &at, int64_t critical, int64_t high,
                      bool incomplete = false) {
  report::RunRecord r;
  r.id = id;
  r.site = site;
  r.started_at = at;
  r.open[size_t(model::Severity::critical)] = critical;
  r.open[size_t(model::Severity::high)] = high;
  r.incomplete = incomplete;
  return r;
}
} // namespace

TEST_CASE("fleet report: worst first, changes, trend, stale sites", "[report][fleet]") {
  report::FleetData d;
  d.sites = {{run(1, "plant-a", "2026-05-01T02:00:00Z", 0, 5), run(4, "plant-a", "2026-05-03T02:00:00Z", 0, 3)},
             {run(2, "plant-b", "2026-05-01T03:00:00Z", 1, 0, true)},
             {run(3, "plant-c", "2026-05-02T02:00:00Z", 0, 3), run(5, "plant-c", "2026-05-03T03:00:00Z", 0, 3)}};
  d.open = {{"plant-b", "plc-1", model::Severity::critical},
            {"plant-a", "press-1", model::Severity::high},
            {"plant-a", "press-1", model::Severity::high},
            {"plant-c", "oven-1", model::Severity::high},
            {"plant-c", "", model::Severity::high}}; // a finding of no asset is no asset's
  report::FleetReport r = report::build_fleet_report(d, {});

  CHECK(r.generated_at == "2026-05-03T03:00:00Z"); // the newest run, not the clock
  REQUIRE(r.sites.size() == 3);
  CHECK(r.sites[0].latest.site == "plant-b"); // one critical beats three highs
  CHECK(r.sites[1].latest.site == "plant-a"); // 3 high, tie with plant-c: by site id
  CHECK(r.sites[2].latest.site == "plant-c");
  CHECK_FALSE(r.sites[0].change.has_value());
  CHECK(*r.sites[1].change == -2);
  CHECK(r.sites[1].recent == std::vector<int64_t>{5, 3});
  CHECK(r.sites[0].age_days == 2);
  CHECK(r.stale == 1);
  CHECK(r.incomplete == 1);
  CHECK(r.open_total == 7);

  REQUIRE(r.assets.size() == 3);
  CHECK(r.assets[0].asset == "plc-1");
  CHECK(r.assets[1].asset == "press-1");
  CHECK(report::total(r.assets[1].open) == 2);
  CHECK(r.assets_open == 3);

  // 05-01: a (5) + b (1); 05-02: c joins (3); 05-03: a drops to 3.
  REQUIRE(r.trend.size() == 3);
  CHECK(r.trend[0].sites == 2);
  CHECK(report::total(r.trend[0].open) == 6);
  CHECK(report::total(r.trend[1].open) == 9);
  CHECK(report::total(r.trend[2].open) == 7);
  CHECK(r.trend[2].sites == 3);

  report::FleetOptions cut;
  cut.max_assets = 1;
  cut.trend_days = 2;
  report::FleetReport small = report::build_fleet_report(d, cut);
  CHECK(small.assets.size() == 1);
  CHECK(small.assets_open == 3);
  CHECK(small.trend.front().date == "2026-05-02");

  // Every format names every site; hostile names are neutralised.
  d.sites[1][0].site = "plant-b\x1b[31m<b>";
  d.open.clear();
  report::FleetReport hostile = report::build_fleet_report(d, {});
  std::ostringstream table, md, html;
  output::write_fleet_table(table, hostile);
  output::write_fleet_markdown(md, hostile);
  output::write_fleet_html(html, hostile);
  for (const std::string &out : {table.str(), md.str(), html.str()}) {
    CHECK(out.find("plant-a") != std::string::npos);
    CHECK(out.find("plant-c") != std::string::npos);
  }
  CHECK(table.str().find('\x1b') == std::string::npos); // escaped for a terminal
  CHECK(md.str().find('\x1b') == std::string::npos);
  CHECK(html.str().find("<b>") == std::string::npos);
  CHECK(md.str().find("<b>") == std::string::npos);
}
