#include "lib/history/store.hpp"

#include "lib/history/lifecycle.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <algorithm>

namespace twinctl::history {

namespace {

std::string line_of(const model::Twin& twin, const model::Asset& a) {
  const model::Space* line = twin.enclosing(a, "line");
  return line ? line->id : a.located_in;
}

} // namespace

void record_run(io::Database& db, report::Report& r, const model::Twin& twin, const RecordOptions& opts) {
  const int64_t now = util::parse_timestamp(r.generated_at).value_or(0);
  io::Transaction tx(db);

  // Read what the database knows of this site, inside the transaction, so two
  // audits of one site at once see each other's runs (BEGIN IMMEDIATE).
  report::HistorySummary h;
  h.db = db.path();
  {
    io::Statement prev = db.prepare("SELECT coalesce(max(id), 0) FROM runs WHERE site = ?");
    prev.bind(1, std::string_view(r.site));
    prev.step();
    h.previous_run = prev.integer(0);
  }
  struct Row {
    std::string rule, severity, asset, field, message, opened_at;
  };
  std::vector<Known> known;
  std::vector<Row> rows;
  {
    io::Statement q = db.prepare("SELECT fingerprint, kind, resolved_run IS NULL, opened_at, rule, severity, asset, "
                                 "field, message FROM findings WHERE site = ? ORDER BY fingerprint");
    q.bind(1, std::string_view(r.site));
    while (q.step()) {
      known.push_back({q.text(0), q.text(1), q.integer(2) != 0, util::parse_timestamp(q.text(3)).value_or(now)});
      rows.push_back({q.text(4), q.text(5), q.text(6), q.text(7), q.text(8), q.text(3)});
    }
  }
  std::vector<Seen> seen;
  for (const model::Finding& f : r.findings) {
    seen.push_back({f.fingerprint, f.kind});
  }
  const bool live_complete = opts.live_read && !r.incomplete;
  Lifecycle life = advance(known, seen, live_complete, now);

  // The run.
  std::array<int64_t, 5> open_by_sev{};
  for (const model::Finding& f : r.findings) {
    if (!f.suppressed) {
      ++open_by_sev[static_cast<size_t>(f.severity)];
    }
  }
  io::Statement run = db.prepare(
      "INSERT INTO runs (started_at, site, site_name, twin_commit, ref, live, exit_code, incomplete, coverage, assets, "
      "critical, high, medium, low, info, suppressed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
  run.bind(1, std::string_view(r.generated_at)).bind(2, std::string_view(r.site)).bind(3, std::string_view(r.site_name));
  run.bind_optional(4, r.commit.empty() ? std::nullopt : std::optional<std::string>(r.commit));
  run.bind_optional(5, r.ref.empty() ? std::nullopt : std::optional<std::string>(r.ref));
  run.bind(6, std::string_view(opts.live)).bind(7, int64_t(opts.exit_code)).bind(8, int64_t(r.incomplete));
  if (r.coverage_percent) {
    run.bind(9, *r.coverage_percent);
  } else {
    run.bind_null(9);
  }
  run.bind(10, int64_t(r.asset_count));
  for (int s = 4; s >= 0; --s) {
    run.bind(11 + (4 - s), open_by_sev[static_cast<size_t>(s)]);
  }
  run.bind(16, int64_t(r.suppressed));
  run.step();
  h.run_id = run.integer(0);
  run.reset(); // SQLite commits no transaction with a statement in progress

  io::Statement src = db.prepare("INSERT INTO run_sources (run_id, name, ok, error, items) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING");
  for (const model::LiveSource& s : r.sources) {
    src.bind(1, h.run_id).bind(2, std::string_view(s.name)).bind(3, int64_t(s.ok));
    src.bind_optional(4, s.error.empty() ? std::nullopt : std::optional<std::string>(s.error));
    src.bind(5, int64_t(s.items));
    src.run();
  }

  // The findings of this run: their lifecycle and what the run said of them.
  io::Statement insert = db.prepare(
      "INSERT INTO findings (fingerprint, rule, kind, severity, asset, field, message, zone, line, team, file, "
      "file_line, first_seen_run, first_seen_at, last_seen_run, last_seen_at, site, opened_at) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?13,?14,?15,?14) "
      "ON CONFLICT(fingerprint) DO UPDATE SET rule=?2, kind=?3, severity=?4, asset=?5, field=?6, message=?7, "
      "zone=?8, line=?9, team=?10, file=?11, file_line=?12, last_seen_run=?13, last_seen_at=?14, "
      "resolved_run=NULL, resolved_at=NULL, reopened = findings.reopened + CASE WHEN ?16 = 'reopened' THEN 1 ELSE 0 END, "
      "opened_at = CASE WHEN ?16 = 'open' THEN findings.opened_at ELSE ?14 END");
  io::Statement said = db.prepare(
      "INSERT INTO run_findings (run_id, fingerprint, state, severity, suppressed) VALUES (?,?,?,?,?) "
      "ON CONFLICT DO NOTHING");
  for (size_t i = 0; i < r.findings.size(); ++i) {
    model::Finding& f = r.findings[i];
    const Verdict& v = life.seen[i];
    f.history_state = v.state;
    f.opened_at = util::format_timestamp(v.opened_at);
    f.open_days = v.open_days;
    (v.state == "new" ? h.new_count : v.state == "open" ? h.open_count : h.reopened_count) += 1;
    const model::Asset* a = twin.find_asset(f.asset);
    insert.bind(1, std::string_view(f.fingerprint)).bind(2, std::string_view(f.rule)).bind(3, std::string_view(f.kind));
    insert.bind(4, std::string_view(model::to_string(f.severity))).bind(5, std::string_view(f.asset));
    insert.bind(6, std::string_view(f.field)).bind(7, std::string_view(f.message));
    insert.bind(8, std::string_view(a ? a->zone : "")).bind(9, std::string_view(a ? line_of(twin, *a) : ""));
    insert.bind(10, std::string_view(a ? a->owned_by : ""));
    insert.bind(11, std::string_view(f.loc.known() ? f.loc.path.str() : ""));
    insert.bind_optional(12, f.loc.known() ? std::optional<int64_t>(f.loc.line) : std::nullopt);
    insert.bind(13, h.run_id).bind(14, std::string_view(r.generated_at)).bind(15, std::string_view(r.site));
    insert.bind(16, std::string_view(v.state));
    insert.run();
    said.bind(1, h.run_id).bind(2, std::string_view(f.fingerprint)).bind(3, std::string_view(v.state));
    said.bind(4, std::string_view(model::to_string(f.severity))).bind(5, int64_t(f.suppressed));
    said.run();
  }
  io::Statement resolve = db.prepare("UPDATE findings SET resolved_run = ?, resolved_at = ? WHERE fingerprint = ?");
  for (size_t i : life.resolved) {
    const Known& k = known[i];
    const Row& row = rows[i];
    resolve.bind(1, h.run_id).bind(2, std::string_view(r.generated_at)).bind(3, std::string_view(k.fingerprint));
    resolve.run();
    said.bind(1, h.run_id).bind(2, std::string_view(k.fingerprint)).bind(3, std::string_view("resolved"));
    said.bind(4, std::string_view(row.severity)).bind(5, int64_t(0));
    said.run();
    h.resolved.push_back({k.fingerprint, row.rule, row.severity, row.asset, row.field, row.message, row.opened_at,
                          std::max<int64_t>(0, (now - k.opened_at) / 86400)});
  }
  h.carried = life.carried.size();
  std::sort(h.resolved.begin(), h.resolved.end(), [](const report::ResolvedFinding& a, const report::ResolvedFinding& b) {
    auto rank = [](const std::string& s) { return -int(model::parse_severity(s).value_or(model::Severity::info)); };
    return std::make_tuple(rank(a.severity), a.asset, a.rule, a.field) <
           std::make_tuple(rank(b.severity), b.asset, b.rule, b.field);
  });

  // Incidents, what falls due and whom to call, as of this run.
  const report::Audit& audit = *r.audit;
  io::Statement inc = db.prepare(
      "INSERT INTO incidents (run_id, rank, root, score, affected, explanation, team) VALUES (?,?,?,?,?,?,?)");
  for (const report::AuditIncident& i : audit.incidents) {
    inc.bind(1, h.run_id).bind(2, int64_t(i.rank)).bind(3, std::string_view(i.roots.empty() ? "" : i.roots.front()));
    inc.bind(4, i.score).bind(5, int64_t(i.affected)).bind(6, std::string_view(i.explanation));
    inc.bind(7, std::string_view(i.team));
    inc.run();
  }
  io::Statement due =
      db.prepare("INSERT INTO due (run_id, asset, kind, item, due_on, days_left) VALUES (?,?,?,?,?,?)");
  for (const report::DueItem& d : audit.due) {
    due.bind(1, h.run_id).bind(2, std::string_view(d.asset)).bind(3, std::string_view(d.kind));
    due.bind(4, std::string_view(d.item)).bind(5, std::string_view(d.due_on)).bind(6, d.days_left);
    due.run();
  }
  io::Statement contact = db.prepare(
      "INSERT INTO contacts (run_id, team, name, lead, email, chat, oncall) VALUES (?,?,?,?,?,?,?) "
      "ON CONFLICT DO NOTHING");
  for (const model::Team& t : audit.contacts) {
    contact.bind(1, h.run_id).bind(2, std::string_view(t.id)).bind(3, std::string_view(t.name));
    contact.bind(4, std::string_view(t.lead)).bind(5, std::string_view(t.email)).bind(6, std::string_view(t.chat));
    contact.bind(7, std::string_view(t.oncall));
    contact.run();
  }

  if (opts.health.report) {
    record_health(db, h.run_id, opts.health, opts.live_read);
  }
  if (opts.before_commit) {
    opts.before_commit();
  }
  tx.commit();
  r.audit->history = std::move(h);
}

} // namespace twinctl::history
