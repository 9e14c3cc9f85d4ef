// Reads `kind: ZonePolicy` documents: IEC 62443 zones (Purdue level, security level, subnets) and conduits.
#include "lib/loaders/kinds/documents.hpp"

#include "lib/util/values.hpp"

namespace twinctl::loaders::kinds {

void read_zone_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::ZonePolicy p;
  p.loc = ctx.loc(r.node());
  if (const auto* zones = r.list("zones")) {
    for (const YamlNode& item : *zones) {
      MapReader zr(ctx, item, "zone", {"id", "name", "purdue_level", "security_level", "subnets"});
      if (!zr.ok()) {
        continue;
      }
      model::Zone z;
      z.loc = zr.loc_of("id");
      zr.id("id", z.id, true);
      zr.str("name", z.name);
      zr.purdue("purdue_level", z.purdue_level);
      zr.integer("security_level", z.security_level, 0, 4);
      zr.string_list("subnets", z.subnets);
      for (const std::string& cidr : z.subnets) {
        if (!util::is_cidr(cidr)) {
          ctx.error(*zr.get("subnets"), "'" + cidr + "' is not a CIDR block (like 10.20.3.0/24)");
        }
      }
      p.zones.push_back(std::move(z));
    }
  }
  if (const auto* conduits = r.list("conduits")) {
    for (const YamlNode& item : *conduits) {
      MapReader cr(ctx, item, "conduit", {"id", "from", "to", "bidirectional", "protocols", "description"});
      if (!cr.ok()) {
        continue;
      }
      model::Conduit c;
      c.loc = cr.loc_of("id");
      cr.id("id", c.id, true);
      cr.id("from", c.from, true);
      cr.id("to", c.to, true);
      cr.boolean("bidirectional", c.bidirectional);
      cr.string_list("protocols", c.protocols);
      cr.str("description", c.description);
      p.conduits.push_back(std::move(c));
    }
  }
  out.zone_policies.push_back(std::move(p));
}

} // namespace twinctl::loaders::kinds
