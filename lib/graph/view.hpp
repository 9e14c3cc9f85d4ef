// What `twinctl graph` draws: the asset graph or a neighbourhood of it, with
// edges in their declared direction, nodes grouped into their spaces (line,
// cell, ...), and a live status per node when live state was given. Pure.
#pragma once

#include "lib/graph/graph.hpp"

#include <set>
#include <string>
#include <vector>

namespace twinctl::graph {

struct ViewNode {
  std::string id;
  std::string name;
  std::string asset_class;
  std::string space;  // cluster id; empty = none
  std::string status; // live: failed | alerting | healthy | unobserved; empty without live state
};

struct ViewEdge {
  std::string from; // the asset that declares the relationship
  std::string to;
  std::string type;
};

struct ViewCluster {
  std::string id;
  std::string name;
  std::string type;
  std::string parent; // empty = top level (or a parent not drawn)
};

struct GraphView {
  std::string site;
  std::string around; // empty = the whole graph
  bool live = false;
  std::vector<ViewNode> nodes;       // by id
  std::vector<ViewEdge> edges;       // by (from, to, type)
  std::vector<ViewCluster> clusters; // spaces holding a drawn node, and their ancestors; by id
};

struct ViewOptions {
  std::string around;       // an asset id; empty = everything
  int depth = 2;            // hops around it, in either direction
  std::set<EdgeType> types; // empty = every type
};

// The view. `status` is empty (no live state) or one word per node. Throws
// twinctl::Error for an unknown --around asset (with a did-you-mean).
GraphView make_view(const AssetGraph& g, const ViewOptions& opts, const std::vector<std::string>& status);

} // namespace twinctl::graph
