// The sampled likelihood of RCA's contenders (rca.hpp): the forward model
// itself, run many times from a candidate, instead of the per-asset score's
// assumption that assets fail independently given the root. And `rank`, which
// orders candidates by it, sampling every candidate that could still reach the
// top (a bound proves the others cannot).
#include "lib/rca/likelihood.hpp"
#include "lib/rca/rca.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>

namespace twinctl::rca {

namespace {

// Outcomes drawn per contender, their seeds (apart from any seed a user or
// benchmark propagates with), contenders `rank` samples whatever their bound,
// and the footprint beyond which a candidate keeps its per-asset score
// (sampling costs k_samples times the footprint).
constexpr size_t k_samples = 256;
constexpr uint64_t k_sample_seed = 0x5CA1AB1E00000000ULL;
constexpr size_t k_contenders = 8;
constexpr size_t k_sample_max_footprint = 64;
constexpr double k_inf = std::numeric_limits<double>::infinity();

bool better(const Candidate& a, const Candidate& b) { return a.score != b.score ? a.score > b.score : a.node < b.node; }

} // namespace

// The log-likelihood ratio of c as the only root, estimated by running the
// forward model (simulate failure's propagation, each edge carrying with
// p_prop) k_samples times with fixed seeds: log of the mean, over outcomes, of
// the product of P(observation | failed) / P(observation | fine) over the
// assets that failed. Candidates share the seeds, so they are compared on the
// same draws. Nothing when an outcome exceeds k_sample_max_footprint assets.
std::optional<double> Analyzer::sampled(NodeId c) {
  graph::PropagationOptions po;
  po.max_depth = m_opts.max_depth;
  po.probability = m_opts.p_prop;
  size_t draws = m_opts.p_prop >= 1 ? 1 : k_samples; // at p_prop 1 every draw is the same
  m_draw_score.assign(draws, 0.0);
  for (size_t k = 0; k < draws; ++k) {
    po.seed = k_sample_seed + k;
    const std::vector<NodeId>& failed = m_sampler.sample(c, po);
    if (failed.size() > k_sample_max_footprint) {
      return std::nullopt;
    }
    double s = 0;
    for (NodeId v : failed) {
      // Answering is what a degraded asset does (it lost only data: running or faulted) and what a
      // stopped one cannot: a faulted asset that lost power or its network path, or a running one
      // that only lost data, says nothing about this draw.
      Evidence e = ev(v);
      bool degraded = m_sampler.sampled_degraded(v);
      bool neutral = m_elsewhere[v] || (v != c && ((e == Evidence::faulted && !degraded) ||
                                                   ((e == Evidence::running || e == Evidence::healthy) && degraded)));
      s += neutral ? 0.0 : m_log_ratio[static_cast<size_t>(e)];
    }
    m_draw_score[k] = s;
  }
  double top = *std::max_element(m_draw_score.begin(), m_draw_score.end());
  double sum = 0;
  for (double x : m_draw_score) {
    sum += std::exp(x - top);
  }
  return top + std::log(sum / static_cast<double>(draws));
}

// An upper bound of sampled(c): every outcome fails c and a subset of what c
// reaches (within max_depth), so no outcome scores more than c's own term plus
// every positive term it reaches, and their mean no more than the best.
// Infinite when c reaches more than k_sample_max_footprint assets.
double Analyzer::sample_bound(NodeId c) {
  if (++m_gen == 0) {
    std::fill(m_stamp.begin(), m_stamp.end(), 0);
    m_gen = 1;
  }
  m_queue.assign(1, c);
  m_stamp[c] = m_gen;
  m_hop[c] = 0;
  double bound = m_log_ratio[static_cast<size_t>(ev(c))];
  for (size_t qi = 0; qi < m_queue.size(); ++qi) {
    NodeId v = m_queue[qi];
    if (m_opts.max_depth >= 0 && m_hop[v] >= static_cast<uint32_t>(m_opts.max_depth)) {
      continue;
    }
    for (size_t e = m_g.out.begin(v); e < m_g.out.end(v); ++e) {
      NodeId w = m_g.out.targets[e];
      if (m_stamp[w] == m_gen) {
        continue;
      }
      m_stamp[w] = m_gen;
      m_hop[w] = m_hop[v] + 1;
      m_queue.push_back(w);
      if (m_queue.size() > k_sample_max_footprint) {
        return k_inf;
      }
      bound += std::max(0.0, m_log_ratio[static_cast<size_t>(ev(w))]);
    }
  }
  return bound;
}

// The first n candidates scored again by sampling and put in that order (best
// first, then by node); the others stay behind them. A candidate too large
// to sample keeps its per-asset score.
void Analyzer::rerank(std::vector<Candidate>& ranked, size_t n) {
  n = std::min(n, ranked.size());
  for (size_t i = 0; i < n; ++i) {
    ranked[i].score = sampled(ranked[i].node).value_or(ranked[i].score);
  }
  std::stable_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n), better);
}

// Every candidate, best first. The per-asset score shortlists; the order that
// counts is the sampled one: the first k_contenders are sampled, then every
// other candidate whose bound could still reach the top `top` sampled scores
// (in order of bound, so the search stops at the first that cannot). The
// per-asset score misjudges most the candidates with a large footprint (a
// branch that did not fail keeps its whole subtree up, which it counts as
// many unlikely quiet assets), and may even have dropped them.
std::vector<Candidate> Analyzer::rank(const std::vector<Evidence>& evidence, const RcaOptions& opts) {
  begin(evidence, abnormal_nodes(evidence), {}, opts);
  std::vector<NodeId> cands = candidates_of(m_abnormal_nodes);
  std::vector<Scored> scored = score_all(cands);
  std::vector<Candidate> out;
  out.reserve(scored.size());
  for (const Scored& s : scored) {
    Candidate c;
    c.node = s.node;
    c.score = s.score;
    out.push_back(std::move(c));
  }
  size_t n = std::min(std::max(k_contenders, m_opts.top), out.size());
  rerank(out, n);
  std::vector<Candidate> top(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<Candidate> rest(out.begin() + static_cast<std::ptrdiff_t>(n), out.end());
  std::vector<NodeId> done;
  for (const Candidate& c : top) {
    done.push_back(c.node);
  }
  std::sort(done.begin(), done.end());
  std::vector<std::pair<double, NodeId>> bounds;
  for (NodeId c : cands) {
    if (!std::binary_search(done.begin(), done.end(), c)) {
      bounds.push_back({sample_bound(c), c});
    }
  }
  std::sort(bounds.begin(), bounds.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  size_t k = std::max<size_t>(m_opts.top, 1);
  std::vector<double> scores;
  for (const auto& [bound, c] : bounds) {
    if (top.size() >= k) {
      scores.clear();
      for (const Candidate& x : top) {
        scores.push_back(x.score);
      }
      std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(k - 1), scores.end(),
                       std::greater<>());
      if (bound < scores[k - 1]) {
        break; // neither this candidate nor any after it can reach the top k
      }
    }
    if (std::optional<double> s = sampled(c)) {
      Candidate x;
      x.node = c;
      x.score = *s;
      top.push_back(std::move(x));
      NodeId node = c;
      rest.erase(std::remove_if(rest.begin(), rest.end(), [node](const Candidate& r) { return r.node == node; }),
                 rest.end());
    }
  }
  std::sort(top.begin(), top.end(), better);
  top.insert(top.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return top;
}

} // namespace twinctl::rca
