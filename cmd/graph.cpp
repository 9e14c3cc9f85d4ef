// twinctl graph: export the asset graph (or a neighbourhood of it) as DOT,
// Mermaid or JSON, clustered by space and coloured by live status.
#include "cmd/common.hpp"

#include "lib/graph/graph.hpp"
#include "lib/graph/view.hpp"
#include "lib/output/graph_output.hpp"
#include "lib/rca/evidence.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <memory>

namespace twinctl::cmd {

namespace {

struct GraphArgs {
  TwinArgs twin;
  std::string around;
  int depth = 2;
  std::vector<std::string> types;
  std::vector<std::string> live;
};

std::set<graph::EdgeType> parse_types(const std::vector<std::string>& args) {
  std::set<graph::EdgeType> out;
  for (const std::string& arg : args) {
    for (const std::string& name : util::split(arg, ',')) {
      auto t = graph::parse_edge_type(util::trim(name));
      if (!t) {
        throw Error("--type: unknown relationship type '" + name + "' (one of FEEDS_DATA, POWERS, CONNECTS_TO)");
      }
      out.insert(*t);
    }
  }
  return out;
}

int run_graph(const GraphArgs& a, const GlobalOptions& g) {
  graph::ViewOptions opts{a.around, a.depth, parse_types(a.types)};
  loaders::LoadResult loaded = load_twin(a.twin);
  if (!loaded.errors.empty()) {
    print_errors(loaded.errors);
    return k_exit_error;
  }
  const graph::AssetGraph graph = graph::build_graph(loaded.twin);
  std::vector<std::string> status;
  bool incomplete = false;
  if (!a.live.empty()) {
    model::LiveSnapshot live = read_live_sources(a.live, loaded.twin);
    rca::Observations obs = rca::observe(graph, &live, nullptr);
    for (rca::Evidence e : obs.evidence) {
      status.push_back(rca::status_word(e));
    }
    incomplete = !obs.failed_sources.empty();
  }
  graph::GraphView view = graph::make_view(graph, opts, status);
  write_each_output(g, "dot", [&view](const std::string& fmt, std::ostream& out) {
    if (fmt == "json") {
      output::write_graph_json(out, view);
    } else if (fmt == "mermaid") {
      output::write_graph_mermaid(out, view);
    } else {
      output::write_graph_dot(out, view);
    }
  });
  return incomplete ? k_exit_incomplete : k_exit_ok;
}

} // namespace

void register_graph(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<GraphArgs>();
  CLI::App* sub = root.add_subcommand("graph", "Export the asset graph as DOT, Mermaid or JSON");
  sub->description(
      "Export the asset graph: assets as nodes grouped into their spaces (site > building > area > line > "
      "cell), relationships as edges in their declared direction (POWERS red, FEEDS_DATA blue, CONNECTS_TO "
      "dashed). With --around, only the assets within --depth hops of one asset. With --live, nodes are "
      "coloured by live status (failed, alerting, healthy, unobserved). Render DOT with Graphviz: "
      "`twinctl graph | dot -Tsvg > plant.svg`.");
  add_twin_options(*sub, a->twin);
  sub->add_option("--around", a->around, "Only the neighbourhood of this asset");
  sub->add_option("--depth", a->depth, "Hops around --around, either direction")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--type", a->types, "Only these relationship types, comma-separated (POWERS,FEEDS_DATA,...)");
  sub->add_option("--live", a->live, "Colour by live status from this source (repeatable)");
  add_output_option(*sub, g, {"dot", "mermaid", "json"});
  sub->footer(help_footer("  twinctl graph --twin examples/factory | dot -Tsvg > plant.svg\n"
                          "  twinctl graph --twin examples/factory --around plc-l1-01 --depth 1 -o mermaid\n"
                          "  twinctl graph --twin examples/factory --type POWERS -o json=power.json\n"
                          "  twinctl graph --twin examples/factory --live examples/live/snapshot.json\n"
                          "\n"
                          "  With --live, exit 3 when a live source could not be read (the graph is written).\n"));
  sub->callback([a, &g, &rc] { rc = run_graph(*a, g); });
}

} // namespace twinctl::cmd
