#include "lib/graph/graph.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace twinctl::graph {

namespace {

struct RawEdge {
  NodeId from;
  NodeId to;
  EdgeType type;
};

// Index of `id` in a vector sorted by id; k_no_node when absent.
template <class T> NodeId index_of(const std::vector<T>& v, std::string_view id) {
  auto it = std::lower_bound(v.begin(), v.end(), id, [](const T& x, std::string_view k) { return x.id < k; });
  return it != v.end() && it->id == id ? static_cast<NodeId>(it - v.begin()) : k_no_node;
}

// Step: every declared relationship as an edge in the direction failures travel.
std::vector<RawEdge> collect_edges(const model::Twin& twin) {
  std::vector<RawEdge> edges;
  edges.reserve(twin.assets.size() * 2);
  for (NodeId n = 0; n < twin.assets.size(); ++n) {
    for (const model::Relationship& r : twin.assets[n].relationships) {
      auto type = parse_edge_type(r.type);
      NodeId target = index_of(twin.assets, r.target);
      if (!type || target == k_no_node || target == n) {
        continue;
      }
      // CONNECTS_TO is declared on the endpoint but a failure travels from the network element.
      edges.push_back(*type == EdgeType::connects_to ? RawEdge{target, n, *type} : RawEdge{n, target, *type});
    }
  }
  return edges;
}

// Step: counting sort of the edges by `from` (or `to`) into CSR, then sort each row.
Csr make_csr(size_t nodes, const std::vector<RawEdge>& edges, bool reverse) {
  Csr c;
  c.offsets.assign(nodes + 1, 0);
  for (const RawEdge& e : edges) {
    ++c.offsets[(reverse ? e.to : e.from) + 1];
  }
  for (size_t i = 0; i < nodes; ++i) {
    c.offsets[i + 1] += c.offsets[i];
  }
  c.targets.resize(edges.size());
  c.types.resize(edges.size());
  std::vector<uint32_t> fill(c.offsets.begin(), c.offsets.end() - 1);
  for (const RawEdge& e : edges) {
    uint32_t& at = fill[reverse ? e.to : e.from];
    c.targets[at] = reverse ? e.from : e.to;
    c.types[at] = e.type;
    ++at;
  }
  // Rows in (neighbour, type) order, duplicates removed, so traversals are deterministic.
  std::vector<std::pair<NodeId, EdgeType>> row;
  size_t write = 0;
  for (size_t n = 0; n < nodes; ++n) {
    row.clear();
    for (size_t i = c.offsets[n]; i < c.offsets[n + 1]; ++i) {
      row.emplace_back(c.targets[i], c.types[i]);
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    c.offsets[n] = static_cast<uint32_t>(write);
    for (const auto& [t, ty] : row) {
      c.targets[write] = t;
      c.types[write] = ty;
      ++write;
    }
  }
  c.offsets[nodes] = static_cast<uint32_t>(write);
  c.targets.resize(write);
  c.types.resize(write);
  return c;
}

// Step: n - k per relationship type from `redundancy:`.
void set_tolerance(AssetGraph& g) {
  g.tolerance.assign(g.nodes(), {0, 0, 0});
  for (NodeId n = 0; n < g.nodes(); ++n) {
    for (const auto& [type_name, k] : g.asset(n).redundancy) {
      auto type = parse_edge_type(type_name);
      if (!type) {
        continue;
      }
      size_t total = g.feeders(n, *type);
      size_t need = static_cast<size_t>(std::max(k, 0));
      size_t tol = total > need ? total - need : 0;
      g.tolerance[n][static_cast<size_t>(*type)] =
          static_cast<uint16_t>(std::min<size_t>(tol, std::numeric_limits<uint16_t>::max()));
    }
  }
}

} // namespace

const char* to_string(EdgeType t) {
  switch (t) {
  case EdgeType::feeds_data:
    return "FEEDS_DATA";
  case EdgeType::powers:
    return "POWERS";
  case EdgeType::connects_to:
    return "CONNECTS_TO";
  }
  return "?";
}

std::optional<EdgeType> parse_edge_type(std::string_view name) {
  if (name == "FEEDS_DATA") {
    return EdgeType::feeds_data;
  }
  if (name == "POWERS") {
    return EdgeType::powers;
  }
  if (name == "CONNECTS_TO") {
    return EdgeType::connects_to;
  }
  return std::nullopt;
}

std::optional<NodeId> AssetGraph::find(std::string_view id) const {
  NodeId n = index_of(twin->assets, id);
  return n == k_no_node ? std::nullopt : std::optional<NodeId>(n);
}

size_t AssetGraph::feeders(NodeId n, EdgeType t) const {
  size_t count = 0;
  for (size_t i = in.begin(n); i < in.end(n); ++i) {
    count += in.types[i] == t ? 1 : 0;
  }
  return count;
}

AssetGraph build_graph(const model::Twin& twin) {
  AssetGraph g;
  g.twin = &twin;
  std::vector<RawEdge> edges = collect_edges(twin);
  g.out = make_csr(twin.assets.size(), edges, false);
  g.in = make_csr(twin.assets.size(), edges, true);
  edges = {};
  set_tolerance(g);
  g.space_of.resize(twin.assets.size());
  for (NodeId n = 0; n < twin.assets.size(); ++n) {
    g.space_of[n] = index_of(twin.spaces, twin.assets[n].located_in);
  }
  g.space_parent.resize(twin.spaces.size());
  for (size_t s = 0; s < twin.spaces.size(); ++s) {
    g.space_parent[s] = index_of(twin.spaces, twin.spaces[s].parent);
  }
  g.space_total.assign(twin.spaces.size(), 0);
  for (NodeId n = 0; n < twin.assets.size(); ++n) {
    NodeId s = g.space_of[n];
    // Bounded by the number of spaces, in case of a parent cycle.
    for (size_t guard = 0; s != k_no_node && guard <= g.space_parent.size(); ++guard, s = g.space_parent[s]) {
      g.space_total[s]++;
    }
  }
  return g;
}

NodeId enclosing_space(const AssetGraph& g, NodeId n, std::string_view type) {
  NodeId s = g.space_of[n];
  // Bounded by the number of spaces, in case of a parent cycle.
  for (size_t guard = 0; s != k_no_node && guard <= g.space_parent.size(); ++guard) {
    if (g.twin->spaces[s].type == type) {
      return s;
    }
    s = g.space_parent[s];
  }
  return k_no_node;
}

} // namespace twinctl::graph
