// Reads `kind: Twin` documents: the header of twin.yaml (id, name, defaults for every document).
#include "lib/loaders/kinds/documents.hpp"

#include <algorithm>

namespace twinctl::loaders::kinds {

void read_twin_header(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::Twin t;
  t.loc = ctx.loc(r.node());
  r.id("id", t.id, true);
  r.str("name", t.name);
  r.str("description", t.description);
  if (const YamlNode* d = r.get("defaults")) {
    MapReader dr(ctx, *d, "defaults",
                 {"stale_after", "cert_due_soon", "maintenance_due_soon", "co2_kg_per_kwh", "status_aliases", "zone_aliases", "unit_aliases"});
    std::optional<util::Duration> dur;
    if (dr.duration("stale_after", dur) && dur) {
      t.defaults.stale_after = *dur;
    }
    dur.reset();
    if (dr.duration("cert_due_soon", dur) && dur) {
      t.defaults.cert_due_soon = *dur;
    }
    dur.reset();
    if (dr.duration("maintenance_due_soon", dur) && dur) {
      t.defaults.maintenance_due_soon = *dur;
    }
    dr.number("co2_kg_per_kwh", t.defaults.co2_kg_per_kwh);
    dr.string_map("status_aliases", t.defaults.status_aliases);
    for (const auto& [from, to] : t.defaults.status_aliases) {
      if (std::find(k_statuses.begin(), k_statuses.end(), to) == k_statuses.end()) {
        ctx.error(*dr.get("status_aliases"), "status alias '" + from + "' maps to '" + to +
                                                 "', which is not a status (one of: " + quoted_list(k_statuses) + ")");
      }
    }
    dr.string_map("zone_aliases", t.defaults.zone_aliases);
    dr.string_map("unit_aliases", t.defaults.unit_aliases);
  }
  out.twins.push_back(std::move(t));
}

} // namespace twinctl::loaders::kinds
