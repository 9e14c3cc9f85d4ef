// The report's health section: the run's roll-ups set against the site's
// previous run with health, its lowest assets, and the trend over the runs.
#include "lib/report/audit_report.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace twinctl::report {

std::optional<HealthSection> build_health_section(const HistoryData &data, size_t max_runs) {
  if (!data.health) {
    return std::nullopt;
  }
  HealthSection h;
  h.inputs = *data.health;
  h.lowest = data.health_assets;

  // The runs with health, oldest first: the site's score and its lowest line.
  std::map<int64_t, HealthTrendPoint> points;
  std::map<int64_t, std::string> dates;
  for (const RunRecord &run : data.history) {
    dates[run.id] = run.started_at.substr(0, 10);
  }
  int64_t previous_run = 0;
  for (const HealthScoreRecord &s : data.health_scores) {
    HealthTrendPoint &p = points[s.run];
    p.run = s.run;
    p.date = dates[s.run];
    if (s.level == "site") {
      p.site = s.score;
      p.warnings = s.warnings;
      p.at_risk = s.at_risk;
    } else if (p.worst_line.empty() || s.score < p.worst_line_score) {
      p.worst_line = s.id;
      p.worst_line_score = s.score;
    }
    if (s.run == data.run.id) {
      if (s.level == "site") {
        h.site = s;
      } else {
        h.lines.push_back({s, std::nullopt});
      }
    } else {
      previous_run = std::max(previous_run, s.run);
    }
  }
  for (const HealthScoreRecord &s : data.health_scores) {
    if (s.run != previous_run || previous_run == 0) {
      continue;
    }
    if (s.level == "site") {
      h.site_previous = s.score;
    }
    for (HealthLine &l : h.lines) {
      if (s.level == "line" && l.score.id == s.id) {
        l.previous = s.score;
      }
    }
  }
  std::sort(h.lines.begin(), h.lines.end(), [](const HealthLine &a, const HealthLine &b) {
    return std::tie(a.score.score, a.score.id) < std::tie(b.score.score, b.score.id);
  });
  for (auto &[run, p] : points) {
    h.trend.push_back(p);
  }
  if (h.trend.size() > max_runs) {
    h.trend.erase(h.trend.begin(), h.trend.end() - long(max_runs));
  }

  // What no asset could be scored on, in words a reader acts on.
  if (!h.inputs.drift_checked) {
    h.unscored.push_back("drift (no live state: run the audit with --live)");
  }
  if (!h.inputs.alerts) {
    h.unscored.push_back("alerts (no --alerts)");
  }
  if (h.inputs.readings == 0) {
    h.unscored.push_back("availability and degradation (no --readings)");
  }
  return h;
}

} // namespace twinctl::report
