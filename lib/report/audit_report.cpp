#include "lib/report/audit_report.hpp"

#include "lib/util/time.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace twinctl::report {

namespace {

bool is_open(const FindingRecord &f) { return f.state != "resolved" && !f.suppressed; }

int64_t days_between(const std::string &from, const std::string &to) {
  std::optional<int64_t> a = util::parse_timestamp(from);
  std::optional<int64_t> b = util::parse_timestamp(to);
  if (!a || !b || *b < *a) {
    return 0;
  }
  return (*b - *a) / 86400;
}

std::vector<GroupCount> group_by(const std::vector<FindingRecord> &findings, std::string FindingRecord::*key) {
  std::map<std::string, SeverityCounts> groups;
  for (const FindingRecord &f : findings) {
    if (is_open(f)) {
      ++groups[f.*key][size_t(f.severity)];
    }
  }
  std::vector<GroupCount> out;
  for (const auto &[name, counts] : groups) {
    out.push_back({name, counts});
  }
  std::sort(out.begin(), out.end(),
            [](const GroupCount &a, const GroupCount &b) { return more_severe(a.counts, a.name, b.counts, b.name); });
  return out;
}

void sort_by_severity(std::vector<FindingRecord> &v) {
  std::sort(v.begin(), v.end(), [](const FindingRecord &a, const FindingRecord &b) {
    return std::tie(b.severity, a.asset, a.rule, a.field, a.fingerprint) <
           std::tie(a.severity, b.asset, b.rule, b.field, b.fingerprint);
  });
}

} // namespace

bool more_severe(const SeverityCounts &a, const std::string &an, const SeverityCounts &b, const std::string &bn) {
  for (int s = 4; s >= 0; --s) {
    if (a[size_t(s)] != b[size_t(s)]) {
      return a[size_t(s)] > b[size_t(s)];
    }
  }
  return an < bn;
}

int64_t total(const SeverityCounts &c) {
  int64_t n = 0;
  for (int64_t x : c) {
    n += x;
  }
  return n;
}

std::array<int64_t, 2> nice_axis(int64_t max, int max_lines) {
  if (max <= 0) {
    return {1, 1};
  }
  for (int64_t magnitude = 1;; magnitude *= 10) {
    for (int64_t m : {1, 2, 5}) {
      int64_t step = m * magnitude;
      int64_t top = (max + step - 1) / step * step;
      if (top / step <= max_lines) {
        return {top, step};
      }
    }
  }
}

AuditReport build_audit_report(const HistoryData &data, const AuditReportOptions &opts) {
  AuditReport r;
  r.run = data.run;
  r.tool_version = opts.tool_version;
  r.title = opts.title.empty() ? "Audit report — " + (data.run.site_name.empty() ? data.run.site : data.run.site_name)
                               : opts.title;
  // The report's date is the run's unless --now says otherwise, so that the same
  // database and run always give the same bytes.
  r.generated_at = opts.now ? util::format_timestamp(*opts.now) : data.run.started_at;
  if (opts.now) {
    int64_t age = days_between(data.run.started_at, r.generated_at);
    if (age > 1) {
      r.data_age_days = age;
    }
  }
  for (const RunRecord &h : data.history) {
    if (h.id < data.run.id) {
      r.previous_run = h.id;
    }
  }

  // Summary: the run's findings by state.
  std::vector<OpenFinding> open;
  for (const FindingRecord &f : data.findings) {
    if (f.suppressed) {
      ++r.suppressed;
      continue;
    }
    if (f.state == "resolved") {
      ++r.resolved_count;
      r.resolved.push_back(f);
      continue;
    }
    ++r.open[size_t(f.severity)];
    if (f.state == "new" || f.state == "reopened") {
      ++(f.state == "new" ? r.new_count : r.reopened_count);
      r.new_findings.push_back(f);
    }
    std::string since = f.open_since.empty() ? f.first_seen_at : f.open_since;
    open.push_back({f, days_between(since, data.run.started_at)});
  }
  r.open_total = total(r.open);
  sort_by_severity(r.new_findings);
  sort_by_severity(r.resolved);

  r.sources = data.sources;
  std::sort(r.sources.begin(), r.sources.end(),
            [](const SourceRecord &a, const SourceRecord &b) { return a.name < b.name; });
  for (const SourceRecord &s : r.sources) {
    ++(s.ok ? r.sources_ok : r.sources_failed);
  }

  r.by_zone = group_by(data.findings, &FindingRecord::zone);
  r.by_line = group_by(data.findings, &FindingRecord::line);
  r.by_team = group_by(data.findings, &FindingRecord::team);

  // Trend: the last max_trend_runs runs of the site.
  r.trend_runs_total = int64_t(data.history.size());
  size_t first = data.history.size() > opts.max_trend_runs ? data.history.size() - opts.max_trend_runs : 0;
  int64_t peak = 0;
  int64_t churn_peak = 0;
  for (size_t i = first; i < data.history.size(); ++i) {
    const RunRecord &h = data.history[i];
    TrendPoint p;
    p.run = h.id;
    p.date = h.started_at.substr(0, 10);
    p.open = h.open;
    p.total = total(h.open);
    p.new_count = h.new_count + h.reopened_count;
    p.resolved_count = h.resolved_count;
    p.incomplete = h.incomplete;
    p.coverage = h.coverage;
    p.first_run = i == 0;
    peak = std::max(peak, p.total);
    if (!p.first_run) {
      churn_peak = std::max({churn_peak, p.new_count, p.resolved_count});
    }
    r.trend.push_back(p);
  }
  auto [axis_max, axis_step] = nice_axis(peak);
  r.trend_axis_max = axis_max;
  r.trend_axis_step = axis_step;
  auto [churn_max, churn_step] = nice_axis(churn_peak, 3);
  r.churn_axis_max = churn_max;
  r.churn_axis_step = churn_step;

  // Oldest open findings: longest open first, then most severe.
  std::sort(open.begin(), open.end(), [](const OpenFinding &a, const OpenFinding &b) {
    return std::tie(b.days_open, b.finding.severity, a.finding.asset, a.finding.rule, a.finding.fingerprint) <
           std::tie(a.days_open, a.finding.severity, b.finding.asset, b.finding.rule, b.finding.fingerprint);
  });
  r.oldest = std::move(open);

  r.incidents = data.incidents;
  std::sort(r.incidents.begin(), r.incidents.end(),
            [](const IncidentRecord &a, const IncidentRecord &b) { return a.rank < b.rank; });
  r.due = data.due;
  std::sort(r.due.begin(), r.due.end(), [](const DueRecord &a, const DueRecord &b) {
    return std::tie(a.days_left, a.asset, a.kind, a.item) < std::tie(b.days_left, b.asset, b.kind, b.item);
  });
  for (const DueRecord &d : r.due) {
    r.overdue += d.days_left < 0 ? 1 : 0;
  }

  // Who to contact: every team that owns an open finding or an incident's root.
  std::map<std::string, Contact> teams;
  for (const GroupCount &g : r.by_team) {
    teams[g.name].open = g.counts;
  }
  for (const IncidentRecord &i : r.incidents) {
    ++teams[i.team].incidents;
  }
  for (const ContactRecord &c : data.contacts) {
    auto it = teams.find(c.team);
    if (it != teams.end()) {
      it->second.contact = c;
      it->second.on_record = true;
    }
  }
  for (auto &[team, contact] : teams) {
    contact.contact.team = team;
    r.contacts.push_back(contact);
  }
  std::sort(r.contacts.begin(), r.contacts.end(), [](const Contact &a, const Contact &b) {
    if ((a.incidents > 0) != (b.incidents > 0)) {
      return a.incidents > 0; // the teams with an incident to handle first
    }
    return more_severe(a.open, a.contact.team, b.open, b.contact.team);
  });
  r.health = build_health_section(data, opts.max_trend_runs);
  r.oee = build_oee_section(data);
  return r;
}

} // namespace twinctl::report
