#include "lib/rca/rca.hpp"

#include "lib/rca/likelihood.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <unordered_map>

namespace twinctl::rca {

using detail::Likelihood;
using detail::likelihood;

namespace {

constexpr double k_neg_inf = -std::numeric_limits<double>::infinity();
// A modelled failure chance below this neither scores nor travels further.
constexpr float k_min_chance = 0.005f;
// Candidates scoring this far below the best are not worth finishing.
constexpr double k_window = 25;
// Abnormal assets remembered per candidate, to match it to incidents.
constexpr size_t k_reached_cap = 16;
// Feeders counted in the second sweep: those less than two hops beyond the
// asset's own (farther ones are mostly the asset's own dependents in a cycle).
constexpr uint32_t k_refine_extra_hops = 2;
// A root another root takes down at least this likely shares its incident.
constexpr float k_shared = 0.3f;

} // namespace

bool abnormal(Evidence e) { return e == Evidence::alerting || e == Evidence::failed || e == Evidence::faulted; }

std::vector<NodeId> abnormal_nodes(const std::vector<Evidence>& evidence) {
  std::vector<NodeId> out;
  for (NodeId n = 0; n < evidence.size(); ++n) {
    if (abnormal(evidence[n])) {
      out.push_back(n);
    }
  }
  return out;
}

const char* to_string(Evidence e) {
  switch (e) {
  case Evidence::unknown:
    return "unobserved";
  case Evidence::healthy:
    return "healthy";
  case Evidence::quiet:
    return "no alert";
  case Evidence::alerting:
    return "alerting";
  case Evidence::failed:
    return "failed";
  case Evidence::running:
    return "running";
  case Evidence::faulted:
    return "fault";
  }
  return "?";
}

const char* status_word(Evidence e) {
  return e == Evidence::faulted ? "failed" : e == Evidence::running ? "healthy" : to_string(e);
}

Analyzer::Analyzer(const AssetGraph& g)
    : m_g(g), m_forced(g.nodes(), 0), m_stamp(g.nodes(), 0), m_hop(g.nodes(), 0), m_f(g.nodes(), 0), m_fd(g.nodes(), 0),
      m_parent(g.nodes(), graph::k_no_node), m_via(g.nodes(), EdgeType::powers), m_head(g.nodes(), k_no_link),
      m_fcur(g.nodes(), 0), m_sampler(g), m_elsewhere(g.nodes(), 0) {}

void Analyzer::begin(const std::vector<Evidence>& evidence, const std::vector<NodeId>& abnormal_in,
                     const std::vector<NodeId>& focus, const RcaOptions& opts) {
  m_ev = &evidence;
  m_opts = opts;
  for (NodeId n : m_fcur_touched) {
    m_fcur[n] = 0;
  }
  m_fcur_touched.clear();
  for (NodeId n : m_forced_nodes) {
    m_forced[n] = 0;
  }
  m_forced_nodes.clear();
  // The user's word that a focus asset failed counts as an observation.
  for (NodeId n : focus) {
    if (!abnormal(evidence[n]) && !m_forced[n]) {
      m_forced[n] = 1;
      m_forced_nodes.push_back(n);
    }
  }
  m_abnormal_nodes = abnormal_in;
  if (!m_forced_nodes.empty()) {
    m_abnormal_nodes.insert(m_abnormal_nodes.end(), m_forced_nodes.begin(), m_forced_nodes.end());
    std::sort(m_abnormal_nodes.begin(), m_abnormal_nodes.end());
  }
  m_abnormal_total = m_abnormal_nodes.size();
  for (Evidence e : {Evidence::unknown, Evidence::healthy, Evidence::quiet, Evidence::alerting, Evidence::failed,
                     Evidence::running, Evidence::faulted}) {
    m_log_ratio[static_cast<size_t>(e)] = detail::log_ratio(e, opts);
    m_log_ok[static_cast<size_t>(e)] = std::log(likelihood(e, opts).if_ok);
  }
  // The most one abnormal asset can add to a score: bounds what is left to gain.
  m_best_gain = 0;
  for (Evidence e : {Evidence::alerting, Evidence::failed}) {
    Likelihood l = likelihood(e, opts);
    m_best_gain = std::max(m_best_gain, std::log(l.if_failed / l.if_ok));
  }
}

// The chance that v fails given the chances of its feeders reached before it
// (lower hop): per relationship type, more feeders down than it tolerates.
// The feeders are those the walk reached (its links into v), not v's whole
// in-list: an MES or historian has hundreds of feeders, and reading them all
// on every visit made one incident cost what the busiest asset holds.
// Power comes only from feeders that are dead (propagate.hpp), so the chance
// of being dead is kept apart in m_fd.
float Analyzer::failure_chance(NodeId v, uint32_t hop) {
  // One pass over the feeders reached, a distribution per relationship
  // type: P(k feeders of that type down), k <= tol, plus "more" in dist[t][tol + 1].
  double dist[graph::k_edge_types][8] = {};
  size_t tol[graph::k_edge_types];
  for (size_t t = 0; t < graph::k_edge_types; ++t) {
    tol[t] = std::min<size_t>(m_g.tolerance[v][t], 6);
    dist[t][0] = 1;
  }
  // An asset that answers with a fault has power and a network path: only a lost data feed
  // (or its own failure) explains it. One that answers and runs may well have lost a data
  // feed (it runs degraded): only a lost power or network path would have silenced it.
  Evidence e_v = ev(v);
  bool data_only = e_v == Evidence::faulted;
  bool stop_only = e_v == Evidence::running || e_v == Evidence::healthy;
  for (uint32_t l = m_head[v]; l != k_no_link; l = m_links[l].next) {
    NodeId u = m_links[l].from;
    if (m_hop[u] >= hop) {
      continue;
    }
    size_t t = m_links[l].type;
    if ((data_only && t != static_cast<size_t>(EdgeType::feeds_data)) ||
        (stop_only && t == static_cast<size_t>(EdgeType::feeds_data))) {
      continue;
    }
    bool powers = t == static_cast<size_t>(EdgeType::powers);
    double q = m_opts.p_prop * (powers ? m_fd[u] : m_f[u]) * passed_on(u);
    double* d = dist[t];
    for (size_t k = tol[t] + 1; k > 0; --k) {
      d[k] = d[k] * (k == tol[t] + 1 ? 1.0 : 1 - q) + d[k - 1] * q;
    }
    d[0] *= 1 - q;
  }
  double ok = 1;
  for (size_t t = 0; t < graph::k_edge_types; ++t) {
    double up = 0;
    for (size_t k = 0; k <= tol[t]; ++k) {
      up += dist[t][k];
    }
    if (t == static_cast<size_t>(EdgeType::powers)) {
      m_fd[v] = static_cast<float>(1 - up);
    }
    ok *= up;
  }
  return static_cast<float>(1 - ok);
}

// What share of u's failure chance reaches its dependents: all of it, unless u answers
// and says it runs. Then what travels on is the chance that it is down although it
// answers (P(down | it answers), Bayes), not the chance the walk gave it: a switch
// that answers does not take its endpoints down. The root itself (chance 1) passes
// everything on: that is the hypothesis being scored.
double Analyzer::passed_on(NodeId u) const {
  Evidence e = ev(u);
  float f = m_f[u];
  if ((e != Evidence::running && e != Evidence::healthy) || f >= 1.0f || f <= 0.0f) {
    return 1;
  }
  Likelihood l = likelihood(e, m_opts);
  return l.if_failed / (f * l.if_failed + (1 - f) * l.if_ok);
}

double Analyzer::llr(NodeId v, double f_before, double f_after) const {
  Evidence e = ev(v);
  Likelihood l = likelihood(e, m_opts);
  if (l.if_failed == l.if_ok) {
    return 0;
  }
  // With no root chosen yet (every candidate's own score) the second term is log(if_ok).
  double before = f_before == 0 ? m_log_ok[static_cast<size_t>(e)]
                                 : std::log(f_before * l.if_failed + (1 - f_before) * l.if_ok);
  return std::log(f_after * l.if_failed + (1 - f_after) * l.if_ok) - before;
}

// What one more root at c gains over the roots chosen so far (all of it when
// none is chosen): a breadth-first walk forward from c, scoring every asset
// its failure reaches. Gives up (returns -inf) once even explaining every
// remaining abnormal asset could not lift the score to `threshold`.
double Analyzer::evaluate(NodeId c, double threshold, std::vector<Reach>* reach) {
  if (++m_gen == 0) {
    std::fill(m_stamp.begin(), m_stamp.end(), 0);
    m_gen = 1;
  }
  m_queue.clear();
  m_queue.push_back(c);
  m_links.clear();
  m_stamp[c] = m_gen;
  m_hop[c] = 0;
  m_parent[c] = graph::k_no_node;
  m_head[c] = k_no_link;
  double score = 0;
  size_t abnormal_seen = 0;
  for (size_t qi = 0; qi < m_queue.size(); ++qi) {
    NodeId v = m_queue[qi];
    if (v == c) {
      m_fd[v] = 1.0f;
    }
    float f = v == c ? 1.0f : failure_chance(v, m_hop[v]);
    m_f[v] = f < k_min_chance ? 0.0f : f;
    if (m_f[v] == 0) {
      m_fd[v] = 0.0f;
      continue;
    }
    abnormal_seen += abnormal(ev(v)) ? 1 : 0;
    double before = m_fcur[v];
    score += llr(v, before, 1 - (1 - before) * (1 - f));
    if (threshold > k_neg_inf &&
        score + static_cast<double>(m_abnormal_total - abnormal_seen) * m_best_gain < threshold) {
      return k_neg_inf;
    }
    // Beyond max_depth v reaches nothing new, but still weighs on what the walk holds.
    bool deep = m_opts.max_depth >= 0 && m_hop[v] >= static_cast<uint32_t>(m_opts.max_depth);
    for (size_t e = m_g.out.begin(v); e < m_g.out.end(v); ++e) {
      NodeId w = m_g.out.targets[e];
      if (m_stamp[w] != m_gen) {
        if (deep) {
          continue;
        }
        m_stamp[w] = m_gen;
        m_hop[w] = m_hop[v] + 1;
        m_parent[w] = v;
        m_via[w] = m_g.out.types[e];
        m_head[w] = k_no_link;
        m_queue.push_back(w);
      }
      m_links.push_back({v, static_cast<uint32_t>(m_g.out.types[e]), m_head[w]});
      m_head[w] = static_cast<uint32_t>(m_links.size() - 1);
    }
  }
  return refine(c, reach);
}

// The walk saw each asset's feeders only up to its own hop; with the whole
// neighbourhood known, a second sweep counts every feeder reached (a PLC
// whose power and sensors all go down with the root), then scores.
double Analyzer::refine(NodeId c, std::vector<Reach>* reach) {
  double score = 0;
  for (NodeId v : m_queue) {
    if (v != c && m_f[v] > 0) {
      float f = failure_chance(v, m_hop[v] + k_refine_extra_hops);
      m_f[v] = f < k_min_chance ? 0.0f : f;
    }
    if (m_f[v] == 0) {
      continue;
    }
    double before = m_fcur[v];
    score += llr(v, before, 1 - (1 - before) * (1 - m_f[v]));
    if (reach) {
      reach->push_back({v, m_f[v]});
    }
  }
  return score;
}

// Every asset upstream of `from` (within max_depth), and `from` itself. The
// walk does not pass through an asset that answers and is not faulted: a
// failure could not have travelled through it; from an asset that answers
// with a fault, only through its data feeds.
std::vector<NodeId> Analyzer::candidates_of(const std::vector<NodeId>& from) {
  if (++m_gen == 0) {
    std::fill(m_stamp.begin(), m_stamp.end(), 0);
    m_gen = 1;
  }
  std::vector<NodeId> out;
  for (NodeId n : from) {
    if (m_stamp[n] != m_gen) {
      m_stamp[n] = m_gen;
      m_hop[n] = 0;
      out.push_back(n);
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    NodeId v = out[i];
    Evidence e_v = ev(v);
    if ((i >= from.size() && (e_v == Evidence::healthy || e_v == Evidence::running)) ||
        (m_opts.max_depth >= 0 && m_hop[v] >= static_cast<uint32_t>(m_opts.max_depth))) {
      continue;
    }
    for (size_t e = m_g.in.begin(v); e < m_g.in.end(v); ++e) {
      NodeId u = m_g.in.targets[e];
      if (e_v == Evidence::faulted && m_g.in.types[e] != EdgeType::feeds_data) {
        continue; // it answers: its power and network are up
      }
      if (m_stamp[u] != m_gen) {
        m_stamp[u] = m_gen;
        m_hop[u] = m_hop[v] + 1;
        out.push_back(u);
      }
    }
  }
  return out;
}

// Step: every candidate on its own, nearest first, giving up on the hopeless.
std::vector<Analyzer::Scored> Analyzer::score_all(const std::vector<NodeId>& cands) {
  std::vector<Scored> scored;
  double best = k_neg_inf;
  std::vector<Reach> reach;
  m_reached.clear();
  for (NodeId c : cands) {
    reach.clear();
    double s = evaluate(c, best - k_window, &reach);
    if (s == k_neg_inf) {
      continue;
    }
    Scored x{c, s, static_cast<uint32_t>(m_reached.size()), 0};
    for (const Reach& r : reach) {
      if (abnormal(ev(r.node)) && x.reached_n < k_reached_cap) {
        m_reached.push_back(r.node);
        ++x.reached_n;
      }
    }
    best = std::max(best, s);
    scored.push_back(std::move(x));
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score : a.node < b.node;
  });
  return scored;
}

// Step: roots, greedily, while one more root earns more than root_penalty.
// Gains only shrink as roots are added, so a stale gain is an upper bound
// worth re-checking only when it leads the queue (lazy greedy).
std::vector<NodeId> Analyzer::choose_roots(std::vector<Scored>& scored) {
  using Entry = std::pair<double, NodeId>;
  auto worse = [](const Entry& a, const Entry& b) { return a.first != b.first ? a.first < b.first : a.second > b.second; };
  std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> queue(worse);
  for (const Scored& s : scored) {
    if (s.score > m_opts.root_penalty) {
      queue.push({s.score, s.node});
    }
  }
  std::vector<NodeId> roots;
  std::vector<Reach> reach;
  while (!queue.empty() && roots.size() <= m_abnormal_total) {
    auto [stale, c] = queue.top();
    queue.pop();
    double gain = evaluate(c, m_opts.root_penalty, nullptr);
    if (gain <= m_opts.root_penalty) {
      continue;
    }
    if (!queue.empty() && gain < queue.top().first) {
      queue.push({gain, c});
      continue;
    }
    reach.clear();
    evaluate(c, k_neg_inf, &reach);
    for (const Reach& r : reach) {
      if (m_fcur[r.node] == 0) {
        m_fcur_touched.push_back(r.node);
      }
      m_fcur[r.node] = 1 - (1 - m_fcur[r.node]) * (1 - r.f);
    }
    roots.push_back(c);
  }
  return roots;
}

// A candidate for people: what it explains (by which path) and what contradicts it.
Candidate Analyzer::describe(NodeId c, double score) {
  for (NodeId n : m_fcur_touched) {
    m_fcur[n] = 0; // describe each candidate on its own
  }
  m_fcur_touched.clear();
  std::vector<Reach> reach;
  evaluate(c, k_neg_inf, &reach);
  Candidate out;
  out.node = c;
  out.score = score;
  for (const Reach& r : reach) {
    Evidence e = ev(r.node);
    if (abnormal(e)) {
      Explained x{r.node, {}, {}, r.f};
      for (NodeId at = r.node; at != graph::k_no_node; at = m_parent[at]) {
        x.path.push_back(at);
        if (m_parent[at] != graph::k_no_node) {
          x.via.push_back(m_via[at]);
        }
      }
      std::reverse(x.path.begin(), x.path.end());
      std::reverse(x.via.begin(), x.via.end());
      out.explains.push_back(std::move(x));
    } else if ((e == Evidence::healthy || e == Evidence::running || e == Evidence::quiet) && r.f >= 0.5f &&
               r.node != c) {
      out.contradicted++;
      out.contradicted_examples.push_back(r.node);
    }
  }
  std::sort(out.explains.begin(), out.explains.end(),
            [](const Explained& a, const Explained& b) { return a.node < b.node; });
  std::sort(out.contradicted_examples.begin(), out.contradicted_examples.end());
  if (out.contradicted_examples.size() > 3) {
    out.contradicted_examples.resize(3);
  }
  return out;
}

namespace {

// Union-find over root indices.
size_t find_set(std::vector<size_t>& parent, size_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

void softmax_shares(std::vector<Candidate>& ranked) {
  if (ranked.empty()) {
    return;
  }
  double top = ranked.front().score;
  for (const Candidate& c : ranked) {
    top = std::max(top, c.score);
  }
  double sum = 0;
  for (Candidate& c : ranked) {
    c.share = std::exp(c.score - top);
    sum += c.share;
  }
  for (Candidate& c : ranked) {
    c.share /= sum;
  }
}

} // namespace

// Step: incidents. Each abnormal asset belongs to the root most likely to
// have taken it down; a root that another root likely took down shares its
// incident. A root that explains only itself is an isolated failure; an
// alert no root explains is unexplained (a likely false alarm).
void Analyzer::group_incidents(RcaResult& r, const std::vector<NodeId>& roots, const std::vector<Scored>& scored,
                               const std::vector<NodeId>& focus) {
  for (NodeId n : m_fcur_touched) {
    m_fcur[n] = 0;
  }
  m_fcur_touched.clear();
  std::map<NodeId, std::pair<size_t, float>> owner; // abnormal asset -> (root index, chance)
  std::vector<size_t> uf(roots.size());
  std::iota(uf.begin(), uf.end(), 0);
  std::unordered_map<NodeId, size_t> root_index;
  for (size_t i = 0; i < roots.size(); ++i) {
    root_index[roots[i]] = i;
  }
  std::vector<Reach> reach;
  for (size_t i = 0; i < roots.size(); ++i) {
    reach.clear();
    evaluate(roots[i], k_neg_inf, &reach);
    for (const Reach& x : reach) {
      // A root likely taken down by another root belongs to its incident
      // (both were chosen: the first alone did not explain everything).
      if (auto ri = root_index.find(x.node); ri != root_index.end() && ri->second != i && x.f >= k_shared) {
        uf[find_set(uf, i)] = find_set(uf, ri->second);
      }
      if (!abnormal(ev(x.node))) {
        continue;
      }
      auto [it, fresh] = owner.try_emplace(x.node, i, x.f);
      if (!fresh && x.f > it->second.second) {
        it->second = {i, x.f};
      }
    }
  }
  // Incidents in order of their first root.
  std::map<size_t, size_t> incident_of_set;
  std::vector<Incident> incidents;
  for (size_t i = 0; i < roots.size(); ++i) {
    auto [it, fresh] = incident_of_set.try_emplace(find_set(uf, i), incidents.size());
    if (fresh) {
      incidents.emplace_back();
    }
    incidents[it->second].roots.push_back(roots[i]);
  }
  std::unordered_map<NodeId, size_t> incident_of_node;
  for (const auto& [node, own] : owner) {
    size_t inc = incident_of_set.at(find_set(uf, own.first));
    incidents[inc].failures.push_back(node);
    incident_of_node[node] = inc;
  }
  // Ranked candidates: the roots, then the best others that reach the incident.
  std::vector<std::pair<NodeId, double>> score_of; // by node
  score_of.reserve(scored.size());
  std::vector<std::vector<std::pair<NodeId, double>>> others(incidents.size());
  std::vector<size_t> seen;
  for (const Scored& s : scored) {
    score_of.push_back({s.node, s.score});
    seen.clear();
    for (uint32_t j = s.reached_at; j < s.reached_at + s.reached_n; ++j) {
      NodeId n = m_reached[j];
      auto it = incident_of_node.find(n);
      if (it == incident_of_node.end() || std::count(seen.begin(), seen.end(), it->second)) {
        continue;
      }
      seen.push_back(it->second);
      auto& list = others[it->second];
      const auto& rs = incidents[it->second].roots;
      if (list.size() < m_opts.top && std::find(rs.begin(), rs.end(), s.node) == rs.end()) {
        list.push_back({s.node, s.score});
      }
    }
  }
  std::sort(score_of.begin(), score_of.end());
  auto wanted = [&focus](const std::vector<NodeId>& nodes) {
    if (focus.empty()) {
      return true;
    }
    return std::any_of(nodes.begin(), nodes.end(),
                       [&](NodeId n) { return std::find(focus.begin(), focus.end(), n) != focus.end(); });
  };
  for (size_t i = 0; i < incidents.size(); ++i) {
    Incident& inc = incidents[i];
    if (!wanted(inc.failures) && !wanted(inc.roots)) {
      continue;
    }
    for (NodeId root : inc.roots) {
      auto at = std::lower_bound(score_of.begin(), score_of.end(), std::pair<NodeId, double>{root, k_neg_inf});
      inc.ranked.push_back(describe(root, at != score_of.end() && at->first == root ? at->second : 0));
    }
    for (size_t k = 0; k < others[i].size() && inc.ranked.size() < std::max(m_opts.top, inc.roots.size()); ++k) {
      inc.ranked.push_back(describe(others[i][k].first, others[i][k].second));
    }
    if (inc.roots.size() == 1) {
      // One root: the candidates that explain every failure of the incident are
      // weighed again by sampling, in the places they hold; the best is the root.
      std::vector<size_t> at;
      std::vector<Candidate> complete;
      for (size_t k = 0; k < inc.ranked.size(); ++k) {
        const auto& ex = inc.ranked[k].explains;
        if (std::all_of(inc.failures.begin(), inc.failures.end(), [&ex](NodeId f) {
              return std::any_of(ex.begin(), ex.end(), [f](const Explained& x) { return x.node == f; });
            })) {
          at.push_back(k);
          complete.push_back(std::move(inc.ranked[k]));
        }
      }
      if (complete.size() > 1) {
        // Weighed on this incident's evidence: what another incident's root explains is no
        // credit to a candidate here (a site feed "explains" every incident of the site).
        for (const auto& [node, inc_index] : incident_of_node) {
          m_elsewhere[node] = inc_index != i ? 1 : 0;
        }
        rerank(complete, complete.size());
        for (const auto& [node, inc_index] : incident_of_node) {
          m_elsewhere[node] = 0;
        }
      }
      for (size_t k = 0; k < at.size(); ++k) {
        inc.ranked[at[k]] = std::move(complete[k]);
      }
      inc.roots = {inc.ranked.front().node};
    }
    // An asset that failed on its own is an incident like any other, ranked with the
    // others by its score, with the candidates that could also explain it.
    if (inc.roots.size() == 1 && inc.failures.size() == 1 && inc.failures[0] == inc.roots[0]) {
      r.isolated.push_back(inc.roots[0]);
    }
    softmax_shares(inc.ranked);
    r.incidents.push_back(std::move(inc));
  }
  std::stable_sort(r.incidents.begin(), r.incidents.end(), [](const Incident& a, const Incident& b) {
    return a.ranked.front().score != b.ranked.front().score ? a.ranked.front().score > b.ranked.front().score
                                                            : a.roots.front() < b.roots.front();
  });
  // Abnormal assets no root took down.
  for (NodeId n : m_abnormal_nodes) {
    if (!owner.count(n) && wanted({n})) {
      (ev(n) != Evidence::alerting ? r.isolated : r.unexplained).push_back(n);
    }
  }
  std::sort(r.isolated.begin(), r.isolated.end());
}

RcaResult Analyzer::analyse(const std::vector<Evidence>& evidence, const std::vector<NodeId>& abnormal_set,
                            const std::vector<NodeId>& focus, const RcaOptions& opts) {
  begin(evidence, abnormal_set, focus, opts);
  RcaResult r;
  r.abnormal = m_abnormal_nodes.size();
  // Candidates of every abnormal asset, also with a focus: an incident is the
  // same whether it is asked about or found; the focus only filters the report.
  std::vector<NodeId> cands = candidates_of(m_abnormal_nodes);
  r.candidates = cands.size();
  std::vector<Scored> scored = score_all(cands);
  std::vector<NodeId> roots = choose_roots(scored);
  group_incidents(r, roots, scored, focus);
  m_ev = nullptr;
  return r;
}

} // namespace twinctl::rca
