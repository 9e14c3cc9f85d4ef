// `graph -o dot`: Graphviz, spaces as nested clusters, edges coloured by type,
// nodes filled by live status (or by class without live state).
#include "lib/output/graph_output.hpp"

#include <map>

namespace twinctl::output {

namespace {

std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

const char* status_fill(const std::string& s) {
  if (s == "failed") {
    return "#f28b82";
  }
  if (s == "alerting") {
    return "#fdd663";
  }
  if (s == "healthy") {
    return "#a8dab5";
  }
  return "#e8eaed";
}

const char* class_fill(const std::string& c) {
  static const std::map<std::string, const char*> fills{
      {"power", "#fce8b2"},   {"network", "#d2e3fc"}, {"plc", "#e6d6f5"},    {"hmi", "#f5e0f0"},
      {"machine", "#ceead6"}, {"drive", "#d7f0ea"},   {"sensor", "#f1f3f4"}, {"server", "#fde2cf"},
      {"gateway", "#fad2cf"}, {"utility", "#e0f2f1"}};
  auto it = fills.find(c);
  return it == fills.end() ? "#ffffff" : it->second;
}

const char* edge_style(const std::string& type) {
  if (type == "POWERS") {
    return "color=\"#d93025\", penwidth=1.4";
  }
  if (type == "FEEDS_DATA") {
    return "color=\"#1a73e8\"";
  }
  return "color=\"#80868b\", style=dashed, arrowhead=none";
}

void write_cluster(std::ostream& out, const graph::GraphView& v, const std::string& parent, int indent,
                   const std::multimap<std::string, const graph::ViewNode*>& by_space) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  auto [b, e] = by_space.equal_range(parent);
  for (auto it = b; it != e; ++it) {
    const graph::ViewNode& n = *it->second;
    out << pad << q(n.id) << " [label=" << q(n.id + "\n" + n.asset_class)
        << ", fillcolor=" << q(v.live ? status_fill(n.status) : class_fill(n.asset_class))
        << ", tooltip=" << q(n.name + (n.status.empty() ? "" : " (" + n.status + ")")) << "];\n";
  }
  for (const graph::ViewCluster& c : v.clusters) {
    if (c.parent != parent || c.id.empty()) {
      continue;
    }
    out << pad << "subgraph " << q("cluster_" + c.id) << " {\n"
        << pad << "  label=" << q((c.name.empty() ? c.id : c.name) + " [" + c.type + "]") << ";\n";
    write_cluster(out, v, c.id, indent + 1, by_space);
    out << pad << "}\n";
  }
}

} // namespace

void write_graph_dot(std::ostream& out, const graph::GraphView& v) {
  out << "digraph " << q(v.site) << " {\n"
      << "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, style=rounded, color=\"#9aa0a6\", label="
      << q("site " + v.site + (v.around.empty() ? "" : ", around " + v.around) +
           "  —  red: POWERS, blue: FEEDS_DATA, dashed: CONNECTS_TO")
      << "];\n"
      << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=9];\n"
      << "  edge [arrowsize=0.6];\n";
  std::multimap<std::string, const graph::ViewNode*> by_space;
  std::map<std::string, bool> is_cluster;
  for (const graph::ViewCluster& c : v.clusters) {
    is_cluster[c.id] = true;
  }
  for (const graph::ViewNode& n : v.nodes) {
    by_space.insert({is_cluster.count(n.space) ? n.space : "", &n});
  }
  write_cluster(out, v, "", 1, by_space);
  for (const graph::ViewEdge& e : v.edges) {
    out << "  " << q(e.from) << " -> " << q(e.to) << " [" << edge_style(e.type) << "];\n";
  }
  out << "}\n";
}

} // namespace twinctl::output
