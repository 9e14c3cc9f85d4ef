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
      m_parent(g.nodes(), k_no_node), m_via(g.nodes(), EdgeType::powers), m_pending(g.nodes(), 0),
      m_bits((g.nodes() + 63) / 64, 0) {}

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
namespace {

// The relationship types a failed asset passes its failure along, by its state: a degraded
// asset (lost a data feed) only starves its own data consumers; one cut off (lost its network
// path) also its network endpoints; only a dead one (failed itself, lost power) its loads.
uint8_t passes(uint8_t state) {
  constexpr uint8_t data = 1u << static_cast<int>(EdgeType::feeds_data);
  constexpr uint8_t net = 1u << static_cast<int>(EdgeType::connects_to);
  constexpr uint8_t power = 1u << static_cast<int>(EdgeType::powers);
  return state >= 3 ? data | net | power : state == 2 ? data | net : state == 1 ? data : 0;
}

} // namespace

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
    m_pending[s] = passes(k_dead);
    add(s, 0, k_no_node, EdgeType::powers);
  }
  // Level by level, each level in id order: the hop is the shortest number of
  // edges, and the parent is the feeder whose failure tipped the node over. A
  // node that gets worse later (degraded, then cut off or dead) is expanded
  // again, along the relationships its new state adds (m_pending).
  for (uint32_t hop = 0; !level.empty(); ++hop) {
    if (opts.max_depth >= 0 && hop >= static_cast<uint32_t>(opts.max_depth)) {
      break;
    }
    next.clear();
    for (NodeId u : level) {
      uint8_t expand = m_pending[u];
      m_pending[u] = 0;
      for (size_t e = m_g.out.begin(u); e < m_g.out.end(u); ++e) {
        NodeId v = m_g.out.targets[e];
        EdgeType type = m_g.out.types[e];
        size_t t = static_cast<size_t>(type);
        // Power only leaves an asset that lost it (or failed itself); a lost network path
        // makes an asset unreachable, not unpowered; a lost data feed only degrades it.
        uint8_t to = type == EdgeType::powers ? k_dead : type == EdgeType::connects_to ? k_cut : k_degraded;
        if (!(expand & (1u << t)) || m_state[v] >= to || !carries_keyed(e, opts.probability, key)) {
          continue;
        }
        touch(v);
        if (++m_down[v][t] <= m_g.tolerance[v][t]) {
          continue;
        }
        uint8_t added = static_cast<uint8_t>(passes(to) & ~passes(m_state[v]));
        if (m_state[v] == k_up) {
          m_hop[v] = hop + 1;
          m_parent[v] = u;
          m_via[v] = type;
        } else if (p && m_hop[v] <= hop) {
          // Worse than it was: what it lost now is why it is down (the path shows it).
          p->parent[m_index[v]] = u;
          p->parent_index[m_index[v]] = m_index[u];
          p->via[m_index[v]] = type;
        } else {
          m_parent[v] = u;
          m_via[v] = type;
        }
        if (m_pending[v] == 0) {
          next.push_back(v);
        }
        m_pending[v] |= added;
        m_state[v] = to;
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
  // What is left pending (max_depth) is not expanded: clear it for the next run.
  for (NodeId v : level) {
    m_pending[v] = 0;
  }
}

Propagation Propagator::run(const std::vector<NodeId>& seeds, const PropagationOptions& opts) {
  Propagation p;
  m_level = seeds;
  std::sort(m_level.begin(), m_level.end());
  m_level.erase(std::unique(m_level.begin(), m_level.end()), m_level.end());
  spread(opts, &p);
  p.degraded.reserve(p.failed.size());
  for (NodeId n : p.failed) {
    p.degraded.push_back(m_state[n] == k_degraded ? 1 : 0);
  }
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
