// The report's Health and OEE sections on data built in code: the run against
// the site's previous run with health, lowest first, the trend, what was not
// scored; OEE lines lowest first with their losses biggest first. And the OEE
// tracker's small stops on readings written here.
#include "lib/oee/oee.hpp"
#include "lib/report/audit_report.hpp"

#include <catch2/catch.hpp>

using namespace twinctl;

namespace {

report::HealthScoreRecord score(int64_t run, const std::string &level, const std::string &id, double s) {
  report::HealthScoreRecord h;
  h.run = run;
  h.level = level;
  h.id = id;
  h.score = s;
  return h;
}

report::HistoryData health_history() {
  report::HistoryData d;
  for (int64_t id : {1, 2, 3}) {
    report::RunRecord r;
    r.id = id;
    r.site = "plant-h";
    r.started_at = "2026-12-0" + std::to_string(id) + "T02:00:00Z";
    d.history.push_back(r);
  }
  d.run = d.history.back();
  d.health = report::HealthRunRecord{};
  d.health->readings = 0; // no --readings: availability and degradation not scored
  d.health->drift_checked = true;
  d.health->alerts = true;
  // Run 1 recorded no health (an older twinctl); runs 2 and 3 did.
  d.health_scores = {score(2, "site", "plant-h", 90), score(2, "line", "line-1", 95), score(2, "line", "line-2", 85),
                     score(3, "site", "plant-h", 80), score(3, "line", "line-1", 96), score(3, "line", "line-2", 70),
                     score(3, "line", "line-3", 60)};
  return d;
}

} // namespace

TEST_CASE("health section: the run against the previous one, lowest lines first, the trend", "[report][health]") {
  const report::HistoryData d = health_history();
  const std::optional<report::HealthSection> h = report::build_health_section(d, 90);
  REQUIRE(h);
  CHECK(h->site.score == 80);
  REQUIRE(h->site_previous);
  CHECK(*h->site_previous == 90);
  REQUIRE(h->lines.size() == 3);
  CHECK(h->lines[0].score.id == "line-3"); // lowest first
  CHECK_FALSE(h->lines[0].previous);       // new since run 2
  CHECK(h->lines[1].score.id == "line-2");
  CHECK(*h->lines[1].previous == 85);
  CHECK(h->lines[2].score.id == "line-1");
  REQUIRE(h->trend.size() == 2); // run 1 has no health: no point
  CHECK(h->trend[0].run == 2);
  CHECK(h->trend[0].date == "2026-12-02");
  CHECK(h->trend[1].worst_line == "line-3");
  CHECK(h->trend[1].worst_line_score == 60);
  REQUIRE(h->unscored.size() == 1);
  CHECK(h->unscored[0] == "availability and degradation (no --readings)");

  // The trend keeps the last N runs.
  CHECK(report::build_health_section(d, 1)->trend.size() == 1);
  // A run without health has no section.
  report::HistoryData old = d;
  old.health.reset();
  CHECK_FALSE(report::build_health_section(old, 90));
}

TEST_CASE("OEE section: lines lowest first, losses biggest first, what could not be separated", "[report][oee]") {
  report::HistoryData d;
  d.health = report::HealthRunRecord{};
  auto row = [](const std::string &line, const std::string &asset, double oee) {
    report::OeeRecord o;
    o.line = line;
    o.asset = asset;
    o.oee = oee;
    o.planned_s = 36000;
    o.down_s = 1800;
    o.setup_s = 3600;
    o.small_stop_s = 600;
    o.speed_loss_s = 2400;
    return o;
  };
  d.oee = {row("line-a", "", 0.7), row("line-a", "press-1", 0.8), row("line-a", "press-2", 0.6),
           row("line-b", "", 0.5), row("line-b", "robot-1", 0.5)};
  d.oee[3].no_data_s = 1200;
  const std::optional<report::OeeSection> s = report::build_oee_section(d);
  REQUIRE(s);
  REQUIRE(s->lines.size() == 2);
  CHECK(s->lines[0].line.line == "line-b");
  CHECK(s->lines[1].assets[0].asset == "press-2"); // lowest first within the line
  const std::vector<report::OeeLoss> &losses = s->lines[1].losses;
  REQUIRE(losses.size() == 4); // idle and rejects took nothing: not listed
  CHECK(losses[0].name == "setup and adjustments");
  CHECK(losses[0].share == Approx(0.1));
  CHECK(losses[1].name == "reduced speed");
  CHECK(losses[3].name == "small stops (running, counter still)");
  CHECK(s->unseparated.size() == 4); // the three always, and the 20 min without a status
  CHECK(s->unseparated[1].rfind("Rejects at startup are those", 0) == 0);
  CHECK(s->unseparated.back() == "20 min of planned time had no status reading and is left out of availability.");
  CHECK_FALSE(report::build_oee_section(report::HistoryData{}));
}

namespace {

// A press with a status, a good and a scrap counter, ideal cycle 20 s, and the
// tracker's result for one reading of each a minute (counters first, then the state).
struct Tick {
  double good, scrap;
  const char *state;
};

oee::Period replay_press(const std::vector<Tick> &ticks) {
  model::Twin twin;
  model::Asset a;
  a.id = "press";
  for (const auto &[id, type] : {std::pair{"state", "status"}, {"good", "counter"}, {"scrap", "counter"}}) {
    model::Sensor sensor;
    sensor.id = id;
    sensor.type = type;
    a.sensors.push_back(sensor);
  }
  model::Production prod;
  prod.ideal_cycle_s = 20;
  prod.good = "good";
  prod.reject = "scrap";
  a.production = prod;
  twin.assets.push_back(a);
  oee::Tracker t(twin);
  const int64_t t0 = 1796601600000; // 2026-12-07T00:00:00Z, a Monday (no calendar: all day planned)
  int64_t ms = t0;
  for (const Tick &k : ticks) {
    sensors::Reading r;
    r.machine = "press";
    r.ts_ms = ms;
    r.sensor = "good";
    r.value = k.good;
    t.add(r);
    r.sensor = "scrap";
    r.value = k.scrap;
    t.add(r);
    r.sensor = "state";
    r.text = k.state;
    r.value = 0;
    t.add(r);
    ms += 60000;
  }
  const oee::Result res = t.finish();
  return res.assets.back(); // the total over the readings
}

} // namespace

TEST_CASE("oee: small stops are a running asset whose counters all stand still", "[oee]") {
  const std::vector<Tick> ticks = {
      {100, 5, "running"}, {103, 5, "running"}, // 3 parts
      {103, 5, "running"},                      // none: a small stop
      {103, 6, "running"},                      // only a reject: a part was made, no stop
      {106, 6, "running"}, {106, 6, "stopped"}, // none, but it stopped at the reading: still a stop before it
      {106, 6, "stopped"},                      // stopped: a breakdown, not a small stop
      {106, 6, "running"},
  };
  const oee::Period total = replay_press(ticks);
  REQUIRE(total.day.empty());
  CHECK(total.small_stop_s == 120); // ticks 3 and 6
  CHECK(total.down_s == 120);
  CHECK(total.good == 6);
  CHECK(total.reject == 1);
}

TEST_CASE("oee: rejects at startup are those before the first good part after a stop", "[oee]") {
  const oee::Period total = replay_press({
      {100, 5, "running"}, {103, 5, "fault"}, // 3 good parts, then a breakdown
      {103, 5, "running"},                    // restarted
      {103, 7, "running"},                    // 2 rejects, no good part: startup
      {103, 8, "running"},                    // 1 more: startup
      {105, 9, "running"},                    // good parts and a reject: production from here
      {105, 10, "running"},                   // a reject alone, but no longer starting: production
      {108, 10, "setup"}, {108, 10, "running"},
      {110, 11, "running"},                   // good and a reject in one reading: production
  });
  CHECK(total.reject == 6);
  CHECK(total.startup_reject == 3);
  REQUIRE(total.startup_loss_s);
  CHECK(*total.startup_loss_s == 60); // 3 x the ideal 20 s
  CHECK(*total.quality_loss_s == 120);
}
