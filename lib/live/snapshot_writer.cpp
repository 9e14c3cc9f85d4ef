#include "lib/live/snapshot_writer.hpp"

#include "lib/util/error.hpp"
#include "lib/util/json_stream.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

namespace twinctl::live {

namespace {

using json = nlohmann::json;

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json fields_json(const std::map<std::string, std::string>& fields) {
  json out = json::object();
  for (const auto& [k, v] : fields) {
    out[k] = v;
  }
  return out;
}

// Whole numbers are written without ".0" (1412, not 1412.0); reading gives the same double back.
json number_json(double v) {
  if (!std::isfinite(v)) {
    return nullptr;
  }
  if (std::trunc(v) == v && std::fabs(v) < 9007199254740992.0) {
    return static_cast<int64_t>(v);
  }
  return v;
}

json metric_json(const model::Metric& m) {
  json out = {{"value", number_json(m.value)}};
  if (!m.unit.empty()) {
    out["unit"] = m.unit;
  }
  if (!m.ts.empty()) {
    out["ts"] = m.ts;
  }
  return out;
}

} // namespace

void write_snapshot(std::ostream& out, const model::LiveSnapshot& snap) {
  if (snap.taken_at.empty()) {
    throw Error("cannot write a twinctl-live/v1 snapshot without taken_at");
  }
  std::vector<const model::LiveSource*> sources;
  for (const model::LiveSource& s : snap.sources) {
    sources.push_back(&s);
  }
  std::stable_sort(sources.begin(), sources.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  std::vector<const model::Observation*> obs;
  for (const model::Observation& o : snap.observations) {
    obs.push_back(&o);
  }
  std::stable_sort(obs.begin(), obs.end(), [](const auto* a, const auto* b) {
    return std::tie(a->asset, a->source, a->ref) < std::tie(b->asset, b->source, b->ref);
  });

  json doc = {{"format", "twinctl-live/v1"}, {"taken_at", snap.taken_at}};
  json& js = doc["sources"] = json::array();
  for (const model::LiveSource* s : sources) {
    json j = {
        {"name", s->name}, {"adapter", s->adapter}, {"ok", s->ok}, {"items", s->items}, {"error", nullable(s->error)}};
    if (!s->endpoint.empty()) {
      j["endpoint"] = s->endpoint;
    }
    js.push_back(std::move(j));
  }
  // Observations are written one at a time (100k devices are not one DOM); the schema keeps
  // unmanaged devices apart, with fewer properties.
  auto unmatched_begin = std::stable_partition(obs.begin(), obs.end(), [](const auto* o) { return !o->asset.empty(); });
  std::vector<const model::Observation*> unmatched(unmatched_begin, obs.end());
  obs.erase(unmatched_begin, obs.end());
  doc["observations"] = json::array();
  if (!unmatched.empty()) {
    doc["unmatched"] = json::array();
  }
  auto observation = [&](util::JsonElementOut& w, size_t i) {
    const model::Observation* o = obs[i];
    json metrics = json::object();
    for (const auto& [name, m] : o->metrics) {
      metrics[name] = metric_json(m);
    }
    w.value({{"asset", o->asset},
             {"source", o->source},
             {"ref", o->ref},
             {"observed_at", nullable(o->observed_at)},
             {"online", o->online ? json(*o->online) : json(nullptr)},
             {"fields", fields_json(o->fields)},
             {"metrics", std::move(metrics)}});
  };
  auto unmanaged = [&](util::JsonElementOut& w, size_t i) {
    const model::Observation* o = unmatched[i];
    w.value({{"source", o->source},
             {"ref", o->ref},
             {"fields", fields_json(o->fields)},
             {"observed_at", nullable(o->observed_at)}});
  };
  // Invalid UTF-8 in a value must not throw here: it is replaced (U+FFFD).
  util::write_json_streamed(out, doc,
                            {{"observations", obs.size(), observation}, {"unmatched", unmatched.size(), unmanaged}});
}

} // namespace twinctl::live
