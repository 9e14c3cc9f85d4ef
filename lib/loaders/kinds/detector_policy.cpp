// Reads `kind: DetectorPolicy` documents: sensor detector settings, as defaults and per sensor type.
#include "lib/loaders/kinds/documents.hpp"

#include "lib/model/detectors.hpp"

#include <charconv>
#include <cmath>
#include <set>

namespace twinctl::loaders::kinds {

namespace {

// One block of detector settings: {cooldown: N, DETECTOR: {PARAM: N, enabled: bool}}.
// Kept as `replay --set` settings; names and lower bounds from model/detectors.hpp.
void read_detector_block(const Ctx& ctx, const YamlNode& node, const std::optional<std::string>& type,
                         const std::string& what, std::vector<model::DetectorSetting>& out) {
  std::vector<std::string> keys = {"cooldown"};
  keys.insert(keys.end(), model::k_detector_names.begin(), model::k_detector_names.end());
  MapReader r(ctx, node, what, keys);
  if (!r.ok()) {
    return;
  }
  auto number = [&](const MapReader& m, const model::DetectorParamInfo& info) {
    std::optional<double> v;
    if (!m.number(info.param, v) || !v) {
      return;
    }
    char buf[32];
    if (!std::isfinite(*v) || *v < info.min) {
      auto end = std::to_chars(buf, buf + sizeof buf, info.min).ptr;
      ctx.error(*m.get(info.param), "'" + std::string(info.param) + "' must be a number >= " +
                                        std::string(buf, end) + ", not " + m.get(info.param)->value);
      return;
    }
    // The shortest text that reads back as the same double.
    auto end = std::to_chars(buf, buf + sizeof buf, *v).ptr;
    out.push_back({type, std::string(info.name), std::string(buf, end), m.loc_of(info.param)});
  };
  number(r, model::k_detector_params[0]); // cooldown
  for (std::string_view d : model::k_detector_names) {
    const YamlNode* dn = r.get(d);
    if (!dn) {
      continue;
    }
    std::vector<std::string> params = {"enabled"};
    for (const model::DetectorParamInfo& info : model::k_detector_params) {
      if (info.detector == d) {
        params.emplace_back(info.param);
      }
    }
    MapReader dr(ctx, *dn, what + "." + std::string(d), params);
    if (!dr.ok()) {
      continue;
    }
    for (const model::DetectorParamInfo& info : model::k_detector_params) {
      if (info.detector == d) {
        number(dr, info);
      }
    }
    // After the numbers: rate.max switches the rate detector on, `enabled` has the last word.
    bool on = true;
    if (dr.get("enabled") && dr.boolean("enabled", on)) {
      out.push_back({type, std::string(d), on ? "on" : "off", dr.loc_of("enabled")});
    }
  }
}

} // namespace

void read_detector_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::DetectorPolicy p;
  p.loc = ctx.loc(r.node());
  if (const YamlNode* d = r.get("defaults")) {
    read_detector_block(ctx, *d, std::nullopt, "defaults", p.settings);
  }
  if (const YamlNode* t = r.get("types"); t && t->is_map()) {
    std::set<std::string> seen;
    for (size_t i = 0; i + 1 < t->children.size(); i += 2) {
      const YamlNode& k = t->children[i];
      if (!k.is_scalar() || k.value.empty()) {
        ctx.error(k, "keys of 'types' must be sensor types (non-empty strings)");
        continue;
      }
      if (!seen.insert(k.value).second) {
        ctx.error(k, "duplicate sensor type '" + k.value + "' in 'types'");
        continue;
      }
      read_detector_block(ctx, t->children[i + 1], k.value, "types." + k.value, p.settings);
    }
  } else if (t) {
    ctx.error(*t, std::string("'types' must be a mapping of sensor type to settings, not ") + t->kind_name());
  }
  out.detector_policies.push_back(std::move(p));
}

} // namespace twinctl::loaders::kinds
