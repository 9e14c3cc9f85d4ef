// Reads `kind: DriftPolicy` documents: severity overrides per rule, class and criticality; volatile fields.
#include "lib/loaders/kinds/documents.hpp"

#include "lib/model/rules.hpp"

namespace twinctl::loaders::kinds {

void read_drift_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::DriftPolicy p;
  p.loc = ctx.loc(r.node());
  if (const auto* overrides = r.list("overrides")) {
    for (const YamlNode& item : *overrides) {
      MapReader orr(ctx, item, "override", {"rule", "class", "criticality", "severity"});
      if (!orr.ok()) {
        continue;
      }
      model::SeverityOverride o;
      o.loc = ctx.loc(item);
      if (orr.str("rule", o.rule, true) && !o.rule.empty() && !model::find_rule(o.rule)) {
        ctx.error(*orr.get("rule"), "unknown rule '" + o.rule + "'");
      }
      orr.one_of("class", o.asset_class, k_classes);
      orr.one_of("criticality", o.criticality, k_criticalities);
      orr.one_of("severity", o.severity, k_severities, true);
      p.overrides.push_back(std::move(o));
    }
  }
  r.string_list("volatile_fields", p.volatile_fields);
  out.drift_policies.push_back(std::move(p));
}

} // namespace twinctl::loaders::kinds
