#include "lib/history/migrate.hpp"

#include "lib/history/batch_insert.hpp"

#include "lib/util/error.hpp"

#include <algorithm>

namespace twinctl::history {

namespace {

// The columns of the schema (schema.sql), typed: i integer, r real, t text.
// A new schema version adds its tables here, with the version that made them.
struct Table {
  const char* name;
  int64_t since; // the schema version that added the table
  const char* order; // the source's rows in primary-key order: the copy is deterministic
  std::vector<std::pair<const char*, char>> columns;
};

const std::vector<Table>& tables() {
  static const std::vector<Table> k = {
      {"runs", 1, "id",
       {{"id", 'i'}, {"started_at", 't'}, {"site", 't'}, {"site_name", 't'}, {"twin_commit", 't'}, {"ref", 't'},
        {"live", 't'}, {"exit_code", 'i'}, {"incomplete", 'i'}, {"coverage", 'r'}, {"assets", 'i'},
        {"critical", 'i'}, {"high", 'i'}, {"medium", 'i'}, {"low", 'i'}, {"info", 'i'}, {"suppressed", 'i'}}},
      {"run_sources", 1, "run_id, name",
       {{"run_id", 'i'}, {"name", 't'}, {"ok", 'i'}, {"error", 't'}, {"items", 'i'}}},
      {"findings", 1, "fingerprint",
       {{"fingerprint", 't'}, {"rule", 't'}, {"kind", 't'}, {"severity", 't'}, {"asset", 't'}, {"field", 't'},
        {"message", 't'}, {"zone", 't'}, {"line", 't'}, {"team", 't'}, {"file", 't'}, {"file_line", 'i'},
        {"first_seen_run", 'i'}, {"first_seen_at", 't'}, {"last_seen_run", 'i'}, {"last_seen_at", 't'},
        {"resolved_run", 'i'}, {"resolved_at", 't'}, {"reopened", 'i'}, {"site", 't'}, {"opened_at", 't'}}},
      {"run_findings", 1, "run_id, fingerprint",
       {{"run_id", 'i'}, {"fingerprint", 't'}, {"state", 't'}, {"severity", 't'}, {"suppressed", 'i'}}},
      {"incidents", 1, "run_id, rank",
       {{"run_id", 'i'}, {"rank", 'i'}, {"root", 't'}, {"score", 'r'}, {"affected", 'i'}, {"explanation", 't'},
        {"team", 't'}}},
      {"due", 1, "run_id, asset, kind, item, due_on, days_left",
       {{"run_id", 'i'}, {"asset", 't'}, {"kind", 't'}, {"item", 't'}, {"due_on", 't'}, {"days_left", 'i'}}},
      {"contacts", 1, "run_id, team",
       {{"run_id", 'i'}, {"team", 't'}, {"name", 't'}, {"lead", 't'}, {"email", 't'}, {"chat", 't'},
        {"oncall", 't'}}},
      {"health_runs", 2, "run_id",
       {{"run_id", 'i'}, {"warn_below", 'r'}, {"risk_above", 'r'}, {"drift_checked", 'i'}, {"alerts", 'i'},
        {"readings", 'i'}, {"window_from", 't'}, {"window_to", 't'}}},
      {"health_scores", 2, "run_id, level, id",
       {{"run_id", 'i'}, {"level", 't'}, {"id", 't'}, {"name", 't'}, {"score", 'r'}, {"assets", 'i'},
        {"warnings", 'i'}, {"at_risk", 'i'}, {"worst_asset", 't'}, {"worst_score", 'r'}}},
      {"health_assets", 2, "run_id, asset",
       {{"run_id", 'i'}, {"asset", 't'}, {"name", 't'}, {"criticality", 't'}, {"line", 't'}, {"cell", 't'},
        {"team", 't'}, {"score", 'r'}, {"risk", 'r'}, {"warning", 'i'}, {"at_risk", 'i'}, {"trend", 't'}}},
      {"health_components", 2, "run_id, asset, component",
       {{"run_id", 'i'}, {"asset", 't'}, {"component", 't'}, {"weight", 'r'}, {"penalty", 'r'}, {"has_data", 'i'},
        {"why", 't'}}},
      {"oee", 3, "run_id, line, asset",
       {{"run_id", 'i'}, {"line", 't'}, {"asset", 't'}, {"planned_s", 'r'}, {"run_s", 'r'}, {"down_s", 'r'},
        {"setup_s", 'r'}, {"idle_s", 'r'}, {"small_stop_s", 'r'}, {"no_data_s", 'r'}, {"planned_stop_s", 'r'}, {"total", 'i'},
        {"good", 'i'}, {"reject", 'i'}, {"ideal_s", 'r'}, {"speed_loss_s", 'r'}, {"quality_loss_s", 'r'},
        {"startup_reject", 'i'}, {"startup_loss_s", 'r'},
        {"availability", 'r'}, {"performance", 'r'}, {"quality", 'r'}, {"oee", 'r'}}},
  };
  return k;
}

int64_t count(io::Database& db, const std::string& table) {
  io::Statement q = db.prepare("SELECT count(*) FROM " + table);
  q.step();
  return q.integer(0);
}

// Copies one table in batches of multi-row INSERTs (one round trip per batch on PostgreSQL).
int64_t copy(io::Database& from, io::Database& to, const Table& t) {
  std::string names;
  std::vector<std::string> columns;
  for (const auto& [name, type] : t.columns) {
    // A column an older database lacks (oee.small_stop_s of the first version 3) is copied as 0.
    names += (names.empty() ? "" : ", ") + (from.has_column(t.name, name) ? std::string(name) : std::string("0"));
    columns.emplace_back(name);
  }
  BatchInsert insert(to, t.name, columns);
  io::Statement q = from.prepare("SELECT " + names + " FROM " + t.name + " ORDER BY " + t.order);
  while (q.step()) {
    std::vector<Value> row;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const char type = t.columns[c].second;
      row.push_back(q.is_null(int(c)) ? Value()
                    : type == 'i'     ? Value(q.integer(int(c)))
                    : type == 'r'     ? Value(q.real(int(c)))
                                      : Value(q.text(int(c))));
    }
    insert.add(std::move(row));
  }
  return insert.finish();
}

} // namespace

MigrateResult migrate_history(io::Database& from, io::Database& to, bool replace) {
  MigrateResult out;
  out.from = from.path();
  out.to = to.path();
  io::Transaction tx(to);
  int64_t held = count(to, "runs") + count(to, "findings");
  if (held > 0 && !replace) {
    throw Error(to.path() + ": the target history is not empty (" + std::to_string(count(to, "runs")) +
                " runs); give --replace to delete its history and copy this one in its place");
  }
  for (auto it = tables().rbegin(); it != tables().rend(); ++it) {
    to.prepare(std::string("DELETE FROM ") + it->name).run(); // children first
  }
  const int64_t from_version = from.schema_version();
  for (const Table& t : tables()) {
    out.tables.push_back({t.name, t.since <= from_version ? copy(from, to, t) : 0}); // an older source lacks it
  }
  to.sync_ids("runs");
  tx.commit();
  return out;
}

} // namespace twinctl::history
