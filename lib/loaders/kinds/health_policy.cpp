// Reads `kind: HealthPolicy`: the thresholds of `twinctl health`.
#include "lib/loaders/kinds/documents.hpp"

namespace twinctl::loaders::kinds {

void read_health_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::HealthPolicy p;
  p.loc = ctx.loc(r.node());
  std::optional<double> v;
  if (r.number("warn_below", v) && v) {
    if (*v < 0 || *v > 100) {
      ctx.error(*r.get("warn_below"), "warn_below is a score from 0 to 100");
    }
    p.warn_below = *v;
  }
  v.reset();
  if (r.number("risk_above", v) && v) {
    if (*v < 0 || *v > 1) {
      ctx.error(*r.get("risk_above"), "risk_above is a probability from 0 to 1");
    }
    p.risk_above = *v;
  }
  std::optional<util::Duration> d;
  if (r.duration("horizon", d) && d) {
    p.horizon = *d;
  }
  d.reset();
  if (r.duration("window", d) && d) {
    p.window = *d;
  }
  out.health_policies.push_back(std::move(p));
}

} // namespace twinctl::loaders::kinds
