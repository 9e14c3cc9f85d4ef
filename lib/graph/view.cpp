#include "lib/graph/view.hpp"

#include "lib/graph/propagate.hpp"

#include <algorithm>
#include <tuple>

namespace twinctl::graph {

namespace {

bool allowed(const ViewOptions& o, EdgeType t) { return o.types.empty() || o.types.count(t) > 0; }

// Step: the nodes within `depth` hops of the centre, along edges of the allowed types either way.
std::vector<uint8_t> neighbourhood(const AssetGraph& g, const ViewOptions& o, NodeId centre) {
  std::vector<uint8_t> in(g.nodes(), 0);
  std::vector<NodeId> level{centre};
  in[centre] = 1;
  for (int d = 0; d < o.depth && !level.empty(); ++d) {
    std::vector<NodeId> next;
    for (NodeId v : level) {
      for (const Csr* c : {&g.out, &g.in}) {
        for (size_t e = c->begin(v); e < c->end(v); ++e) {
          if (allowed(o, c->types[e]) && !in[c->targets[e]]) {
            in[c->targets[e]] = 1;
            next.push_back(c->targets[e]);
          }
        }
      }
    }
    level = std::move(next);
  }
  return in;
}

// Step: the spaces of the drawn nodes and every ancestor, so clusters nest.
void add_clusters(GraphView& v, const AssetGraph& g, const std::vector<uint8_t>& drawn) {
  std::vector<uint8_t> used(g.space_parent.size(), 0);
  for (NodeId n = 0; n < g.nodes(); ++n) {
    NodeId s = g.space_of[n];
    for (size_t guard = 0; drawn[n] && s != k_no_node && guard <= used.size() && !used[s]; ++guard) {
      used[s] = 1;
      s = g.space_parent[s];
    }
  }
  for (size_t s = 0; s < used.size(); ++s) {
    if (used[s]) {
      const model::Space& sp = g.twin->spaces[s];
      NodeId p = g.space_parent[s];
      v.clusters.push_back({sp.id, sp.name, sp.type, p == k_no_node ? "" : g.twin->spaces[p].id});
    }
  }
}

} // namespace

GraphView make_view(const AssetGraph& g, const ViewOptions& opts, const std::vector<std::string>& status) {
  GraphView v;
  v.site = g.twin->id;
  v.around = opts.around;
  v.live = !status.empty();
  std::vector<uint8_t> drawn(g.nodes(), 1);
  if (!opts.around.empty()) {
    drawn = neighbourhood(g, opts, resolve_targets(g, {opts.around}, false).front());
  }
  for (NodeId n = 0; n < g.nodes(); ++n) {
    if (!drawn[n]) {
      continue;
    }
    const model::Asset& a = g.asset(n);
    v.nodes.push_back({a.id, a.name, a.asset_class, g.space_of[n] == k_no_node ? "" : a.located_in,
                       status.empty() ? "" : status[n]});
    for (size_t e = g.out.begin(n); e < g.out.end(n); ++e) {
      NodeId w = g.out.targets[e];
      EdgeType t = g.out.types[e];
      if (!drawn[w] || !allowed(opts, t)) {
        continue;
      }
      // Back in the declared direction: CONNECTS_TO is declared on the endpoint.
      const std::string& to = g.asset(w).id;
      v.edges.push_back(t == EdgeType::connects_to ? ViewEdge{to, a.id, to_string(t)} : ViewEdge{a.id, to, to_string(t)});
    }
  }
  std::sort(v.edges.begin(), v.edges.end(), [](const ViewEdge& a, const ViewEdge& b) {
    return std::tie(a.from, a.to, a.type) < std::tie(b.from, b.to, b.type);
  });
  add_clusters(v, g, drawn);
  return v;
}

} // namespace twinctl::graph
