// `rca` as JSON (schemas/rca.schema.json).
#include "lib/output/graph_output.hpp"

namespace twinctl::output {

namespace {

nlohmann::json team_of(const graph::TeamImpact& t) {
  if (t.id.empty()) {
    return nullptr;
  }
  const model::Team& c = t.contacts();
  return {{"id", t.id}, {"name", c.name}, {"lead", c.lead}, {"email", c.email}, {"chat", c.chat}, {"oncall", c.oncall}};
}

nlohmann::json candidate_json(const rca::CandidateView& c) {
  nlohmann::json j;
  j["asset"] = c.id;
  j["name"] = c.name;
  j["class"] = c.asset_class;
  j["observed"] = c.evidence;
  j["root"] = c.root;
  j["score"] = c.score;
  j["share"] = c.share;
  nlohmann::json& ex = j["explains"] = nlohmann::json::array();
  for (const rca::ExplainedView& e : c.explains) {
    ex.push_back({{"asset", e.asset}, {"observed", e.evidence}, {"path", e.path}, {"via", e.via},
                  {"probability", e.probability}});
  }
  j["contradicted"] = c.contradicted;
  j["contradicted_examples"] = c.contradicted_examples;
  j["owner"] = team_of(c.team);
  return j;
}

} // namespace

nlohmann::json rca_json(const rca::RcaReport& r) {
  nlohmann::json j;
  j["schema_version"] = 1;
  j["kind"] = "rca";
  j["site"] = r.site;
  j["focus"] = r.focus;
  j["incomplete"] = r.incomplete;
  nlohmann::json& src = j["sources"] = nlohmann::json::array();
  for (const model::LiveSource& s : r.sources) {
    src.push_back({{"name", s.name}, {"ok", s.ok}, {"error", s.error.empty() ? nlohmann::json() : nlohmann::json(s.error)}});
  }
  j["summary"] = {{"failed", r.failed},
                  {"alerting", r.alerting},
                  {"healthy", r.healthy},
                  {"candidates", r.candidates},
                  {"incidents", r.incidents.size()},
                  {"isolated", r.isolated.size()},
                  {"unexplained", r.unexplained.size()}};
  nlohmann::json& incs = j["incidents"] = nlohmann::json::array();
  for (const rca::IncidentView& inc : r.incidents) {
    nlohmann::json x;
    x["id"] = inc.id;
    x["roots"] = inc.roots;
    x["failures"] = inc.failures;
    nlohmann::json& cs = x["candidates"] = nlohmann::json::array();
    for (const rca::CandidateView& c : inc.candidates) {
      cs.push_back(candidate_json(c));
    }
    x["steps"] = inc.steps;
    x["isolated"] = inc.isolated;
    incs.push_back(std::move(x));
  }
  nlohmann::json& iso = j["isolated"] = nlohmann::json::array();
  for (const rca::IsolatedView& i : r.isolated) {
    iso.push_back({{"asset", i.id},
                   {"name", i.name},
                   {"observed", i.evidence},
                   {"owner", team_of(i.team)},
                   {"incident", i.incident.empty() ? nlohmann::json() : nlohmann::json(i.incident)}});
  }
  j["unexplained_alerts"] = r.unexplained;
  j["unknown_alert_assets"] = r.unknown_alert_assets;
  return j;
}

void write_rca_json(std::ostream& out, const rca::RcaReport& r) { out << rca_json(r).dump(2) << "\n"; }

} // namespace twinctl::output
