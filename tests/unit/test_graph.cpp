#include <catch2/catch.hpp>

#include "graph_fixture.hpp"
#include "lib/graph/impact.hpp"
#include "lib/graph/propagate.hpp"
#include "lib/graph/view.hpp"
#include "lib/output/graph_output.hpp"
#include "lib/util/error.hpp"

#include <algorithm>
#include <set>
#include <sstream>

using namespace twinctl;
using test::node;
using test::TwinBuilder;

namespace {

std::set<std::string> failed_ids(const graph::AssetGraph& g, const graph::Propagation& p) {
  std::set<std::string> out;
  for (graph::NodeId n : p.failed) {
    out.insert(g.asset(n).id);
  }
  return out;
}

graph::Propagation fail(const graph::AssetGraph& g, std::vector<std::string> ids, graph::PropagationOptions o = {}) {
  graph::Propagator p(g);
  return p.run(graph::resolve_targets(g, ids, true), o);
}

} // namespace

TEST_CASE("graph::build_graph", "[graph]") {
  model::Twin t = TwinBuilder()
                      .asset("sw", "network")
                      .asset("plc", "plc")
                      .asset("ups", "power")
                      .asset("hmi", "hmi")
                      .rel("plc", "CONNECTS_TO", "sw")
                      .rel("ups", "POWERS", "plc")
                      .rel("plc", "FEEDS_DATA", "hmi")
                      .rel("plc", "FEEDS_DATA", "ghost") // dangling: skipped
                      .build();
  graph::AssetGraph g = graph::build_graph(t);
  REQUIRE(g.nodes() == 4);
  REQUIRE(g.edges() == 3);

  SECTION("CONNECTS_TO is stored from the network element to the endpoint") {
    graph::NodeId sw = node(g, "sw");
    REQUIRE(g.out.end(sw) - g.out.begin(sw) == 1);
    CHECK(g.asset(g.out.targets[g.out.begin(sw)]).id == "plc");
    CHECK(g.out.types[g.out.begin(sw)] == graph::EdgeType::connects_to);
    CHECK(g.feeders(node(g, "plc"), graph::EdgeType::connects_to) == 1);
  }
  SECTION("POWERS and FEEDS_DATA keep their declared direction") {
    CHECK(g.feeders(node(g, "plc"), graph::EdgeType::powers) == 1);
    CHECK(g.feeders(node(g, "hmi"), graph::EdgeType::feeds_data) == 1);
    CHECK(g.feeders(node(g, "ups"), graph::EdgeType::powers) == 0);
  }
}

TEST_CASE("graph::Propagator::run", "[graph]") {
  SECTION("a switch failure takes its endpoints down, not the switch it uplinks to") {
    model::Twin t = TwinBuilder()
                        .asset("core", "network")
                        .asset("sw", "network")
                        .asset("plc", "plc")
                        .rel("sw", "CONNECTS_TO", "core")
                        .rel("plc", "CONNECTS_TO", "sw")
                        .build();
    graph::AssetGraph g = graph::build_graph(t);
    CHECK(failed_ids(g, fail(g, {"sw"})) == std::set<std::string>{"sw", "plc"});
    CHECK(failed_ids(g, fail(g, {"plc"})) == std::set<std::string>{"plc"});
    CHECK(failed_ids(g, fail(g, {"core"})) == std::set<std::string>{"core", "sw", "plc"});
  }

  SECTION("redundancy k-of-n: fails only when fewer than k feeders are up") {
    model::Twin t = TwinBuilder()
                        .asset("a", "power")
                        .asset("b", "power")
                        .asset("c", "power")
                        .asset("load")
                        .rel("a", "POWERS", "load")
                        .rel("b", "POWERS", "load")
                        .rel("c", "POWERS", "load")
                        .redundancy("load", "POWERS", 2)
                        .build();
    graph::AssetGraph g = graph::build_graph(t);
    graph::Propagation one = fail(g, {"a"});
    CHECK(failed_ids(g, one) == std::set<std::string>{"a"});
    REQUIRE(one.survivors.size() == 1);
    CHECK(g.asset(one.survivors[0].node).id == "load");
    CHECK(one.survivors[0].down == 1);
    CHECK(one.survivors[0].total == 3);
    CHECK(failed_ids(g, fail(g, {"a", "b"})) == std::set<std::string>{"a", "b", "load"});
  }

  SECTION("without redundancy every feeder is needed") {
    model::Twin t = TwinBuilder()
                        .asset("a", "power")
                        .asset("b", "power")
                        .asset("load")
                        .rel("a", "POWERS", "load")
                        .rel("b", "POWERS", "load")
                        .build();
    graph::AssetGraph g = graph::build_graph(t);
    CHECK(failed_ids(g, fail(g, {"b"})) == std::set<std::string>{"b", "load"});
  }

  SECTION("a ring of switches is walked once, and redundancy keeps the ring up") {
    TwinBuilder b;
    for (const char* id : {"s1", "s2", "s3", "s4"}) {
      b.asset(id, "network");
    }
    b.rel("s1", "CONNECTS_TO", "s2").rel("s2", "CONNECTS_TO", "s3").rel("s3", "CONNECTS_TO", "s4");
    b.rel("s4", "CONNECTS_TO", "s1");
    model::Twin ring = b.build();
    graph::AssetGraph g = graph::build_graph(ring);
    CHECK(failed_ids(g, fail(g, {"s1"})).size() == 4); // no redundancy: the ring is a chain of single points

    b.rel("s1", "CONNECTS_TO", "s3").redundancy("s1", "CONNECTS_TO", 1).redundancy("s3", "CONNECTS_TO", 1);
    b.rel("s2", "CONNECTS_TO", "s4").redundancy("s2", "CONNECTS_TO", 1).redundancy("s4", "CONNECTS_TO", 1);
    model::Twin meshed = b.build();
    graph::AssetGraph m = graph::build_graph(meshed);
    CHECK(failed_ids(m, fail(m, {"s2"})) == std::set<std::string>{"s2"});
  }

  SECTION("depth limits the hops; hops and paths are the shortest") {
    model::Twin t = TwinBuilder()
                        .asset("feed", "power")
                        .asset("ups", "power")
                        .asset("plc", "plc")
                        .asset("hmi", "hmi")
                        .rel("feed", "POWERS", "ups")
                        .rel("ups", "POWERS", "plc")
                        .rel("plc", "FEEDS_DATA", "hmi")
                        .build();
    graph::AssetGraph g = graph::build_graph(t);
    CHECK(failed_ids(g, fail(g, {"feed"}, {1, 1.0, 1})) == std::set<std::string>{"feed", "ups"});
    graph::Propagation p = fail(g, {"feed"});
    graph::FailureReport r = graph::describe_failure(g, p, {"feed"}, {});
    REQUIRE(r.affected.size() == 4);
    CHECK(r.asset(r.affected[3]).id == "hmi");
    CHECK(r.affected[3].hop == 3);
    CHECK(r.path_ids(3) == std::vector<std::string>{"feed", "ups", "plc", "hmi"});
    CHECK(r.path_via(3) == std::vector<std::string>{"POWERS", "POWERS", "FEEDS_DATA"});
  }

  SECTION("a propagation probability is deterministic per seed") {
    TwinBuilder b;
    b.asset("root", "power");
    for (int i = 0; i < 200; ++i) {
      b.asset("m" + std::to_string(i)).rel("root", "POWERS", "m" + std::to_string(i));
    }
    model::Twin t = b.build();
    graph::AssetGraph g = graph::build_graph(t);
    size_t n1 = fail(g, {"root"}, {-1, 0.5, 7}).failed.size();
    CHECK(n1 == fail(g, {"root"}, {-1, 0.5, 7}).failed.size());
    CHECK(n1 > 60);
    CHECK(n1 < 140);
    CHECK(fail(g, {"root"}, {-1, 0.0, 7}).failed.size() == 1);
  }

  SECTION("a wide level comes out in id order; sample() fails the same set as run()") {
    TwinBuilder b;
    b.asset("root", "power");
    for (int i = 0; i < 300; ++i) {
      std::string id = "m" + std::to_string(1000 + (i * 7919) % 300); // declared out of order
      b.asset(id).rel("root", "POWERS", id);
    }
    model::Twin t = b.build();
    graph::AssetGraph g = graph::build_graph(t);
    graph::Propagation p = fail(g, {"root"});
    REQUIRE(p.failed.size() == 301);
    CHECK(std::is_sorted(p.failed.begin() + 1, p.failed.end()));
    CHECK(p.parent_index[300] == 0);
    graph::Propagator prop(g);
    for (uint64_t seed : {1, 2, 3}) {
      graph::Propagation full = prop.run({node(g, "root")}, {-1, 0.5, seed});
      std::vector<graph::NodeId> drawn = prop.sample(node(g, "root"), {-1, 0.5, seed});
      std::sort(drawn.begin(), drawn.end());
      std::sort(full.failed.begin(), full.failed.end());
      CHECK(drawn == full.failed);
    }
  }
}

TEST_CASE("graph::describe_failure", "[graph]") {
  model::Twin t = TwinBuilder()
                      .space("line-1", "line")
                      .space("cell-1", "cell", "line-1")
                      .team("maint", "+1-555-0100")
                      .asset("feed", "power", "line-1", "maint")
                      .asset("press", "machine", "cell-1", "maint")
                      .asset("sensor", "sensor", "cell-1")
                      .rel("feed", "POWERS", "press")
                      .power("press", 22)
                      .build();
  graph::AssetGraph g = graph::build_graph(t);

  SECTION("classes, stopped lines and cells, teams, power") {
    graph::Propagator p(g);
    graph::FailureReport r = graph::describe_failure(g, p.run({node(g, "feed")}, {}), {"feed"}, {});
    CHECK(r.by_class == std::map<std::string, size_t>{{"machine", 1}, {"power", 1}});
    CHECK(r.power_lost_kw == Approx(22));
    REQUIRE(r.spaces.size() == 2);
    CHECK(r.spaces[0].id == "line-1");
    CHECK(r.spaces[0].down == 2);
    CHECK(r.spaces[0].total == 3);
    CHECK(r.spaces[0].stopped);
    REQUIRE(r.teams.size() == 1);
    CHECK(r.teams[0].contacts().oncall == "+1-555-0100");
    CHECK(r.teams[0].assets == 2);
  }
  SECTION("JSON: the affected assets are streamed, and the text is the document's dump(2)") {
    graph::Propagator p(g);
    graph::FailureReport r = graph::describe_failure(g, p.run({node(g, "feed")}, {}), {"feed"}, {});
    std::ostringstream out;
    output::write_failure_json(out, r);
    CHECK(out.str() == output::failure_json(r).dump(2) + "\n");
    nlohmann::json doc = nlohmann::json::parse(out.str());
    REQUIRE(doc["affected"].size() == 2);
    CHECK(doc["affected"][1]["path"] == nlohmann::json{"feed", "press"});
    CHECK(doc["affected"][1]["power_kw"] == 22);
  }
  SECTION("a space fails every asset in it") {
    CHECK(failed_ids(g, fail(g, {"cell-1"})) == std::set<std::string>{"press", "sensor"});
  }
  SECTION("an unknown asset is an error with a suggestion") {
    CHECK_THROWS_WITH(fail(g, {"pres"}), Catch::Contains("unknown asset 'pres'") && Catch::Contains("press"));
  }
}

TEST_CASE("graph::make_view", "[graph]") {
  model::Twin t = TwinBuilder()
                      .space("line-1", "line")
                      .asset("sw", "network", "line-1")
                      .asset("plc", "plc", "line-1")
                      .asset("hmi", "hmi")
                      .asset("far", "machine")
                      .rel("plc", "CONNECTS_TO", "sw")
                      .rel("plc", "FEEDS_DATA", "hmi")
                      .rel("hmi", "FEEDS_DATA", "far")
                      .build();
  graph::AssetGraph g = graph::build_graph(t);
  SECTION("edges in their declared direction, clusters by space") {
    graph::GraphView v = graph::make_view(g, {}, {});
    REQUIRE(v.edges.size() == 3);
    CHECK(v.edges[2].from == "plc");
    CHECK(v.edges[2].to == "sw");
    CHECK(v.edges[2].type == "CONNECTS_TO");
    REQUIRE(v.clusters.size() == 1);
    CHECK(v.clusters[0].id == "line-1");
  }
  SECTION("a neighbourhood and a type filter") {
    graph::GraphView v = graph::make_view(g, {"plc", 1, {graph::EdgeType::feeds_data}}, {});
    REQUIRE(v.nodes.size() == 2);
    CHECK(v.nodes[0].id == "hmi");
    CHECK(v.nodes[1].id == "plc");
  }
}
