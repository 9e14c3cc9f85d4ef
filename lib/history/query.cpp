#include "lib/history/query.hpp"

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <map>

namespace twinctl::history {

namespace {

const char* k_run_columns =
    "r.id, r.started_at, r.site, r.site_name, r.twin_commit, r.ref, r.live, r.exit_code, r.incomplete, r.coverage, "
    "r.assets, r.critical, r.high, r.medium, r.low, r.info, r.suppressed, "
    "(SELECT count(*) FROM run_findings f WHERE f.run_id = r.id AND f.state = 'new'), "
    "(SELECT count(*) FROM run_findings f WHERE f.run_id = r.id AND f.state = 'resolved')";

RunRow run_of(const io::Statement& q) {
  RunRow r;
  r.id = q.integer(0);
  r.started_at = q.text(1);
  r.site = q.text(2);
  r.site_name = q.text(3);
  r.commit = q.text(4);
  r.ref = q.text(5);
  r.live = q.text(6);
  r.exit_code = q.integer(7);
  r.incomplete = q.integer(8) != 0;
  if (!q.is_null(9)) {
    r.coverage = q.real(9);
  }
  r.assets = q.integer(10);
  for (int i = 0; i < 5; ++i) {
    r.by_severity[i] = q.integer(11 + i);
  }
  r.suppressed = q.integer(16);
  r.new_count = q.integer(17);
  r.resolved_count = q.integer(18);
  return r;
}

const char* k_finding_columns =
    "f.fingerprint, f.rule, f.kind, f.severity, f.asset, f.field, f.message, f.zone, f.line, f.team, f.file, "
    "f.file_line, f.site, f.first_seen_run, f.first_seen_at, f.last_seen_run, f.last_seen_at, f.resolved_run, "
    "f.resolved_at, f.reopened, f.opened_at";

FindingRow finding_of(const io::Statement& q) {
  FindingRow f;
  f.fingerprint = q.text(0);
  f.rule = q.text(1);
  f.kind = q.text(2);
  f.severity = q.text(3);
  f.asset = q.text(4);
  f.field = q.text(5);
  f.message = q.text(6);
  f.zone = q.text(7);
  f.line = q.text(8);
  f.team = q.text(9);
  f.file = q.text(10);
  f.file_line = q.optional_integer(11);
  f.site = q.text(12);
  f.first_seen_run = q.integer(13);
  f.first_seen_at = q.text(14);
  f.last_seen_run = q.integer(15);
  f.last_seen_at = q.text(16);
  f.resolved_run = q.optional_integer(17);
  f.resolved_at = q.text(18);
  f.reopened = q.integer(19);
  f.opened_at = q.text(20);
  f.state = f.resolved_run ? "resolved" : "open";
  return f;
}

// SQL ordering of severities, most severe first.
const char* k_severity_rank = "CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 "
                              "WHEN 'low' THEN 3 ELSE 4 END";

} // namespace

std::vector<RunRow> list_runs(io::Database& db) {
  io::Statement q = db.prepare(std::string("SELECT ") + k_run_columns + " FROM runs r ORDER BY r.id DESC");
  std::vector<RunRow> out;
  while (q.step()) {
    out.push_back(run_of(q));
  }
  return out;
}

RunDetail show_run(io::Database& db, int64_t id) {
  RunDetail d;
  io::Statement q = db.prepare(std::string("SELECT ") + k_run_columns + " FROM runs r WHERE r.id = ?");
  q.bind(1, id);
  if (!q.step()) {
    throw Error(db.path() + ": no run " + std::to_string(id) + " (see twinctl history list)");
  }
  d.run = run_of(q);
  io::Statement s = db.prepare("SELECT name, ok, error, items FROM run_sources WHERE run_id = ? ORDER BY name");
  s.bind(1, id);
  while (s.step()) {
    d.sources.push_back({s.text(0), s.integer(1) != 0, s.text(2), s.integer(3)});
  }
  io::Statement f = db.prepare(std::string("SELECT ") + k_finding_columns +
                               ", rf.state, rf.severity, rf.suppressed FROM run_findings rf JOIN findings f ON "
                               "f.fingerprint = rf.fingerprint WHERE rf.run_id = ? ORDER BY rf.state = 'resolved', " +
                               k_severity_rank + ", f.asset, f.rule, f.field, f.fingerprint");
  f.bind(1, id);
  while (f.step()) {
    FindingRow row = finding_of(f);
    row.state = f.text(21);
    row.severity = f.text(22);
    row.suppressed = f.integer(23) != 0;
    d.findings.push_back(std::move(row));
  }
  io::Statement i = db.prepare(
      "SELECT rank, root, score, affected, explanation, team FROM incidents WHERE run_id = ? ORDER BY rank");
  i.bind(1, id);
  while (i.step()) {
    d.incidents.push_back({i.integer(0), i.text(1), i.real(2), i.integer(3), i.text(4), i.text(5)});
  }
  io::Statement u = db.prepare(
      "SELECT asset, kind, item, due_on, days_left FROM due WHERE run_id = ? ORDER BY due_on, asset, kind, item");
  u.bind(1, id);
  while (u.step()) {
    d.due.push_back({u.text(0), u.text(1), u.text(2), u.text(3), u.integer(4)});
  }
  return d;
}

std::vector<FindingRow> list_findings(io::Database& db, const FindingFilter& filter) {
  std::string sql = std::string("SELECT ") + k_finding_columns + " FROM findings f WHERE (?1 = 0 OR f.resolved_run IS NULL) "
                    "AND (?2 = '' OR f.asset = ?2) AND (?3 = '' OR f.severity = ?3) AND (?4 = '' OR f.site = ?4) "
                    "ORDER BY " + k_severity_rank + ", f.asset, f.rule, f.field, f.site, f.fingerprint";
  io::Statement q = db.prepare(sql);
  q.bind(1, int64_t(filter.open_only)).bind(2, std::string_view(filter.asset));
  q.bind(3, std::string_view(filter.severity)).bind(4, std::string_view(filter.site));
  std::vector<FindingRow> out;
  while (q.step()) {
    out.push_back(finding_of(q));
  }
  return out;
}

PruneResult prune(io::Database& db, int64_t keep) {
  PruneResult out;
  io::Transaction tx(db);
  // The runs of each site beyond its `keep` newest go, with their rows (ON DELETE CASCADE).
  io::Statement del = db.prepare(
      "DELETE FROM runs WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY site ORDER BY id DESC) "
      "AS n FROM runs) AS ranked WHERE n > ?)");
  del.bind(1, keep);
  out.runs_deleted = del.run();
  // A resolved finding whose resolving run is gone has no run left to show it.
  out.findings_deleted =
      db.prepare("DELETE FROM findings WHERE resolved_run IS NOT NULL AND resolved_run NOT IN (SELECT id FROM runs)").run();
  tx.commit();
  return out;
}

Stats stats(io::Database& db) {
  Stats s;
  {
    io::Statement q = db.prepare("SELECT (SELECT count(*) FROM runs), count(*), "
                                 "coalesce(sum(CASE WHEN resolved_run IS NULL THEN 1 ELSE 0 END), 0) FROM findings");
    q.step();
    s.runs = q.integer(0);
    s.findings = q.integer(1);
    s.open = q.integer(2);
  }
  // Days from opened_at (the start of the resolved episode) to resolved_at, averaged here
  // rather than in SQL: the two engines have no date arithmetic in common.
  struct Sum {
    ResolveStats stats;
    double days = 0;
    int64_t timed = 0;
  };
  std::map<std::string, Sum> by_severity, by_team;
  io::Statement q = db.prepare("SELECT severity, team, resolved_run IS NULL, opened_at, resolved_at FROM findings");
  while (q.step()) {
    std::optional<int64_t> opened = util::parse_timestamp(q.text(3)), resolved = util::parse_timestamp(q.text(4));
    for (auto [groups, key] : {std::pair{&by_severity, q.text(0)}, {&by_team, q.text(1)}}) {
      Sum& g = (*groups)[key];
      g.stats.key = key;
      if (q.integer(2) != 0) {
        ++g.stats.open;
        continue;
      }
      ++g.stats.resolved;
      if (opened && resolved) {
        g.days += double(*resolved - *opened) / 86400.0;
        ++g.timed;
      }
    }
  }
  auto collect = [](std::map<std::string, Sum>& groups) {
    std::vector<ResolveStats> out;
    for (auto& [key, g] : groups) {
      g.stats.mean_days = g.timed ? g.days / double(g.timed) : 0.0;
      out.push_back(g.stats);
    }
    return out; // by key
  };
  s.by_severity = collect(by_severity);
  std::sort(s.by_severity.begin(), s.by_severity.end(), [](const ResolveStats& a, const ResolveStats& b) {
    static const std::map<std::string, int> rank = {{"critical", 0}, {"high", 1}, {"medium", 2}, {"low", 3}, {"info", 4}};
    auto r = [](const std::string& k) { auto it = rank.find(k); return it == rank.end() ? 5 : it->second; };
    return std::make_pair(r(a.key), a.key) < std::make_pair(r(b.key), b.key);
  });
  s.by_team = collect(by_team);
  return s;
}

} // namespace twinctl::history
