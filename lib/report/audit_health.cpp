// The report's health section: the run's roll-ups set against the site's
// previous run with health, its lowest assets, and the trend over the runs;
// and its OEE section: each line's A x P x Q and its biggest losses.
#include "lib/report/audit_report.hpp"

#include <algorithm>
#include <cmath>
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

namespace {

// Lowest OEE first; unknown OEE last; then by id.
bool lower_oee(const OeeRecord &a, const OeeRecord &b) {
  const double x = a.oee.value_or(2), y = b.oee.value_or(2);
  return std::tie(x, a.line, a.asset) < std::tie(y, b.line, b.asset);
}

} // namespace

std::optional<OeeSection> build_oee_section(const HistoryData &data) {
  if (data.oee.empty()) {
    return std::nullopt;
  }
  OeeSection s;
  if (data.health) {
    s.window_from = data.health->window_from;
    s.window_to = data.health->window_to;
  }
  std::map<std::string, OeeLine> lines;
  for (const OeeRecord &o : data.oee) {
    OeeLine &l = lines[o.line];
    if (o.asset.empty()) {
      l.line = o;
    } else {
      l.assets.push_back(o);
    }
  }
  for (auto &[id, l] : lines) {
    if (l.line.line.empty() && l.line.planned_s == 0 && l.line.total == 0) {
      l.line.line = id; // assets without a line: no roll-up row, the assets speak for themselves
    }
    std::sort(l.assets.begin(), l.assets.end(), lower_oee);
    const OeeRecord &t = l.line;
    const double planned = t.planned_s;
    for (const auto &[name, seconds] : std::initializer_list<std::pair<const char *, double>>{
             {"breakdowns and unplanned stops", t.down_s},
             {"setup and adjustments", t.setup_s},
             {"idling (idle status)", t.idle_s},
             {"small stops (running, counter still)", t.small_stop_s},
             {"reduced speed", t.speed_loss_s.value_or(0)},
             {"rejects at startup", t.startup_loss_s.value_or(0)},
             {"rejects in production", t.quality_loss_s.value_or(0) - t.startup_loss_s.value_or(0)}}) {
      if (seconds > 0) {
        l.losses.push_back({name, seconds, planned > 0 ? seconds / planned : 0});
      }
    }
    std::stable_sort(l.losses.begin(), l.losses.end(),
                     [](const OeeLoss &a, const OeeLoss &b) { return a.seconds > b.seconds; });
    s.lines.push_back(std::move(l));
  }
  std::sort(s.lines.begin(), s.lines.end(), [](const OeeLine &a, const OeeLine &b) { return lower_oee(a.line, b.line); });
  s.unseparated = {
      "Small stops shorter than the part counter's reading interval are in reduced speed: between two readings "
      "a short stop cannot be told from running slower than the ideal cycle (longer ones, with the counter still "
      "while the status said running, are small stops).",
      "Rejects at startup are those of the counter readings with rejects and no good part after a stop, setup or "
      "breakdown, up to the first good part: a reading with both counts as production.",
      "Setup and adjustments are only what a status said (setup, changeover, maintenance); a changeover reported as "
      "stopped counts as a breakdown."};
  double no_data = 0;
  for (const OeeLine &l : s.lines) {
    no_data += l.line.asset.empty() && !l.line.line.empty() ? l.line.no_data_s : 0;
  }
  if (no_data > 0) {
    s.unseparated.push_back(std::to_string(std::lround(no_data / 60)) +
                            " min of planned time had no status reading and is left out of availability.");
  }
  return s;
}

} // namespace twinctl::report
