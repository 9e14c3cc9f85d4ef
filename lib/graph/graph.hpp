// The asset graph: built once from the twin, stored compactly
// (CSR: one offsets array and one flat neighbour array per direction) so that a
// million assets fit in memory and traverse fast. Node i is twin.assets[i]
// (sorted by id), so node order is id order and every traversal is
// deterministic. Cycles (switch rings) are fine: traversals mark what they saw.
//
// Edges are stored in the direction a failure travels:
//   FEEDS_DATA  producer -> consumer     (declared on the producer)
//   POWERS      source   -> load         (declared on the source)
//   CONNECTS_TO network element -> endpoint (declared on the endpoint: reversed)
// LOCATED_IN and OWNED_BY are not edges: they are node attributes (space, team).
#pragma once

#include "lib/model/twin.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::graph {

using NodeId = uint32_t;
inline constexpr NodeId k_no_node = 0xFFFFFFFFu;

enum class EdgeType : uint8_t { feeds_data = 0, powers = 1, connects_to = 2 };
inline constexpr size_t k_edge_types = 3;

// "FEEDS_DATA", "POWERS", "CONNECTS_TO".
const char* to_string(EdgeType t);
// The type named by `name` (as in YAML); nullopt for anything else.
std::optional<EdgeType> parse_edge_type(std::string_view name);

// One direction of the graph in CSR form: the neighbours of node n are
// targets[offsets[n] .. offsets[n+1]), sorted by (neighbour, type).
struct Csr {
  std::vector<uint32_t> offsets; // nodes + 1
  std::vector<NodeId> targets;
  std::vector<EdgeType> types;

  size_t begin(NodeId n) const { return offsets[n]; }
  size_t end(NodeId n) const { return offsets[n + 1]; }
};

struct AssetGraph {
  const model::Twin* twin = nullptr; // node i is twin->assets[i]
  Csr out; // failure travels along out edges
  Csr in;  // the same edges reversed: who a node depends on (its feeders)
  // How many failed feeders of each type a node survives: n - k for
  // `redundancy: {TYPE: k}`, 0 without redundancy (every feeder is needed).
  std::vector<std::array<uint16_t, k_edge_types>> tolerance;
  // Space of each node (index into twin->spaces, k_no_node when none) and
  // each space's parent, so clusters and "lines stopped" need no string lookups.
  std::vector<NodeId> space_of;
  std::vector<NodeId> space_parent;
  // Assets located in each space or below it (reports give down/total
  // without scanning the twin).
  std::vector<uint32_t> space_total;

  size_t nodes() const { return out.offsets.empty() ? 0 : out.offsets.size() - 1; }
  size_t edges() const { return out.targets.size(); }
  const model::Asset& asset(NodeId n) const { return twin->assets[n]; }
  // The node of an asset id; nullopt when the twin has no such asset.
  std::optional<NodeId> find(std::string_view id) const;
  // Number of feeders of node n of type t.
  size_t feeders(NodeId n, EdgeType t) const;
};

// Builds the graph of a twin whose references were checked (validate's
// structure checks); relationships to unknown assets are skipped. The twin
// must outlive the graph.
AssetGraph build_graph(const model::Twin& twin);

// The nearest enclosing space of node n (its own space first) whose type is
// `type` ("line", "cell", "area"); k_no_node when none.
NodeId enclosing_space(const AssetGraph& g, NodeId n, std::string_view type);

} // namespace twinctl::graph
