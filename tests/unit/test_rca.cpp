#include <catch2/catch.hpp>

#include "graph_fixture.hpp"
#include "lib/loaders/alert_reader.hpp"
#include "lib/rca/evidence.hpp"
#include "lib/rca/rca.hpp"
#include "lib/rca/report.hpp"
#include "lib/util/error.hpp"

#include <set>

using namespace twinctl;
using rca::Evidence;
using test::node;
using test::TwinBuilder;

namespace {

// feed -> ups -> {plc, sw}; sw -> {m1, m2, m3} (CONNECTS_TO); plc -> hmi (data).
// A second, independent island: feed2 -> {p1, p2, p3}.
model::Twin plant() {
  return TwinBuilder()
      .team("maint", "+1-555-0100")
      .asset("feed", "power", "", "maint")
      .asset("ups", "power", "", "maint")
      .asset("plc", "plc")
      .asset("hmi", "hmi")
      .asset("sw", "network")
      .asset("m1")
      .asset("m2")
      .asset("m3")
      .asset("feed2", "power")
      .asset("p1")
      .asset("p2")
      .asset("p3")
      .rel("feed", "POWERS", "ups")
      .rel("ups", "POWERS", "plc")
      .rel("ups", "POWERS", "sw")
      .rel("plc", "FEEDS_DATA", "hmi")
      .rel("m1", "CONNECTS_TO", "sw")
      .rel("m2", "CONNECTS_TO", "sw")
      .rel("m3", "CONNECTS_TO", "sw")
      .rel("feed2", "POWERS", "p1")
      .rel("feed2", "POWERS", "p2")
      .rel("feed2", "POWERS", "p3")
      .build();
}

std::vector<Evidence> evidence(const graph::AssetGraph& g, Evidence base,
                               const std::vector<std::pair<std::string, Evidence>>& set) {
  std::vector<Evidence> ev(g.nodes(), base);
  for (const auto& [id, e] : set) {
    ev[node(g, id)] = e;
  }
  return ev;
}

std::string top(const graph::AssetGraph& g, const rca::Incident& inc) { return g.asset(inc.ranked.front().node).id; }

} // namespace

TEST_CASE("rca::Analyzer::analyse", "[rca]") {
  model::Twin t = plant();
  graph::AssetGraph g = graph::build_graph(t);
  rca::Analyzer a(g);

  SECTION("a silent root is named when its dependents fail together") {
    auto ev = evidence(g, Evidence::healthy,
                       {{"ups", Evidence::unknown},
                        {"plc", Evidence::failed},
                        {"hmi", Evidence::failed},
                        {"sw", Evidence::failed},
                        {"m1", Evidence::failed},
                        {"m2", Evidence::failed},
                        {"m3", Evidence::failed}});
    rca::RcaResult r = a.analyse(ev, {}, {});
    REQUIRE(r.incidents.size() == 1);
    CHECK(r.incidents[0].roots.size() == 1);
    CHECK(top(g, r.incidents[0]) == "ups");
    CHECK(r.incidents[0].failures.size() == 6);
    CHECK(r.isolated.empty());
    const rca::Candidate& c = r.incidents[0].ranked.front();
    CHECK(c.explains.size() == 6);
    CHECK(c.contradicted == 0);
    CHECK(r.incidents[0].ranked.size() > 1); // the runners-up are ranked too
  }

  SECTION("several simultaneous roots make separate incidents") {
    auto ev = evidence(g, Evidence::healthy,
                       {{"sw", Evidence::failed},
                        {"m1", Evidence::failed},
                        {"m2", Evidence::failed},
                        {"m3", Evidence::failed},
                        {"feed2", Evidence::unknown},
                        {"p1", Evidence::failed},
                        {"p2", Evidence::failed},
                        {"p3", Evidence::failed}});
    rca::RcaResult r = a.analyse(ev, {}, {});
    REQUIRE(r.incidents.size() == 2);
    std::set<std::string> roots{top(g, r.incidents[0]), top(g, r.incidents[1])};
    CHECK(roots == std::set<std::string>{"feed2", "sw"});
  }

  SECTION("a false alert is unexplained, an isolated failure is an incident of its own") {
    auto ev = evidence(g, Evidence::quiet, {{"m1", Evidence::alerting}, {"p2", Evidence::failed}});
    rca::RcaResult r = a.analyse(ev, {}, {});
    REQUIRE(r.incidents.size() == 1);
    CHECK(top(g, r.incidents[0]) == "p2");
    CHECK(r.incidents[0].failures == std::vector<graph::NodeId>{node(g, "p2")});
    CHECK(r.incidents[0].ranked.size() > 1); // ranked with what else could explain it (feed2)
    REQUIRE(r.unexplained.size() == 1);
    CHECK(g.asset(r.unexplained[0]).id == "m1");
    REQUIRE(r.isolated.size() == 1);
    CHECK(g.asset(r.isolated[0]).id == "p2");
  }

  SECTION("missing and false alerts: the root still ranks first") {
    // m2's alert is missing, and p1 alerts falsely.
    auto ev = evidence(g, Evidence::quiet,
                       {{"sw", Evidence::alerting},
                        {"m1", Evidence::alerting},
                        {"m3", Evidence::alerting},
                        {"p1", Evidence::alerting}});
    rca::RcaResult r = a.analyse(ev, {}, {});
    REQUIRE(r.incidents.size() == 1);
    CHECK(top(g, r.incidents[0]) == "sw");
    CHECK(g.asset(r.unexplained.at(0)).id == "p1");
  }

  SECTION("focus shows only the incidents of the named assets") {
    auto ev = evidence(g, Evidence::healthy,
                       {{"sw", Evidence::failed},
                        {"m1", Evidence::failed},
                        {"m2", Evidence::failed},
                        {"feed2", Evidence::failed},
                        {"p1", Evidence::failed},
                        {"p2", Evidence::failed}});
    rca::RcaResult r = a.analyse(ev, {node(g, "p1")}, {});
    REQUIRE(r.incidents.size() == 1);
    CHECK(top(g, r.incidents[0]) == "feed2");
  }

  SECTION("depth bounds how far upstream a root may be") {
    auto ev = evidence(g, Evidence::unknown, {{"m1", Evidence::failed}, {"m2", Evidence::failed}});
    rca::RcaOptions deep;
    rca::RcaResult r = a.analyse(ev, {}, deep);
    REQUIRE(r.incidents.size() == 1);
    CHECK(top(g, r.incidents[0]) == "sw");
    rca::RcaOptions shallow;
    shallow.max_depth = 0;
    r = a.analyse(ev, {}, shallow);
    CHECK(r.incidents.size() == 2); // each failed on its own
    CHECK(r.isolated.size() == 2);
  }

  SECTION("the abnormal assets indexed once give the same analysis") {
    auto ev = evidence(g, Evidence::quiet,
                       {{"sw", Evidence::alerting}, {"m1", Evidence::alerting}, {"p1", Evidence::alerting}});
    std::vector<graph::NodeId> abnormal = rca::abnormal_nodes(ev);
    REQUIRE(abnormal.size() == 3);
    rca::RcaResult indexed = a.analyse(ev, abnormal, {node(g, "m2")}, {});
    rca::RcaResult scanned = a.analyse(ev, {node(g, "m2")}, {});
    REQUIRE(indexed.incidents.size() == 1);
    REQUIRE(scanned.incidents.size() == 1);
    CHECK(top(g, indexed.incidents[0]) == "sw");
    CHECK(indexed.incidents[0].failures == scanned.incidents[0].failures);
    CHECK(indexed.abnormal == 4); // the focus asset counts as failed
  }

  SECTION("cycles: a ring of failed switches has one incident") {
    TwinBuilder b;
    for (const char* id : {"s1", "s2", "s3"}) {
      b.asset(id, "network");
    }
    b.asset("x").rel("s1", "CONNECTS_TO", "s2").rel("s2", "CONNECTS_TO", "s3").rel("s3", "CONNECTS_TO", "s1");
    b.rel("x", "CONNECTS_TO", "s1");
    model::Twin ring = b.build();
    graph::AssetGraph rg = graph::build_graph(ring);
    rca::Analyzer ra(rg);
    std::vector<Evidence> ev(rg.nodes(), Evidence::failed);
    rca::RcaResult r = ra.analyse(ev, {}, {});
    REQUIRE(r.incidents.size() == 1);
    CHECK(r.incidents[0].failures.size() == 4);
  }
}

TEST_CASE("rca::describe_rca", "[rca]") {
  model::Twin t = plant();
  graph::AssetGraph g = graph::build_graph(t);
  rca::Observations obs;
  obs.evidence = evidence(g, Evidence::healthy,
                          {{"ups", Evidence::unknown}, {"plc", Evidence::failed}, {"sw", Evidence::failed}});
  rca::Analyzer a(g);
  rca::RcaResult r = a.analyse(obs.evidence, {}, {});
  rca::RcaReport rep = rca::describe_rca(g, obs, r, {}, {});
  REQUIRE(rep.incidents.size() == 1);
  const rca::IncidentView& inc = rep.incidents[0];
  CHECK(inc.id == "INC-1");
  CHECK(inc.roots == std::vector<std::string>{"ups"});
  CHECK(inc.candidates[0].team.contacts().oncall == "+1-555-0100");
  CHECK(inc.candidates[0].explains[0].path == std::vector<std::string>{"ups", "plc"});
  bool silent_step = false;
  for (const std::string& s : inc.steps) {
    silent_step = silent_step || s.find("named because its dependents failed together") != std::string::npos;
  }
  CHECK(silent_step);
}

TEST_CASE("rca::observe", "[rca]") {
  model::Twin t = TwinBuilder().asset("a").asset("b").asset("c").asset("d").build();
  t.assets[3].expected["status"] = {"decommissioned", {}};
  t.defaults.status_aliases["FLT"] = "fault";
  graph::AssetGraph g = graph::build_graph(t);
  model::LiveSnapshot live;
  live.sources.push_back({"src", "file", "", true, 3, ""});
  live.sources.push_back({"dead", "file", "", false, 0, "refused"});
  auto o = [](const std::string& asset, const std::string& status, const std::string& source = "src") {
    model::Observation x;
    x.asset = asset;
    x.source = source;
    x.observed_at = "2026-05-04T09:00:00Z";
    x.fields["status"] = status;
    return x;
  };
  live.observations = {o("a", "FLT"), o("b", "running"), o("c", "fault", "dead"), o("d", "offline")};
  model::Alert raise{"2026-05-04T09:00:00Z", "b", "temp", "threshold", "raise", "critical", 90.0, "", 1};
  model::Alert clear = raise;
  clear.event = "clear";
  clear.ts = "2026-05-04T09:05:00Z";
  model::Alert ghost = raise;
  ghost.asset = "nope";

  SECTION("live status through aliases; failed sources and intended-offline assets do not count") {
    rca::Observations obs = rca::observe(g, &live, nullptr);
    CHECK(obs.evidence[node(g, "a")] == Evidence::faulted); // it answers with a fault
    CHECK(obs.evidence[node(g, "b")] == Evidence::running);
    CHECK(obs.evidence[node(g, "c")] == Evidence::unknown);
    CHECK(obs.evidence[node(g, "d")] == Evidence::unknown); // meant to be down: says nothing
    CHECK(obs.failed_sources.size() == 1);
  }
  SECTION("open alerts count, cleared ones do not; unknown assets are reported") {
    std::vector<model::Alert> open{raise, ghost};
    rca::Observations obs = rca::observe(g, &live, &open);
    CHECK(obs.evidence[node(g, "b")] == Evidence::alerting);
    CHECK(obs.unknown_assets == std::vector<std::string>{"nope"});
    std::vector<model::Alert> closed{clear, raise};
    CHECK(rca::observe(g, &live, &closed).evidence[node(g, "b")] == Evidence::running);
  }
}

TEST_CASE("loaders::parse_alerts", "[rca]") {
  SECTION("valid lines, blank lines skipped") {
    auto alerts = loaders::parse_alerts(
        "a.jsonl", "{\"ts\":\"2026-05-04T03:02:11Z\",\"asset\":\"p\",\"event\":\"raise\",\"severity\":\"critical\","
                   "\"value\":3.5}\n\n{\"ts\":\"2026-05-04T03:02:12Z\",\"asset\":\"p\",\"event\":\"clear\","
                   "\"severity\":\"critical\"}\r\n");
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0].value == 3.5);
    CHECK(alerts[1].line == 3);
  }
  SECTION("bad lines name file and line") {
    CHECK_THROWS_WITH(loaders::parse_alerts("a.jsonl", "\n{not json"), Catch::StartsWith("a.jsonl:2: "));
    CHECK_THROWS_WITH(loaders::parse_alerts("a.jsonl", "{\"ts\":\"x\",\"asset\":\"p\",\"event\":\"raise\","
                                                       "\"severity\":\"critical\"}"),
                      Catch::Contains("RFC 3339"));
    CHECK_THROWS_WITH(loaders::parse_alerts("a.jsonl", "{\"ts\":\"2026-05-04T03:02:11Z\",\"asset\":\"p\","
                                                       "\"event\":\"boom\",\"severity\":\"critical\"}"),
                      Catch::Contains("raise or clear"));
    CHECK_THROWS_WITH(loaders::parse_alerts("a.jsonl", "[1,2]"), Catch::Contains("JSON object"));
    CHECK_THROWS_WITH(loaders::parse_alerts("a.jsonl", "{\"ts\":\"2026-05-04T03:02:11Z\",\"event\":\"raise\","
                                                       "\"severity\":\"critical\"}"),
                      Catch::Contains("no \"asset\""));
  }
}
