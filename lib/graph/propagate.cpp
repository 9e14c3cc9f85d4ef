#include "lib/graph/propagate.hpp"

#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>

namespace twinctl::graph {

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

} // namespace

bool edge_carries(size_t edge, double probability, uint64_t seed) {
  if (probability >= 1.0) {
    return true;
  }
  double u = static_cast<double>(mix(mix(seed) ^ edge) >> 11) * 0x1.0p-53;
  return u < probability;
}

Propagator::Propagator(const AssetGraph& g) : m_g(g), m_down(g.nodes(), {0, 0, 0}), m_failed(g.nodes(), 0) {}

bool Propagator::carries(size_t edge, const PropagationOptions& opts) const {
  return edge_carries(edge, opts.probability, opts.seed);
}

void Propagator::reset() {
  for (NodeId n : m_touched) {
    m_down[n] = {0, 0, 0};
    m_failed[n] = 0;
  }
  m_touched.clear();
}

Propagation Propagator::run(const std::vector<NodeId>& seeds, const PropagationOptions& opts) {
  reset();
  Propagation p;
  std::vector<NodeId> sorted = seeds;
  std::sort(sorted.begin(), sorted.end());
  for (NodeId s : sorted) {
    if (!m_failed[s]) {
      m_failed[s] = 1;
      m_touched.push_back(s);
      p.failed.push_back(s);
      p.hop.push_back(0);
      p.parent.push_back(k_no_node);
      p.via.push_back(EdgeType::powers);
    }
  }
  // Level by level, each level in id order: the hop is the shortest number of
  // edges, and the parent is the feeder whose failure tipped the node over.
  size_t level_begin = 0;
  for (uint32_t hop = 0; level_begin < p.failed.size(); ++hop) {
    size_t level_end = p.failed.size();
    if (opts.max_depth >= 0 && hop >= static_cast<uint32_t>(opts.max_depth)) {
      break;
    }
    std::vector<std::pair<NodeId, std::pair<NodeId, EdgeType>>> next;
    for (size_t i = level_begin; i < level_end; ++i) {
      NodeId u = p.failed[i];
      for (size_t e = m_g.out.begin(u); e < m_g.out.end(u); ++e) {
        NodeId v = m_g.out.targets[e];
        if (m_failed[v] || !carries(e, opts)) {
          continue;
        }
        size_t t = static_cast<size_t>(m_g.out.types[e]);
        if (m_down[v] == std::array<uint16_t, k_edge_types>{0, 0, 0}) {
          m_touched.push_back(v);
        }
        ++m_down[v][t];
        if (m_down[v][t] > m_g.tolerance[v][t]) {
          m_failed[v] = 1;
          next.push_back({v, {u, m_g.out.types[e]}});
        }
      }
    }
    std::sort(next.begin(), next.end());
    level_begin = level_end;
    for (const auto& [v, from] : next) {
      p.failed.push_back(v);
      p.hop.push_back(hop + 1);
      p.parent.push_back(from.first);
      p.via.push_back(from.second);
    }
  }
  // Survivors: touched by a failed feeder, kept up by redundancy.
  for (NodeId n : m_touched) {
    if (m_failed[n]) {
      continue;
    }
    for (size_t t = 0; t < k_edge_types; ++t) {
      if (m_down[n][t] > 0) {
        p.survivors.push_back(
            {n, static_cast<EdgeType>(t), m_down[n][t], static_cast<uint32_t>(m_g.feeders(n, static_cast<EdgeType>(t)))});
      }
    }
  }
  std::sort(p.survivors.begin(), p.survivors.end(),
            [](const Survivor& a, const Survivor& b) { return std::tie(a.node, a.type) < std::tie(b.node, b.type); });
  return p;
}

std::vector<NodeId> resolve_targets(const AssetGraph& g, const std::vector<std::string>& names, bool allow_spaces) {
  const model::Twin& twin = *g.twin;
  std::vector<NodeId> out;
  for (const std::string& name : names) {
    if (auto n = g.find(name)) {
      out.push_back(*n);
      continue;
    }
    const model::Space* space = allow_spaces ? twin.find_space(name) : nullptr;
    if (!space) {
      std::vector<std::string> ids;
      ids.reserve(twin.assets.size() + twin.spaces.size());
      for (const model::Asset& a : twin.assets) {
        ids.push_back(a.id);
      }
      if (allow_spaces) {
        for (const model::Space& s : twin.spaces) {
          ids.push_back(s.id);
        }
      }
      std::string hint = util::closest(name, ids);
      throw Error("unknown asset '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    NodeId sidx = static_cast<NodeId>(space - twin.spaces.data());
    for (NodeId n = 0; n < g.nodes(); ++n) {
      NodeId s = g.space_of[n];
      for (size_t guard = 0; s != k_no_node && guard <= g.space_parent.size(); ++guard, s = g.space_parent[s]) {
        if (s == sidx) {
          out.push_back(n);
          break;
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace twinctl::graph
