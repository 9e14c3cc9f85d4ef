#include "lib/output/history_output.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <cstdio>

namespace twinctl::output {

namespace {

std::string pad(const std::string& s, size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string counts(const history::RunRow& r) {
  static const char* const k_names[] = {"critical", "high", "medium", "low", "info"};
  std::string s;
  for (int i = 0; i < 5; ++i) {
    if (r.by_severity[i] > 0) {
      s += (s.empty() ? "" : " ") + std::to_string(r.by_severity[i]) + " " + k_names[i];
    }
  }
  return s.empty() ? "none" : s;
}

void runs_table(std::ostream& out, const std::vector<history::RunRow>& runs) {
  if (runs.empty()) {
    out << "No runs.\n";
    return;
  }
  out << pad("RUN", 6) << pad("STARTED", 22) << pad("SITE", 14) << pad("EXIT", 5) << pad("COVERAGE", 9)
      << pad("NEW", 5) << pad("RESOLVED", 9) << "OPEN FINDINGS\n";
  for (const history::RunRow& r : runs) {
    out << pad(std::to_string(r.id), 6) << pad(r.started_at, 22) << pad(r.site, 14)
        << pad(std::to_string(r.exit_code) + (r.incomplete ? "!" : ""), 5)
        << pad(r.coverage ? fixed(*r.coverage, 1) + "%" : "—", 9) << pad(std::to_string(r.new_count), 5)
        << pad(std::to_string(r.resolved_count), 9) << counts(r) << "\n";
  }
}

void findings_table(std::ostream& out, const std::vector<history::FindingRow>& findings, bool in_run) {
  if (findings.empty()) {
    out << "No findings.\n";
    return;
  }
  size_t w_asset = 6;
  for (const history::FindingRow& f : findings) {
    w_asset = std::max(w_asset, std::min<size_t>(f.asset.size(), 28) + 1);
  }
  out << pad("STATE", 10) << pad("SEVERITY", 9) << pad("RULE", 8) << pad("ASSET", w_asset) << pad("FIRST SEEN", 11)
      << pad(in_run ? "OPENED" : "LAST SEEN", 11) << "MESSAGE\n";
  for (const history::FindingRow& f : findings) {
    std::string state = f.state;
    if (f.reopened > 0 && !in_run) {
      state += "*";
    }
    out << pad(state, 10) << pad(f.severity, 9) << pad(f.rule, 8) << pad(f.asset.substr(0, 28), w_asset)
        << pad(f.first_seen_at.substr(0, 10), 11) << pad((in_run ? f.opened_at : f.last_seen_at).substr(0, 10), 11)
        << f.message << (f.suppressed ? " (suppressed)" : "") << "\n";
  }
  if (!in_run && std::any_of(findings.begin(), findings.end(), [](const auto& f) { return f.reopened > 0; })) {
    out << "* reopened at least once\n";
  }
}

void stats_table(std::ostream& out, const history::Stats& s) {
  out << s.runs << " runs, " << s.findings << " findings tracked, " << s.open << " open.\n";
  auto block = [&out](const char* title, const std::vector<history::ResolveStats>& rows) {
    out << "\n" << pad(title, 14) << pad("RESOLVED", 9) << pad("MEAN DAYS TO RESOLVE", 21) << "OPEN\n";
    for (const history::ResolveStats& r : rows) {
      out << pad(r.key.empty() ? "(none)" : r.key, 14) << pad(std::to_string(r.resolved), 9)
          << pad(r.resolved ? fixed(r.mean_days, 1) : "—", 21) << r.open << "\n";
    }
  };
  block("SEVERITY", s.by_severity);
  block("TEAM", s.by_team);
}

} // namespace

void write_history_table(std::ostream& out, const history::HistoryView& v) {
  if (v.command == "list") {
    runs_table(out, v.runs);
  } else if (v.command == "show" && v.run) {
    const history::RunDetail& d = *v.run;
    const history::RunRow& r = d.run;
    out << "Run " << r.id << " · " << r.site << (r.site_name.empty() ? "" : " — " + r.site_name) << " · "
        << r.started_at << " · " << (r.commit.empty() ? std::string("working tree") : "commit " + r.commit.substr(0, 12))
        << "\n  exit " << r.exit_code << (r.incomplete ? " (incomplete)" : "") << " · " << r.assets << " assets";
    if (r.coverage) {
      out << " · coverage " << fixed(*r.coverage, 1) << "%";
    }
    out << " · open findings: " << counts(r) << ", " << r.suppressed << " suppressed\n";
    for (const history::SourceRow& s : d.sources) {
      out << "  source " << s.name << ": " << (s.ok ? std::to_string(s.items) + " items" : "FAILED: " + s.error) << "\n";
    }
    out << "\n";
    findings_table(out, d.findings, true);
    if (!d.incidents.empty()) {
      out << "\nIncidents:\n";
      for (const history::IncidentRow& i : d.incidents) {
        out << "  " << i.rank << ". root " << i.root << " explains " << i.affected << " (score " << fixed(i.score, 1)
            << ")" << (i.team.empty() ? "" : " · team " + i.team) << "\n";
      }
    }
    if (!d.due.empty()) {
      out << "\nDue:\n";
      for (const history::DueRow& u : d.due) {
        out << "  " << u.due_on << "  " << u.asset << " " << u.kind << " " << u.item << " (" << u.days_left
            << " days)\n";
      }
    }
  } else if (v.command == "findings") {
    findings_table(out, v.findings, false);
  } else if (v.command == "prune" && v.pruned) {
    out << "Pruned " << v.pruned->runs_deleted << " runs and " << v.pruned->findings_deleted
        << " resolved findings.\n";
  } else if (v.command == "migrate" && v.migrated) {
    out << "Copied " << util::visible(v.migrated->from) << " to " << util::visible(v.migrated->to) << ":";
    for (const auto& [table, rows] : v.migrated->tables) {
      out << (table == v.migrated->tables.front().first ? " " : ", ") << rows << " " << table;
    }
    out << ".\n";
  } else if (v.command == "stats" && v.stats) {
    stats_table(out, *v.stats);
  }
}

} // namespace twinctl::output
