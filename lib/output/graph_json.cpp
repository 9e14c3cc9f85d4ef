// `graph -o json` (schemas/graph.schema.json).
#include "lib/output/graph_output.hpp"

namespace twinctl::output {

nlohmann::json graph_json(const graph::GraphView& v) {
  nlohmann::json j;
  j["schema_version"] = 1;
  j["kind"] = "asset-graph";
  j["site"] = v.site;
  j["around"] = v.around.empty() ? nlohmann::json() : nlohmann::json(v.around);
  j["live"] = v.live;
  nlohmann::json& nodes = j["nodes"] = nlohmann::json::array();
  for (const graph::ViewNode& n : v.nodes) {
    nlohmann::json x{{"id", n.id}, {"name", n.name}, {"class", n.asset_class},
                     {"space", n.space.empty() ? nlohmann::json() : nlohmann::json(n.space)}};
    if (v.live) {
      x["status"] = n.status;
    }
    nodes.push_back(std::move(x));
  }
  nlohmann::json& edges = j["edges"] = nlohmann::json::array();
  for (const graph::ViewEdge& e : v.edges) {
    edges.push_back({{"from", e.from}, {"to", e.to}, {"type", e.type}});
  }
  nlohmann::json& clusters = j["spaces"] = nlohmann::json::array();
  for (const graph::ViewCluster& c : v.clusters) {
    clusters.push_back({{"id", c.id}, {"name", c.name}, {"type", c.type},
                        {"parent", c.parent.empty() ? nlohmann::json() : nlohmann::json(c.parent)}});
  }
  return j;
}

void write_graph_json(std::ostream& out, const graph::GraphView& v) { out << graph_json(v).dump(2) << "\n"; }

} // namespace twinctl::output
