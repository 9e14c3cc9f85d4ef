// `graph -o mermaid`: a Mermaid flowchart (renders in GitHub Markdown).
// Mermaid ids are n0, n1, ... (asset ids may hold characters Mermaid reads as syntax).
#include "lib/output/graph_output.hpp"

#include <map>

namespace twinctl::output {

namespace {

std::string label(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c == '"' ? std::string("#quot;") : std::string(1, c);
  }
  return "\"" + out + "\"";
}

struct Ids {
  std::map<std::string, std::string> node;
  std::map<std::string, std::string> cluster;
};

void write_level(std::ostream& out, const graph::GraphView& v, const std::string& parent, int indent, const Ids& ids,
                 const std::multimap<std::string, const graph::ViewNode*>& by_space) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  auto [b, e] = by_space.equal_range(parent);
  for (auto it = b; it != e; ++it) {
    const graph::ViewNode& n = *it->second;
    out << pad << ids.node.at(n.id) << "[" << label(n.id + "<br/>" + n.asset_class) << "]\n";
  }
  for (const graph::ViewCluster& c : v.clusters) {
    if (c.parent == parent && !c.id.empty()) {
      out << pad << "subgraph " << ids.cluster.at(c.id) << "[" << label(c.name.empty() ? c.id : c.name) << "]\n";
      write_level(out, v, c.id, indent + 1, ids, by_space);
      out << pad << "end\n";
    }
  }
}

} // namespace

void write_graph_mermaid(std::ostream& out, const graph::GraphView& v) {
  Ids ids;
  for (const graph::ViewNode& n : v.nodes) {
    ids.node[n.id] = "n" + std::to_string(ids.node.size());
  }
  for (const graph::ViewCluster& c : v.clusters) {
    ids.cluster[c.id] = "s" + std::to_string(ids.cluster.size());
  }
  std::multimap<std::string, const graph::ViewNode*> by_space;
  for (const graph::ViewNode& n : v.nodes) {
    by_space.insert({ids.cluster.count(n.space) ? n.space : "", &n});
  }
  out << "flowchart LR\n";
  write_level(out, v, "", 1, ids, by_space);
  for (const graph::ViewEdge& e : v.edges) {
    const char* arrow = e.type == "CONNECTS_TO" ? " -.- " : e.type == "POWERS" ? " ==> " : " --> ";
    out << "  " << ids.node.at(e.from) << arrow << ids.node.at(e.to) << "\n";
  }
  if (v.live) {
    out << "  classDef failed fill:#f28b82,stroke:#a50e0e\n"
           "  classDef alerting fill:#fdd663,stroke:#b06000\n"
           "  classDef healthy fill:#a8dab5,stroke:#0d652d\n"
           "  classDef unobserved fill:#e8eaed,stroke:#80868b\n";
    std::map<std::string, std::string> members;
    for (const graph::ViewNode& n : v.nodes) {
      std::string& m = members[n.status.empty() ? "unobserved" : n.status];
      m += (m.empty() ? "" : ",") + ids.node.at(n.id);
    }
    for (const auto& [status, list] : members) {
      out << "  class " << list << " " << status << "\n";
    }
  }
}

} // namespace twinctl::output
