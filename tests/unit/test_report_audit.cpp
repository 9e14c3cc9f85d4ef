// The audit report: the engine on data built in code, the formatters on it, and
// the history reader on real SQLite files made with the compiled-in schema.
#include "lib/history/report_reader.hpp"
#include "lib/history/schema_sql.hpp"
#include "lib/io/sqlite.hpp"
#include "lib/output/audit_report_output.hpp"
#include "lib/report/audit_report.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "tests/unit/helpers.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace twinctl;
using model::Severity;

namespace {

report::FindingRecord finding(const std::string &fp, const std::string &state, Severity s, const std::string &team,
                              const std::string &since) {
  report::FindingRecord f;
  f.fingerprint = fp;
  f.state = state;
  f.severity = s;
  f.rule = "TWIN102";
  f.asset = "asset-" + fp;
  f.message = "message " + fp;
  f.team = team;
  f.zone = team.empty() ? "" : "zone-" + team;
  f.first_seen_at = since;
  f.open_since = since;
  return f;
}

report::HistoryData sample() {
  report::HistoryData d;
  for (int i = 1; i <= 3; ++i) {
    report::RunRecord r;
    r.id = i;
    r.site = "plant-a";
    r.started_at = "2026-11-0" + std::to_string(i) + "T02:00:00Z";
    r.open[size_t(Severity::high)] = i * 7;
    r.new_count = i;
    r.resolved_count = 1;
    d.history.push_back(r);
  }
  d.run = d.history.back();
  d.findings = {finding("a", "open", Severity::medium, "ops", "2026-11-01T02:00:00Z"),
                finding("b", "new", Severity::critical, "ops", "2026-11-03T02:00:00Z"),
                finding("c", "reopened", Severity::high, "", "2026-11-03T02:00:00Z"),
                finding("d", "resolved", Severity::high, "net", "2026-11-01T02:00:00Z"),
                finding("e", "open", Severity::low, "net", "2026-11-02T02:00:00Z")};
  report::FindingRecord suppressed = finding("f", "open", Severity::critical, "net", "2026-11-01T02:00:00Z");
  suppressed.suppressed = true;
  d.findings.push_back(suppressed);
  d.incidents = {{2, "ups-1", 3.0, 1, "second", "net"}, {1, "sw-1", 9.5, 4, "first", "net"}};
  d.due = {{"press-1", "calibration", "oil-temp", "2026-11-10", 7},
           {"plc-1", "certificate", "TLS-1", "2026-10-30", -4}};
  d.contacts = {{"ops", "Operations", "Ada", "ops@example.com", "#ops", "+1"}, {"other", "", "", "", "", ""}};
  return d;
}

} // namespace

TEST_CASE("report::nice_axis", "[report]") {
  CHECK(report::nice_axis(0) == std::array<int64_t, 2>{1, 1});
  CHECK(report::nice_axis(4) == std::array<int64_t, 2>{4, 1});
  CHECK(report::nice_axis(21) == std::array<int64_t, 2>{25, 5});
  CHECK(report::nice_axis(87) == std::array<int64_t, 2>{100, 20});
  CHECK(report::nice_axis(1234) == std::array<int64_t, 2>{1500, 500});
}

TEST_CASE("report::build_audit_report", "[report]") {
  report::AuditReport r = report::build_audit_report(sample(), {});
  SECTION("summary counts unsuppressed findings by state") {
    CHECK(r.open_total == 4);
    CHECK(r.open[size_t(Severity::critical)] == 1);
    CHECK(r.new_count == 1);
    CHECK(r.reopened_count == 1);
    CHECK(r.resolved_count == 1);
    CHECK(r.suppressed == 1);
    CHECK(r.previous_run == 2);
    CHECK(r.overdue == 1);
    CHECK(r.title == "Audit report — plant-a");
    CHECK(r.generated_at == "2026-11-03T02:00:00Z"); // the run's time without --now
  }
  SECTION("groups are most severe first; the unassigned group is kept") {
    REQUIRE(r.by_team.size() == 3);
    CHECK(r.by_team[0].name == "ops"); // a critical
    CHECK(r.by_team[1].name == "");    // a high
    CHECK(r.by_team[2].name == "net"); // a low (its resolved and suppressed ones do not count)
  }
  SECTION("oldest open findings by days open, from open_since to the run") {
    REQUIRE(r.oldest.size() == 4);
    CHECK(r.oldest[0].finding.fingerprint == "a");
    CHECK(r.oldest[0].days_open == 2);
    CHECK(r.oldest[1].days_open == 1);
    CHECK(r.oldest[3].days_open == 0);
  }
  SECTION("trend, axis, incidents by rank, due soonest first") {
    REQUIRE(r.trend.size() == 3);
    CHECK(r.trend[2].total == 21);
    CHECK(r.trend_axis_max == 25);
    CHECK(r.incidents[0].root == "sw-1");
    CHECK(r.due[0].days_left == -4);
  }
  SECTION("contacts: teams with open findings or incidents, incident owners first") {
    REQUIRE(r.contacts.size() == 3);
    CHECK(r.contacts[0].contact.team == "net");
    CHECK(r.contacts[0].incidents == 2);
    CHECK_FALSE(r.contacts[0].on_record);
    CHECK(r.contacts[1].contact.team == "ops");
    CHECK(r.contacts[1].on_record);
    CHECK(r.contacts[1].contact.email == "ops@example.com");
  }
  SECTION("--now after the run: the age of the data") {
    report::AuditReportOptions opts;
    opts.now = *util::parse_timestamp("2026-11-10T00:00:00Z");
    report::AuditReport aged = report::build_audit_report(sample(), opts);
    CHECK(aged.data_age_days == 6);
    CHECK(aged.generated_at == "2026-11-10T00:00:00Z");
  }
  SECTION("the trend keeps the last max_trend_runs runs") {
    report::AuditReportOptions opts;
    opts.max_trend_runs = 2;
    report::AuditReport cut = report::build_audit_report(sample(), opts);
    REQUIRE(cut.trend.size() == 2);
    CHECK(cut.trend[0].run == 2);
    CHECK(cut.trend_runs_total == 3);
  }
}

TEST_CASE("output::write_report_html and write_report_markdown", "[output][report]") {
  report::HistoryData d = sample();
  d.findings[0].message = "<script>alert(\"x\")</script> & 'quoted' | pipe";
  d.run.site_name = "</title><b>";
  report::AuditReport r = report::build_audit_report(d, {});
  std::ostringstream html;
  output::write_report_html(html, r);
  std::string h = html.str();
  CHECK(h.find("<script") == std::string::npos);
  CHECK(h.find("</title><b>") == std::string::npos);
  CHECK(h.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;") != std::string::npos);
  CHECK(h.find("<svg class=\"chart\" id=\"trend\"") != std::string::npos);
  std::ostringstream again;
  output::write_report_html(again, r);
  CHECK(again.str() == h);

  std::ostringstream md;
  output::write_report_markdown(md, r);
  std::string m = md.str();
  CHECK(m.find("<script") == std::string::npos);
  CHECK(m.find("&lt;script&gt;") != std::string::npos);
  CHECK(m.find("\\| pipe") != std::string::npos);
}

TEST_CASE("output::write_report_markdown stays under 1 MiB", "[output][report]") {
  report::HistoryData d = sample();
  std::string long_text(5000, '<'); // every byte escapes to 4
  for (int i = 0; i < 5000; ++i) {
    report::FindingRecord f =
        finding("x" + std::to_string(i), "new", Severity::high, long_text + std::to_string(i), "2026-11-01T02:00:00Z");
    f.message = long_text;
    f.zone = long_text + std::to_string(i);
    f.line = f.zone;
    d.findings.push_back(f);
  }
  for (int i = 0; i < 500; ++i) {
    d.due.push_back({long_text, "certificate", long_text, "2026-12-01", i});
    d.incidents.push_back({i + 3, long_text, 1.0, 1, long_text, long_text});
  }
  report::AuditReport r = report::build_audit_report(d, {});
  std::ostringstream md;
  output::write_report_markdown(md, r);
  CHECK(md.str().size() < 1024 * 1024);
  CHECK(md.str().find("more open findings") != std::string::npos);
}

TEST_CASE("history::read_history", "[history][report]") {
  test::TempDir dir;
  std::string path = dir / "h.db";
  {
    io::SqliteDatabase db(path, io::Database::Mode::read_write_create);
    db.exec(history::k_schema_sql);
    db.exec(R"(
INSERT INTO runs(id, started_at, site, exit_code, incomplete, assets, critical, high, medium, low, info, suppressed)
VALUES (1, '2026-11-01T02:00:00Z', 'a', 1, 0, 10, 0, 1, 0, 0, 0, 0),
       (2, '2026-11-01T03:00:00Z', 'b', 0, 0, 10, 0, 0, 0, 0, 0, 0),
       (3, '2026-11-02T02:00:00Z', 'a', 0, 0, 10, 0, 0, 0, 0, 0, 0),
       (4, '2026-11-05T02:00:00Z', 'a', 1, 1, 10, 0, 1, 0, 0, 0, 0);
INSERT INTO findings(fingerprint, rule, kind, severity, asset, message, first_seen_run, first_seen_at,
  last_seen_run, last_seen_at, reopened)
VALUES ('f1', 'TWIN102', 'changed', 'high', 'plc-1', 'ip', 1, '2026-11-01T02:00:00Z', 4, '2026-11-05T02:00:00Z', 1);
INSERT INTO run_findings VALUES (1, 'f1', 'new', 'high', 0), (3, 'f1', 'resolved', 'high', 0),
  (4, 'f1', 'reopened', 'high', 0);
INSERT INTO run_sources VALUES (4, 'mqtt', 0, 'refused', NULL);
)");
  }
  std::unique_ptr<io::Database> handle = history::open_existing(path, false);
  io::Database &db = *handle;
  SECTION("the latest run, with its site's history and when each finding last opened") {
    report::HistoryData d = history::read_history(db, {});
    CHECK(d.run.id == 4);
    CHECK(d.run.incomplete);
    REQUIRE(d.history.size() == 3); // runs 1, 3, 4 of site a
    CHECK(d.history[1].resolved_count == 1);
    CHECK(d.run.reopened_count == 1);
    REQUIRE(d.findings.size() == 1);
    CHECK(d.findings[0].open_since == "2026-11-05T02:00:00Z"); // reopened, not first seen
    CHECK(d.findings[0].first_seen_at == "2026-11-01T02:00:00Z");
    REQUIRE(d.sources.size() == 1);
    CHECK_FALSE(d.sources[0].ok);
  }
  SECTION("a run by id or the latest of a site") {
    CHECK(history::read_history(db, {1, ""}).findings[0].state == "new");
    CHECK(history::read_history(db, {std::nullopt, "b"}).run.id == 2);
    CHECK_THROWS_WITH(history::read_history(db, {9, ""}), Catch::Contains("no run 9") && Catch::Contains("1 to 4"));
    CHECK_THROWS_WITH(history::read_history(db, {std::nullopt, "z"}), Catch::Contains("no runs of site 'z'"));
  }
}

TEST_CASE("history::open_history refuses what it cannot read", "[history][report]") {
  test::TempDir dir;
  CHECK_THROWS_WITH(history::open_existing(dir / "missing.db", false), Catch::Contains("no such history database"));
  std::string newer = dir / "newer.db";
  {
    io::SqliteDatabase db(newer, io::Database::Mode::read_write_create);
    db.exec(history::k_schema_sql);
    db.exec("PRAGMA user_version = 7");
  }
  CHECK_THROWS_WITH(history::open_existing(newer, false), Catch::Contains("schema version 7, written by a newer twinctl"));
  std::string empty = dir / "empty.db";
  {
    io::SqliteDatabase db(empty, io::Database::Mode::read_write_create);
    db.exec(history::k_schema_sql);
  }
  std::unique_ptr<io::Database> db = history::open_existing(empty, false);
  CHECK_THROWS_WITH(history::read_history(*db, {}), Catch::Contains("has no runs yet"));
}
