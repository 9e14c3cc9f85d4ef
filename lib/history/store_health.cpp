// The health of a run in the history (schema.sql, version 2): the inputs and
// thresholds, the roll-ups, every asset's score and the components of those
// that lost points; and its OEE (version 3): the totals of each asset and line.
#include "lib/history/store.hpp"

namespace twinctl::history {

namespace {

void bind_optional(io::Statement& s, int index, const std::optional<double>& v) {
  if (v) {
    s.bind(index, *v);
  } else {
    s.bind_null(index);
  }
}

// The totals over the readings (day "") of each asset and line.
void record_oee(io::Database& db, int64_t run_id, const oee::Result& r) {
  io::Statement row = db.prepare(
      "INSERT INTO oee (run_id, line, asset, planned_s, run_s, down_s, setup_s, idle_s, small_stop_s, no_data_s, "
      "planned_stop_s, total, good, reject, ideal_s, speed_loss_s, quality_loss_s, availability, performance, quality, "
      "oee) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
  for (const auto* list : {&r.assets, &r.lines}) {
    for (const oee::Period& p : *list) {
      if (!p.day.empty()) {
        continue;
      }
      row.bind(1, run_id).bind(2, p.line).bind(3, p.asset).bind(4, p.planned_s).bind(5, p.run_s).bind(6, p.down_s);
      row.bind(7, p.setup_s).bind(8, p.idle_s).bind(9, p.small_stop_s).bind(10, p.no_data_s);
      row.bind(11, p.stopped_plan_s).bind(12, int64_t(p.total)).bind(13, int64_t(p.good)).bind(14, int64_t(p.reject));
      row.bind(15, p.ideal_s);
      bind_optional(row, 16, p.speed_loss_s);
      bind_optional(row, 17, p.quality_loss_s);
      bind_optional(row, 18, p.availability);
      bind_optional(row, 19, p.performance);
      bind_optional(row, 20, p.quality);
      bind_optional(row, 21, p.oee);
      row.run();
    }
  }
}

} // namespace

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
    bind_optional(asset, 9, a.risk);
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
  if (h.oee) {
    record_oee(db, run_id, *h.oee);
  }
}

} // namespace twinctl::history
