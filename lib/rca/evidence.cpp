#include "lib/rca/evidence.hpp"

#include "lib/drift/drift.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace twinctl::rca {

namespace {

// Status vocabulary: the source's own table first, then the twin's.
std::map<std::string, std::string> status_aliases(const model::Twin& twin, const std::string& source) {
  std::map<std::string, std::string> out;
  if (const model::Source* s = twin.find_source(source)) {
    out = s->status_aliases;
  }
  out.insert(twin.defaults.status_aliases.begin(), twin.defaults.status_aliases.end());
  return out;
}

bool intended_down(const model::Asset& a) {
  auto it = a.expected.find("status");
  if (it == a.expected.end()) {
    return false;
  }
  const std::string& s = it->second.value;
  return s == "offline" || s == "stopped" || s == "maintenance" || s == "decommissioned";
}

// What one live status says. An asset that answers (not offline, online not false) has power
// and a network path, whatever else it says: running (or idle) is strong evidence it did not
// fail, a fault is its own failure (or a lost data feed); offline is unreachable. An asset
// meant to be down that is down says nothing.
Evidence classify(const std::string& status, std::optional<bool> online, bool meant_down) {
  bool unreachable = status == "offline" || (online && !*online);
  if (unreachable) {
    return meant_down ? Evidence::unknown : Evidence::failed;
  }
  if (status == "fault") {
    return meant_down ? Evidence::unknown : Evidence::faulted;
  }
  return status == "running" || status == "idle" ? Evidence::running : Evidence::healthy;
}

// Step: the freshest live status of each asset, failed or healthy.
void add_live(Observations& o, const AssetGraph& g, const model::LiveSnapshot& live) {
  const model::Twin& twin = *g.twin;
  std::set<std::string> failed_sources;
  for (const model::LiveSource& s : live.sources) {
    if (!s.ok) {
      o.failed_sources.push_back(s);
      failed_sources.insert(s.name);
    }
  }
  std::map<std::string, std::map<std::string, std::string>> aliases;
  std::vector<std::string> freshest(g.nodes());
  for (const model::Observation& obs : live.observations) {
    auto n = obs.asset.empty() || failed_sources.count(obs.source) ? std::nullopt : g.find(obs.asset);
    if (!n || (!freshest[*n].empty() && obs.observed_at < freshest[*n])) {
      continue;
    }
    std::string status;
    if (auto it = obs.fields.find("status"); it != obs.fields.end() && !it->second.empty()) {
      auto [al, fresh] = aliases.try_emplace(obs.source);
      if (fresh) {
        al->second = status_aliases(twin, obs.source);
      }
      status = drift::compare_field("status", "running", it->second, al->second).live_norm;
    } else if (obs.online) {
      status = *obs.online ? "running" : "offline";
    } else {
      continue;
    }
    freshest[*n] = obs.observed_at.empty() ? " " : obs.observed_at;
    o.evidence[*n] = classify(status, obs.online, intended_down(g.asset(*n)));
  }
}

// Step: alerts still open at the end of the stream.
void add_alerts(Observations& o, const AssetGraph& g, const std::vector<model::Alert>& alerts) {
  for (graph::NodeId n = 0; n < g.nodes(); ++n) {
    if (!g.asset(n).sensors.empty() && o.evidence[n] == Evidence::unknown) {
      o.evidence[n] = Evidence::quiet;
    }
  }
  std::vector<const model::Alert*> order;
  for (const model::Alert& a : alerts) {
    order.push_back(&a);
  }
  std::stable_sort(order.begin(), order.end(), [](const model::Alert* a, const model::Alert* b) { return a->ts < b->ts; });
  std::map<std::tuple<std::string, std::string, std::string>, bool> open;
  std::set<std::string> unknown;
  for (const model::Alert* a : order) {
    if (a->severity == "info") {
      continue;
    }
    open[{a->asset, a->sensor, a->detector}] = a->event == "raise";
  }
  for (const auto& [key, is_open] : open) {
    if (!is_open) {
      continue;
    }
    auto n = g.find(std::get<0>(key));
    if (!n) {
      unknown.insert(std::get<0>(key));
    } else if (o.evidence[*n] != Evidence::failed && o.evidence[*n] != Evidence::faulted) {
      o.evidence[*n] = Evidence::alerting;
    }
  }
  o.unknown_assets.assign(unknown.begin(), unknown.end());
}

} // namespace

Observations observe(const AssetGraph& g, const model::LiveSnapshot* live, const std::vector<model::Alert>* alerts) {
  Observations o;
  o.evidence.assign(g.nodes(), Evidence::unknown);
  if (live) {
    add_live(o, g, *live);
  }
  if (alerts) {
    add_alerts(o, g, *alerts);
  }
  for (Evidence e : o.evidence) {
    o.failed += e == Evidence::failed || e == Evidence::faulted ? 1 : 0;
    o.alerting += e == Evidence::alerting ? 1 : 0;
    o.healthy += e == Evidence::healthy || e == Evidence::running ? 1 : 0;
  }
  o.abnormal = abnormal_nodes(o.evidence);
  return o;
}

} // namespace twinctl::rca
