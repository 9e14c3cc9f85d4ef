// `simulate failure` as JSON (schemas/failure.schema.json).
#include "lib/output/graph_output.hpp"
#include "lib/util/json_stream.hpp"

#include <cmath>

namespace twinctl::output {

namespace {

nlohmann::json team_json(const graph::TeamImpact& t) {
  const model::Team& c = t.contacts();
  nlohmann::json j;
  j["id"] = t.id;
  j["name"] = c.name;
  j["lead"] = c.lead;
  j["email"] = c.email;
  j["chat"] = c.chat;
  j["oncall"] = c.oncall;
  return j;
}

nlohmann::json affected_json(const graph::FailureReport& r, size_t i) {
  const model::Asset& a = r.asset(r.affected[i]);
  nlohmann::json x;
  x["asset"] = a.id;
  x["name"] = a.name;
  x["class"] = a.asset_class;
  x["criticality"] = a.criticality;
  x["space"] = a.located_in;
  x["team"] = a.owned_by;
  x["hop"] = r.affected[i].hop;
  x["impact"] = r.affected[i].impact();
  x["path"] = r.path_ids(i);
  x["via"] = r.path_via(i);
  x["power_kw"] = a.power_kw ? nlohmann::json(*a.power_kw) : nlohmann::json();
  return x;
}

// The document; `with_affected` false leaves "affected" an empty array (the
// writer streams it).
nlohmann::json document(const graph::FailureReport& r, bool with_affected) {
  nlohmann::json j;
  j["schema_version"] = 1;
  j["kind"] = "failure-simulation";
  j["site"] = r.site;
  j["targets"] = r.targets;
  j["max_depth"] = r.options.max_depth >= 0 ? nlohmann::json(r.options.max_depth) : nlohmann::json();
  j["probability"] = r.options.probability;
  j["seed"] = r.options.seed;
  nlohmann::json& s = j["summary"];
  s["affected"] = r.affected.size();
  s["stopped"] = r.stopped;
  s["degraded"] = r.affected.size() - r.stopped;
  s["power_lost_kw"] = std::round(r.power_lost_kw * 1000) / 1000;
  s["by_class"] = r.by_class;
  s["lines_stopped"] = nlohmann::json::array();
  s["cells_stopped"] = nlohmann::json::array();
  for (const graph::SpaceImpact& sp : r.spaces) {
    if (sp.stopped && (sp.type == "line" || sp.type == "cell")) {
      s[sp.type == "line" ? "lines_stopped" : "cells_stopped"].push_back(sp.id);
    }
  }
  s["survivors"] = r.survivors.size();
  nlohmann::json& affected = j["affected"] = nlohmann::json::array();
  for (size_t i = 0; with_affected && i < r.affected.size(); ++i) {
    affected.push_back(affected_json(r, i));
  }
  nlohmann::json& spaces = j["spaces"] = nlohmann::json::array();
  for (const graph::SpaceImpact& sp : r.spaces) {
    spaces.push_back({{"id", sp.id}, {"name", sp.name}, {"type", sp.type}, {"down", sp.down}, {"degraded", sp.degraded},
                      {"total", sp.total}, {"stopped", sp.stopped}});
  }
  nlohmann::json& teams = j["teams"] = nlohmann::json::array();
  for (const graph::TeamImpact& t : r.teams) {
    nlohmann::json x = team_json(t);
    x["assets"] = t.assets;
    teams.push_back(std::move(x));
  }
  nlohmann::json& survivors = j["survivors"] = nlohmann::json::array();
  for (const graph::SurvivorInfo& sv : r.survivors) {
    survivors.push_back(
        {{"asset", sv.id}, {"type", sv.type}, {"down", sv.down}, {"total", sv.total}, {"needed", sv.needed}});
  }
  return j;
}

} // namespace

nlohmann::json failure_json(const graph::FailureReport& r) { return document(r, true); }

// The same text as failure_json(r).dump(2), but the affected assets (a million
// when a site feed fails) are written one at a time instead of as one DOM and
// one string of the whole document.
void write_failure_json(std::ostream& out, const graph::FailureReport& r) {
  util::write_json_streamed(out, document(r, false),
                            {{"affected", r.affected.size(),
                              [&](util::JsonElementOut& o, size_t i) { o.value(affected_json(r, i)); }}});
}

} // namespace twinctl::output
