// Root-cause analysis over the asset graph: given what was observed (live
// status, alerts), rank the assets whose failure best explains it.
//
// The model: a root fails, and its failure travels forward along the graph
// (graph.hpp, propagate.hpp) with probability p_prop per edge,
// redundancy-aware, power only from dead assets. Each asset's
// observation is noisy: an alert is missed with p_miss, raised falsely with
// p_fa; a live status is more reliable. A candidate's score is the
// log-likelihood ratio of "this candidate is a root" against "nothing failed",
// summed over the assets its failure reaches. Candidates are every asset at
// most max_depth hops upstream of an abnormal one, observed or not, so a
// silent root with no sensors is found when its dependents fail together.
// Several roots are chosen greedily while one more root explains more than
// it costs (root_penalty). The contenders of an incident (and of `rank`) are
// then scored again by sampling the forward model itself: failures that
// travel together (a branch that did not fail keeps its whole subtree up) are
// what the per-asset score cannot see (sampling.cpp; `rank` samples every
// candidate an upper bound cannot rule out of its top). Pure and
// deterministic (fixed seeds).
#pragma once

#include "lib/graph/graph.hpp"
#include "lib/graph/propagate.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace twinctl::rca {

using graph::AssetGraph;
using graph::EdgeType;
using graph::NodeId;

// What is known about one asset.
enum class Evidence : uint8_t {
  unknown,  // not observed (no source, failed source, no sensors)
  healthy,  // it answers a live source with a status that is not running (stopped, maintenance)
  quiet,    // watched by detectors, no alert
  alerting, // an active alert
  failed,   // unreachable: a live source reports it offline (or the user said so)
  running,  // it answers a live source and says it runs: strong evidence it did not fail
  faulted,  // it answers a live source and reports a fault: it failed, but it has power and network
};
inline constexpr size_t k_evidence_kinds = 7;

bool abnormal(Evidence e);
const char* to_string(Evidence e);
// The coarse live status of a view (`twinctl graph`): failed (unreachable or faulted),
// alerting, healthy (answers), no alert, unobserved.
const char* status_word(Evidence e);
// The abnormal nodes of `evidence` (alerting or failed), by node: a scan of
// the whole twin, to be done once per observation, not per incident.
std::vector<NodeId> abnormal_nodes(const std::vector<Evidence>& evidence);

struct RcaOptions {
  int max_depth = -1;         // hops between a root and what it explains; -1 = unlimited
  double p_prop = 0.97;       // chance that a failure travels along one edge
  double p_miss = 0.1;        // chance that a failed, watched asset raises no alert
  double p_fa = 0.02;         // chance that a healthy, watched asset raises an alert
  double root_penalty = 4.6;  // log-odds one more root must earn (prior 1 %)
  size_t top = 5;             // candidates kept per incident
};

// One step of an explanation: `node` reached from its parent over `via`.
struct Explained {
  NodeId node = graph::k_no_node;
  std::vector<NodeId> path; // candidate ... node
  std::vector<EdgeType> via;
  float probability = 0; // modelled chance that node failed given the candidate
};

struct Candidate {
  NodeId node = graph::k_no_node;
  double score = 0;          // log-likelihood ratio; higher is likelier
  double share = 0;          // softmax of the scores within its incident
  std::vector<Explained> explains; // abnormal assets it reaches, by node
  size_t contradicted = 0;   // assets it should take down that look fine
  std::vector<NodeId> contradicted_examples; // up to 3, by node
};

struct Incident {
  std::vector<NodeId> roots;       // chosen roots, best first
  std::vector<Candidate> ranked;   // best first, at most options.top
  std::vector<NodeId> failures;    // abnormal assets of the incident, by node
};

struct RcaResult {
  std::vector<Incident> incidents;      // by best root score, then root node
  std::vector<NodeId> isolated;         // failed with no upstream cause, explaining nothing else: the
                                        // root of an incident of its own (or of none, when no root took it down)
  std::vector<NodeId> unexplained;      // alerts no root explains (likely false alarms), by node
  size_t abnormal = 0;                  // abnormal assets considered
  size_t candidates = 0;                // candidates scored
};

// Analyses the evidence (one entry per node). With `focus` empty every
// abnormal asset is analysed (`rca --all`); otherwise only the incidents
// that hold a focus asset (focus assets count as failed). `abnormal_set` is
// abnormal_nodes(evidence), indexed once by the caller: the analysis then
// costs what the incident touches, not the size of the twin.
class Analyzer {
public:
  explicit Analyzer(const AssetGraph& g);
  RcaResult analyse(const std::vector<Evidence>& evidence, const std::vector<NodeId>& abnormal_set,
                    const std::vector<NodeId>& focus, const RcaOptions& opts);
  // The same, indexing the abnormal assets itself (a scan of the twin).
  RcaResult analyse(const std::vector<Evidence>& evidence, const std::vector<NodeId>& focus, const RcaOptions& opts) {
    return analyse(evidence, abnormal_nodes(evidence), focus, opts);
  }
  // Candidates with their scores, best first (no root selection): what the
  // accuracy benchmark ranks.
  std::vector<Candidate> rank(const std::vector<Evidence>& evidence, const RcaOptions& opts);

private:
  struct Scored {
    NodeId node = graph::k_no_node;
    double score = 0;            // per-asset score
    uint32_t reached_at = 0;     // the abnormal assets it reaches (the first few):
    uint32_t reached_n = 0;      // m_reached[reached_at, reached_at + reached_n)
  };
  struct Reach {
    NodeId node;
    float f;
  };
  double evaluate(NodeId c, double threshold, std::vector<Reach>* reach);
  double refine(NodeId c, std::vector<Reach>* reach);
  float failure_chance(NodeId v, uint32_t hop);
  double llr(NodeId v, double f_before, double f_after) const;
  double passed_on(NodeId u) const;
  std::optional<double> sampled(NodeId c);
  double sample_bound(NodeId c);
  void rerank(std::vector<Candidate>& ranked, size_t n);
  void begin(const std::vector<Evidence>& evidence, const std::vector<NodeId>& abnormal,
             const std::vector<NodeId>& focus, const RcaOptions& opts);
  // What is known of v: the evidence, or failed for a focus asset (the user's word).
  Evidence ev(NodeId v) const { return m_forced[v] ? Evidence::failed : (*m_ev)[v]; }
  std::vector<NodeId> candidates_of(const std::vector<NodeId>& from);
  std::vector<Scored> score_all(const std::vector<NodeId>& cands);
  std::vector<NodeId> choose_roots(std::vector<Scored>& scored);
  Candidate describe(NodeId c, double score);
  void group_incidents(RcaResult& r, const std::vector<NodeId>& roots, const std::vector<Scored>& scored,
                       const std::vector<NodeId>& focus);

  const AssetGraph& m_g;
  const std::vector<Evidence>* m_ev = nullptr;
  RcaOptions m_opts;
  size_t m_abnormal_total = 0;
  double m_best_gain = 0;
  std::vector<NodeId> m_abnormal_nodes;
  std::vector<uint8_t> m_forced; // focus assets not otherwise abnormal
  std::vector<NodeId> m_forced_nodes;
  uint32_t m_gen = 0;
  std::vector<uint32_t> m_stamp;
  std::vector<uint32_t> m_hop;
  std::vector<float> m_f;  // chance of being down, per node of the current walk
  std::vector<float> m_fd; // chance of being dead (no power to give)
  std::vector<NodeId> m_parent;
  std::vector<EdgeType> m_via;
  std::vector<NodeId> m_queue;
  // The walk's edges, as a list per node of the reached feeders pointing at it
  // (evaluate() adds them, failure_chance() reads them).
  struct Link {
    NodeId from;
    uint32_t type; // EdgeType
    uint32_t next; // index in m_links, k_no_link at the end
  };
  static constexpr uint32_t k_no_link = 0xFFFFFFFFu;
  std::vector<uint32_t> m_head; // first link into a node of the walk
  std::vector<Link> m_links;
  std::vector<float> m_fcur; // failure chance under the roots chosen so far
  std::vector<NodeId> m_fcur_touched;
  graph::Propagator m_sampler;
  std::vector<double> m_draw_score; // sampled(): the score of each draw
  double m_log_ratio[k_evidence_kinds] = {}; // detail::log_ratio of each kind of Evidence, for these options
  double m_log_ok[k_evidence_kinds] = {};    // log P(observation | fine) of each kind of Evidence
  std::vector<NodeId> m_reached;     // score_all(): the abnormal assets each candidate reaches
  std::vector<uint8_t> m_elsewhere;  // failures another incident's root explains: sampled() gives no credit for them
};

} // namespace twinctl::rca
