#include "lib/graph/propagate.hpp"

#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <tuple>

namespace twinctl::graph {

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// edge_carries with the seed's half of the hash done once per run.
bool carries_keyed(size_t edge, double probability, uint64_t key) {
  if (probability >= 1.0) {
    return true;
  }
  double u = static_cast<double>(mix(key ^ edge) >> 11) * 0x1.0p-53;
  return u < probability;
}

} // namespace

bool edge_carries(size_t edge, double probability, uint64_t seed) {
  return carries_keyed(edge, probability, mix(seed));
}

Propagator::Propagator(const AssetGraph& g)
    : m_g(g), m_down(g.nodes(), {0, 0, 0}), m_state(g.nodes(), 0), m_hop(g.nodes(), 0), m_index(g.nodes(), 0),
      m_parent(g.nodes(), k_no_node), m_via(g.nodes(), EdgeType::powers), m_bits((g.nodes() + 63) / 64, 0) {}

void Propagator::reset() {
  for (NodeId n : m_touched) {
    m_down[n] = {0, 0, 0};
    m_state[n] = k_up;
  }
  m_touched.clear();
}

void Propagator::touch(NodeId n) {
  const std::array<uint16_t, k_edge_types>& d = m_down[n]; // by element: operator== calls memcmp
  if (m_state[n] == k_up && d[0] == 0 && d[1] == 0 && d[2] == 0) {
    m_touched.push_back(n);
  }
}

// Sorts a level of distinct nodes: std::sort when it is small, a pass over a
// bitmap of the nodes' range when it is a large share of that range (a
// site-wide failure), so the cost stays proportional to the level either way.
void Propagator::sort_level(std::vector<NodeId>& level) {
  if (level.empty()) {
    return;
  }
  auto [lo, hi] = std::minmax_element(level.begin(), level.end());
  size_t first = *lo >> 6, last = *hi >> 6;
  if (level.size() < 64 || level.size() * 16 < last - first + 1) {
    std::sort(level.begin(), level.end());
    return;
  }
  for (NodeId n : level) {
    m_bits[n >> 6] |= uint64_t{1} << (n & 63);
  }
  level.clear();
  for (size_t w = first; w <= last; ++w) {
    for (uint64_t b = m_bits[w]; b != 0; b &= b - 1) {
      level.push_back(static_cast<NodeId>(w * 64 + static_cast<size_t>(__builtin_ctzll(b))));
    }
    m_bits[w] = 0;
  }
}

const std::vector<NodeId>& Propagator::sample(NodeId seed, const PropagationOptions& opts) {
  m_level.assign(1, seed);
  spread(opts, nullptr);
  return m_failed;
}

// The propagation itself. With `p`, levels are taken in id order and every
// failure is recorded with its hop and parent; without, only m_failed is
// filled (the same set: the order within a level changes no outcome). The
// seeds are in m_level; the level vectors are kept from run to run, so
// drawing many outcomes allocates nothing.
void Propagator::spread(const PropagationOptions& opts, Propagation* p) {
  std::vector<NodeId>& level = m_level;
  std::vector<NodeId>& next = m_next;
  const uint64_t key = mix(opts.seed);
  reset();
  m_failed.clear();
  auto add = [&](NodeId v, uint32_t hop, NodeId parent, EdgeType via) {
    if (!p) {
      m_failed.push_back(v);
      return;
    }
    m_index[v] = static_cast<uint32_t>(p->failed.size());
    p->failed.push_back(v);
    p->hop.push_back(hop);
    p->parent.push_back(parent);
    p->parent_index.push_back(parent == k_no_node ? 0xFFFFFFFFu : m_index[parent]);
    p->via.push_back(via);
  };
  for (NodeId s : level) {
    touch(s);
    m_state[s] = k_dead;
    m_hop[s] = 0;
    add(s, 0, k_no_node, EdgeType::powers);
  }
  // Level by level, each level in id order: the hop is the shortest number of
  // edges, and the parent is the feeder whose failure tipped the node over. A
  // node in a level with an earlier hop lost its network first and its power
  // now: it is expanded a second time, along POWERS only.
  for (uint32_t hop = 0; !level.empty(); ++hop) {
    if (opts.max_depth >= 0 && hop >= static_cast<uint32_t>(opts.max_depth)) {
      break;
    }
    next.clear();
    for (NodeId u : level) {
      bool powers_only = m_hop[u] != hop;
      for (size_t e = m_g.out.begin(u); e < m_g.out.end(u); ++e) {
        NodeId v = m_g.out.targets[e];
        EdgeType type = m_g.out.types[e];
        bool powers = type == EdgeType::powers;
        // Power only leaves an asset that lost it (or failed itself); a lost
        // network or data link makes an asset unreachable, not unpowered.
        if ((powers && m_state[u] != k_dead) || (powers_only && !powers) || m_state[v] == k_dead ||
            (!powers && m_state[v] != k_up) || !carries_keyed(e, opts.probability, key)) {
          continue;
        }
        size_t t = static_cast<size_t>(type);
        touch(v);
        if (++m_down[v][t] <= m_g.tolerance[v][t]) {
          continue;
        }
        if (m_state[v] == k_up) {
          m_hop[v] = hop + 1;
          m_parent[v] = u;
          m_via[v] = type;
          next.push_back(v);
        } else if (m_hop[v] != hop + 1) {
          next.push_back(v); // failed earlier, lost power now
        }
        m_state[v] = powers ? k_dead : k_cut;
      }
    }
    if (p) {
      sort_level(next);
    }
    for (NodeId v : next) {
      if (m_hop[v] == hop + 1) {
        add(v, hop + 1, m_parent[v], m_via[v]);
      }
    }
    level.swap(next);
  }
}

Propagation Propagator::run(const std::vector<NodeId>& seeds, const PropagationOptions& opts) {
  Propagation p;
  m_level = seeds;
  std::sort(m_level.begin(), m_level.end());
  m_level.erase(std::unique(m_level.begin(), m_level.end()), m_level.end());
  spread(opts, &p);
  // Survivors: touched by a failed feeder, kept up by redundancy.
  for (NodeId n : m_touched) {
    if (m_state[n] != k_up) {
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
