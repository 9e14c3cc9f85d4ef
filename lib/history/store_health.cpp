// The health of a run in the history (schema.sql, version 2): the inputs and
// thresholds, the roll-ups, every asset's score and the components of those
// that lost points.
#include "lib/history/store.hpp"

namespace twinctl::history {

void record_health(io::Database& db, int64_t run_id, const HealthRecord& h, bool drift_checked) {
  const health::HealthReport& r = *h.report;
  io::Statement run = db.prepare("INSERT INTO health_runs (run_id, warn_below, risk_above, drift_checked, alerts, "
                                 "readings, window_from, window_to) VALUES (?,?,?,?,?,?,?,?)");
  run.bind(1, run_id).bind(2, r.policy.warn_below).bind(3, r.policy.risk_above);
  run.bind(4, int64_t(drift_checked)).bind(5, int64_t(h.alerts)).bind(6, int64_t(h.readings));
  run.bind_optional(7, h.window_from.empty() ? std::nullopt : std::optional<std::string>(h.window_from));
  run.bind_optional(8, h.window_to.empty() ? std::nullopt : std::optional<std::string>(h.window_to));
  run.run();

  io::Statement roll = db.prepare("INSERT INTO health_scores (run_id, level, id, name, score, assets, warnings, "
                                  "at_risk, worst_asset, worst_score) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  for (const health::Rollup& u : r.rollups) {
    roll.bind(1, run_id).bind(2, u.level).bind(3, u.id).bind(4, u.name).bind(5, u.score);
    roll.bind(6, int64_t(u.assets)).bind(7, int64_t(u.warnings)).bind(8, int64_t(u.at_risk));
    roll.bind(9, u.worst_asset).bind(10, u.worst_score);
    roll.run();
  }

  io::Statement asset = db.prepare("INSERT INTO health_assets (run_id, asset, name, criticality, line, cell, team, "
                                   "score, risk, warning, at_risk, trend) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  io::Statement part = db.prepare("INSERT INTO health_components (run_id, asset, component, weight, penalty, has_data, "
                                  "why) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  for (const health::AssetHealth& a : r.assets) {
    asset.bind(1, run_id).bind(2, a.asset).bind(3, a.name).bind(4, a.criticality).bind(5, a.line).bind(6, a.cell);
    asset.bind(7, a.team).bind(8, a.score);
    if (a.risk) {
      asset.bind(9, *a.risk);
    } else {
      asset.bind_null(9);
    }
    asset.bind(10, int64_t(a.warning)).bind(11, int64_t(a.at_risk));
    asset.bind(12, a.trends.empty() ? std::string() : a.trends.front().sensor + " " + health::trend_phrase(a.trends.front()));
    asset.run();
    if (a.score >= 100) {
      continue;
    }
    for (const health::Component& c : a.components) {
      part.bind(1, run_id).bind(2, a.asset).bind(3, c.name).bind(4, c.weight).bind(5, c.penalty);
      part.bind(6, int64_t(c.has_data)).bind(7, c.why);
      part.run();
    }
  }
}

} // namespace twinctl::history
