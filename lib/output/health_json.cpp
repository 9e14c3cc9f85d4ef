#include "lib/output/health_output.hpp"
#include "lib/output/output.hpp"
#include "lib/util/time.hpp"

#include <nlohmann/json.hpp>

namespace twinctl::output {

namespace {

using nlohmann::json;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(); }

json trend_json(const health::SensorTrend& s) {
  const health::TrendResult& t = s.trend;
  json crossing;
  if (t.crossing_days) {
    crossing = {{"expected_days", *t.crossing_days}, {"earliest_days", opt(t.earliest_days)},
                {"latest_days", opt(t.latest_days)}};
  }
  return {{"sensor", s.sensor},
          {"unit", s.unit},
          {"buckets", t.points},
          {"span_days", t.span_days},
          {"last_reading", t.last_ms == INT64_MIN ? json() : json(util::format_timestamp(t.last_ms / 1000))},
          {"fitted", t.enough},
          {"level", t.enough ? json(t.level) : json()},
          {"slope_per_day", t.enough ? json(t.slope_per_day) : json()},
          {"slope_se", t.enough ? json(t.slope_se) : json()},
          {"daily_swing", t.enough ? json(t.daily_swing) : json()},
          {"trend", !t.enough ? "unknown" : t.trending ? (t.slope_per_day > 0 ? "rising" : "falling") : "none"},
          {"limit", opt(t.limit)},
          {"limit_side", t.limit ? json(t.high_side ? "high" : "low") : json()},
          {"past_limit", t.past},
          {"crossing", crossing},
          {"risk", opt(t.risk)},
          {"summary", health::trend_phrase(s)}};
}

} // namespace

void write_health_json(std::ostream& out, const health::HealthReport& r) {
  json assets = json::array();
  for (const health::AssetHealth& h : r.assets) {
    json components = json::array();
    for (const health::Component& c : h.components) {
      components.push_back({{"name", c.name}, {"weight", c.weight}, {"penalty", c.penalty}, {"has_data", c.has_data},
                            {"why", c.why}});
    }
    json trends = json::array();
    for (const health::SensorTrend& s : h.trends) {
      trends.push_back(trend_json(s));
    }
    assets.push_back({{"asset", h.asset},
                      {"name", h.name},
                      {"criticality", h.criticality},
                      {"line", h.line},
                      {"cell", h.cell},
                      {"team", h.team},
                      {"score", h.score},
                      {"warning", h.warning},
                      {"risk", opt(h.risk)},
                      {"at_risk", h.at_risk},
                      {"components", components},
                      {"trends", trends}});
  }
  json rollups = json::array();
  for (const health::Rollup& u : r.rollups) {
    rollups.push_back({{"level", u.level},
                       {"id", u.id},
                       {"name", u.name},
                       {"score", u.score},
                       {"assets", u.assets},
                       {"warnings", u.warnings},
                       {"at_risk", u.at_risk},
                       {"worst_asset", u.worst_asset},
                       {"worst_score", u.worst_score}});
  }
  json doc = {{"schema", "twinctl-health/v1"},
              {"site", r.site},
              {"site_name", r.site_name},
              {"now", util::format_timestamp(r.now)},
              {"policy",
               {{"warn_below", r.policy.warn_below},
                {"risk_above", r.policy.risk_above},
                {"horizon", r.policy.horizon.text},
                {"window", r.policy.window.text}}},
              {"summary", {{"assets", r.assets.size()}, {"warnings", r.warnings}, {"at_risk", r.at_risk}}},
              {"assets", assets},
              {"rollups", rollups}};
  dump_pretty(out, doc);
}

} // namespace twinctl::output
