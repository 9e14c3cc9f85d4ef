// Forward failure propagation over the asset graph (`simulate failure`, and
// the forward model RCA scores its candidates with). Redundancy-aware: a node
// fails when more of its feeders of one type failed than it tolerates
// (graph.hpp). Three ways to be down: *dead* (failed itself, or lost power)
// and *cut off* (lost its network element) are stopped; *degraded* (lost a
// data producer) still runs. A failed asset starves its data consumers
// (degraded); a dead or cut-off one also cuts off its network endpoints; only
// a dead one stops powering its loads: a power feed whose meter lost its
// switch still feeds, and a SCADA server that lost a PLC's data does not take
// its network down. Pure and deterministic: with a probability below 1 each edge
// carries the failure or not by a hash of (seed, edge), never by a clock.
#pragma once

#include "lib/graph/graph.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace twinctl::graph {

struct PropagationOptions {
  int max_depth = -1;       // hops from the failed seeds; -1 = unlimited
  double probability = 1.0; // chance that one edge carries a failure (1 = always)
  uint64_t seed = 1;        // which edges carry it when probability < 1
};

// A node whose redundancy kept it up although some of its feeders failed.
struct Survivor {
  NodeId node = k_no_node;
  EdgeType type = EdgeType::powers;
  uint32_t down = 0;  // failed feeders of that type
  uint32_t total = 0; // feeders of that type
};

struct Propagation {
  // Failed nodes: the seeds (hop 0), then by hop, then by id. parent[i] is the
  // feeder whose failure took failed[i] down (k_no_node for a seed), over an
  // edge of type via[i].
  std::vector<NodeId> failed;
  std::vector<uint32_t> hop;
  std::vector<NodeId> parent;
  std::vector<uint32_t> parent_index; // index in `failed` of parent[i]; 0xFFFFFFFF for a seed
  std::vector<EdgeType> via;
  // 1 when failed[i] only lost data feeds: it still runs, degraded (a SCADA server that
  // lost a PLC's data); 0 when it is stopped (failed itself, lost power or its network path).
  std::vector<uint8_t> degraded;
  std::vector<Survivor> survivors; // sorted by node
};

// Runs propagations over one graph; reuses its scratch memory, so many runs
// (RCA, benchmarks) cost only what they touch. Not thread-safe.
class Propagator {
public:
  explicit Propagator(const AssetGraph& g);
  // Every node that fails when `seeds` fail. Duplicate seeds count once.
  Propagation run(const std::vector<NodeId>& seeds, const PropagationOptions& opts);
  // The same failed set, without hops, parents, order or survivors: for
  // drawing many outcomes of the model fast (RCA's sampled likelihood). The
  // result is valid until the next call.
  const std::vector<NodeId>& sample(NodeId seed, const PropagationOptions& opts);
  // Whether node n of the last sample only lost data feeds (degraded, still running).
  bool sampled_degraded(NodeId n) const { return m_state[n] == k_degraded; }

private:
  // degraded: lost a data feed, still running; cut: lost its network path, still powered (stopped);
  // dead: failed itself or lost power (stopped). Ordered: a state only gets worse.
  enum State : uint8_t { k_up = 0, k_degraded = 1, k_cut = 2, k_dead = 3 };
  void reset();
  void touch(NodeId n);
  void sort_level(std::vector<NodeId>& level);
  void spread(const PropagationOptions& opts, Propagation* p);

  const AssetGraph& m_g;
  std::vector<std::array<uint16_t, k_edge_types>> m_down; // failed feeders per type
  std::vector<uint8_t> m_state;
  std::vector<uint32_t> m_hop;
  std::vector<uint32_t> m_index;   // position in Propagation::failed
  std::vector<NodeId> m_parent;    // the feeder that tipped the node over, this run
  std::vector<EdgeType> m_via;
  std::vector<uint8_t> m_pending;  // relationship types (bits) a node still has to pass its failure along
  std::vector<uint64_t> m_bits;    // scratch bitmap, all zero between uses
  std::vector<NodeId> m_touched;
  std::vector<NodeId> m_failed; // sample()'s result
  std::vector<NodeId> m_level;  // spread(): the seeds, then the level being expanded
  std::vector<NodeId> m_next;   // spread(): the level after it
};

// True when edge `edge` (an index into g.out) carries failures under (probability, seed).
bool edge_carries(size_t edge, double probability, uint64_t seed);

// The ids named on the command line as failed: asset ids, or space ids (a
// space-level event fails every asset located in it or below it). Sorted,
// without duplicates. Throws twinctl::Error for an unknown name, with a
// did-you-mean suggestion.
std::vector<NodeId> resolve_targets(const AssetGraph& g, const std::vector<std::string>& names, bool allow_spaces);

} // namespace twinctl::graph
