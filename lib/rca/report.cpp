#include "lib/rca/report.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace twinctl::rca {

using util::plural;

namespace {

std::string list_ids(const std::vector<std::string>& ids, size_t max = 5) {
  std::string s;
  for (size_t i = 0; i < ids.size() && i < max; ++i) {
    s += (i ? ", " : "") + ids[i];
  }
  if (ids.size() > max) {
    s += " and " + std::to_string(ids.size() - max) + " more";
  }
  return s;
}

std::string contact_line(const graph::TeamImpact& t) {
  const model::Team& c = t.contacts();
  std::string who = c.name.empty() ? t.id : c.name + " (" + t.id + ")";
  std::vector<std::string> ways;
  for (const std::string* w : {&c.oncall, &c.lead, &c.email, &c.chat}) {
    if (!w->empty()) {
      ways.push_back(*w);
    }
  }
  return ways.empty() ? who : who + ": " + list_ids(ways, 4);
}

CandidateView candidate_view(const AssetGraph& g, const Observations& obs, const Candidate& c, bool root) {
  const model::Asset& a = g.asset(c.node);
  CandidateView v;
  v.id = a.id;
  v.name = a.name;
  v.asset_class = a.asset_class;
  v.evidence = to_string(obs.evidence[c.node]);
  v.root = root;
  v.score = std::round(c.score * 100) / 100;
  v.share = std::round(c.share * 1000) / 1000;
  for (const Explained& x : c.explains) {
    ExplainedView e;
    e.asset = g.asset(x.node).id;
    e.evidence = to_string(obs.evidence[x.node]);
    for (NodeId n : x.path) {
      e.path.push_back(g.asset(n).id);
    }
    for (EdgeType t : x.via) {
      e.via.push_back(graph::to_string(t));
    }
    // In double: a float rounded and widened prints as 0.9700000286102295.
    e.probability = std::round(static_cast<double>(x.probability) * 1000) / 1000;
    v.explains.push_back(std::move(e));
  }
  v.contradicted = c.contradicted;
  for (NodeId n : c.contradicted_examples) {
    v.contradicted_examples.push_back(g.asset(n).id);
  }
  v.team = graph::team_contacts(*g.twin, a.owned_by);
  return v;
}

std::string relationship_words(const CandidateView& c) {
  std::set<std::string> types;
  for (const ExplainedView& e : c.explains) {
    types.insert(e.via.begin(), e.via.end());
  }
  std::vector<std::string> t(types.begin(), types.end());
  return t.empty() ? "" : " along " + list_ids(t);
}

// The steps of reasoning, in plain words, from the data of the incident.
std::vector<std::string> steps_of(const IncidentView& inc, size_t candidates_total) {
  std::vector<std::string> s;
  if (inc.isolated) {
    const CandidateView& c = inc.candidates.front();
    s.push_back(c.id + " (" + c.evidence + ") failed on its own: its failure explains no other abnormal asset, " +
                "and nothing upstream explains it better" +
                (c.evidence == "fault" ? " (it answers, so it has power and a network path)." : "."));
    for (const CandidateView& other : inc.candidates) {
      if (!other.root) {
        s.push_back("The next best candidate, " + other.id + " (" + other.evidence + "), scores " +
                    std::to_string(static_cast<int>(std::lround(other.score))) + " against " +
                    std::to_string(static_cast<int>(std::lround(c.score))) + ".");
        break;
      }
    }
    if (!c.team.id.empty()) {
      s.push_back("Call the owner of " + c.id + ": " + contact_line(c.team) + ".");
    }
    return s;
  }
  s.push_back(plural(inc.failures.size(), "asset is", "assets are") + " abnormal in this incident: " +
              list_ids(inc.failures, 8) + ".");
  s.push_back("Walking the asset graph upstream from every abnormal asset gave " +
              plural(candidates_total, "candidate", "candidates") +
              "; each was scored by how well its failure, travelling forward, explains what was observed.");
  for (const CandidateView& c : inc.candidates) {
    if (!c.root) {
      continue;
    }
    std::string line = c.id + " (" + c.evidence + ") explains " + std::to_string(c.explains.size()) + " of the " +
                       std::to_string(inc.failures.size()) + " abnormal assets" + relationship_words(c) + ".";
    if (c.evidence == "unobserved") {
      line += " Nothing reports its own state: it is named because its dependents failed together.";
    }
    s.push_back(line);
    if (c.contradicted > 0) {
      s.push_back("Its failure should also have taken down " + plural(c.contradicted, "asset", "assets") +
                  " that look fine (" + list_ids(c.contradicted_examples) + "), which lowers its score.");
    }
  }
  if (inc.roots.size() > 1) {
    s.push_back("No single asset explains every failure: " + plural(inc.roots.size(), "root", "roots") +
                " failed at the same time (" + list_ids(inc.roots) + ").");
  }
  for (const CandidateView& c : inc.candidates) {
    if (!c.root) {
      s.push_back("The next best candidate, " + c.id + ", explains " + std::to_string(c.explains.size()) +
                  " (score " + std::to_string(static_cast<int>(std::lround(c.score))) + " against " +
                  std::to_string(static_cast<int>(std::lround(inc.candidates.front().score))) + ").");
      break;
    }
  }
  for (const CandidateView& c : inc.candidates) {
    if (c.root && !c.team.id.empty()) {
      s.push_back("Call the owner of " + c.id + ": " + contact_line(c.team) + ".");
    }
  }
  return s;
}

} // namespace

RcaReport describe_rca(const AssetGraph& g, const Observations& obs, const RcaResult& result,
                       const std::vector<std::string>& focus, const RcaOptions& opts) {
  RcaReport r;
  r.site = g.twin->id;
  r.focus = focus;
  r.failed = obs.failed;
  r.alerting = obs.alerting;
  r.healthy = obs.healthy;
  r.candidates = result.candidates;
  r.max_depth = opts.max_depth;
  r.unknown_alert_assets = obs.unknown_assets;
  for (const Incident& inc : result.incidents) {
    IncidentView v;
    v.id = "INC-" + std::to_string(r.incidents.size() + 1);
    for (NodeId n : inc.roots) {
      v.roots.push_back(g.asset(n).id);
    }
    for (NodeId n : inc.failures) {
      v.failures.push_back(g.asset(n).id);
    }
    for (const Candidate& c : inc.ranked) {
      bool root = std::find(inc.roots.begin(), inc.roots.end(), c.node) != inc.roots.end();
      v.candidates.push_back(candidate_view(g, obs, c, root));
    }
    v.isolated = inc.roots.size() == 1 && inc.failures.size() == 1 && inc.failures[0] == inc.roots[0];
    v.steps = steps_of(v, result.candidates);
    r.incidents.push_back(std::move(v));
  }
  for (NodeId n : result.isolated) {
    const model::Asset& a = g.asset(n);
    IsolatedView iv{a.id, a.name, to_string(obs.evidence[n]), graph::team_contacts(*g.twin, a.owned_by), ""};
    for (const IncidentView& inc : r.incidents) {
      if (inc.isolated && inc.roots.front() == a.id) {
        iv.incident = inc.id;
      }
    }
    r.isolated.push_back(std::move(iv));
  }
  for (NodeId n : result.unexplained) {
    r.unexplained.push_back(g.asset(n).id);
  }
  return r;
}

} // namespace twinctl::rca
