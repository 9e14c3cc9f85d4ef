// The health of a run in the history (schema.sql, version 2): the inputs and
// thresholds, the roll-ups, every asset's score and the components of those
// that lost points; and its OEE (version 3): the totals of each asset and line.
#include "lib/history/store.hpp"

#include "lib/history/batch_insert.hpp"

namespace twinctl::history {

namespace {

// The totals over the readings (day "") of each asset and line.
void record_oee(io::Database& db, int64_t run_id, const oee::Result& r) {
  BatchInsert rows(db, "oee",
                   {"run_id", "line", "asset", "planned_s", "run_s", "down_s", "setup_s", "idle_s", "small_stop_s",
                    "no_data_s", "planned_stop_s", "total", "good", "reject", "ideal_s", "speed_loss_s",
                    "quality_loss_s", "startup_reject", "startup_loss_s", "availability", "performance", "quality",
                    "oee"},
                   "ON CONFLICT DO NOTHING");
  for (const auto* list : {&r.assets, &r.lines}) {
    for (const oee::Period& p : *list) {
      if (p.day.empty()) {
        rows.add({run_id, p.line, p.asset, p.planned_s, p.run_s, p.down_s, p.setup_s, p.idle_s, p.small_stop_s,
                  p.no_data_s, p.stopped_plan_s, int64_t(p.total), int64_t(p.good), int64_t(p.reject), p.ideal_s,
                  p.speed_loss_s, p.quality_loss_s, int64_t(p.startup_reject), p.startup_loss_s, p.availability,
                  p.performance, p.quality, p.oee});
      }
    }
  }
  rows.finish();
}

} // namespace

void record_health(io::Database& db, int64_t run_id, const HealthRecord& h, bool drift_checked) {
  const health::HealthReport& r = *h.report;
  auto text_or_null = [](const std::string& s) { return s.empty() ? Value() : Value(s); };
  BatchInsert run(db, "health_runs",
                  {"run_id", "warn_below", "risk_above", "drift_checked", "alerts", "readings", "window_from",
                   "window_to"});
  run.add({run_id, r.policy.warn_below, r.policy.risk_above, int64_t(drift_checked), int64_t(h.alerts),
           int64_t(h.readings), text_or_null(h.window_from), text_or_null(h.window_to)});
  run.finish();

  BatchInsert roll(db, "health_scores",
                   {"run_id", "level", "id", "name", "score", "assets", "warnings", "at_risk", "worst_asset",
                    "worst_score"},
                   "ON CONFLICT DO NOTHING");
  for (const health::Rollup& u : r.rollups) {
    roll.add({run_id, u.level, u.id, u.name, u.score, int64_t(u.assets), int64_t(u.warnings), int64_t(u.at_risk),
              u.worst_asset, u.worst_score});
  }
  roll.finish();

  BatchInsert asset(db, "health_assets",
                    {"run_id", "asset", "name", "criticality", "line", "cell", "team", "score", "risk", "warning",
                     "at_risk", "trend"});
  BatchInsert part(db, "health_components",
                   {"run_id", "asset", "component", "weight", "penalty", "has_data", "why"}, "ON CONFLICT DO NOTHING");
  for (const health::AssetHealth& a : r.assets) {
    asset.add({run_id, a.asset, a.name, a.criticality, a.line, a.cell, a.team, a.score, a.risk, int64_t(a.warning),
               int64_t(a.at_risk),
               a.trends.empty() ? std::string() : a.trends.front().sensor + " " + health::trend_phrase(a.trends.front())});
    if (a.score >= 100) {
      continue;
    }
    for (const health::Component& c : a.components) {
      part.add({run_id, a.asset, c.name, c.weight, c.penalty, int64_t(c.has_data), c.why});
    }
  }
  asset.finish();
  part.finish();
  if (h.oee) {
    record_oee(db, run_id, *h.oee);
  }
}

} // namespace twinctl::history
