// Reads `kind: IgnoreList` documents: suppressions of findings, each with a selector and a reason.
#include "lib/loaders/kinds/documents.hpp"

#include "lib/model/rules.hpp"

namespace twinctl::loaders::kinds {

void read_ignore_list(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::IgnoreList l;
  l.loc = ctx.loc(r.node());
  if (const auto* items = r.list("suppressions")) {
    for (const YamlNode& item : *items) {
      MapReader sr(ctx, item, "suppression",
                   {"asset", "class", "zone", "rule", "field", "value", "reason", "owner", "ticket", "expires"});
      if (!sr.ok()) {
        continue;
      }
      model::Suppression s;
      s.loc = ctx.loc(item);
      sr.str("asset", s.asset);
      sr.one_of("class", s.asset_class, k_classes);
      sr.str("zone", s.zone);
      if (sr.str("rule", s.rule) && !s.rule.empty() && !model::find_rule(s.rule)) {
        ctx.error(*sr.get("rule"), "unknown rule '" + s.rule + "'");
      }
      sr.str("field", s.field);
      sr.str("value", s.value);
      sr.str("reason", s.reason, true);
      sr.str("owner", s.owner);
      sr.str("ticket", s.ticket);
      sr.date("expires", s.expires);
      if (s.asset.empty() && s.asset_class.empty() && s.zone.empty() && s.rule.empty() && s.field.empty()) {
        ctx.error(item, "a suppression needs a selector: at least one of asset, class, zone, rule, field");
      }
      l.suppressions.push_back(std::move(s));
    }
  }
  out.ignore_lists.push_back(std::move(l));
}

} // namespace twinctl::loaders::kinds
