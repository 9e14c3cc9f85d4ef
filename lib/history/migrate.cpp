#include "lib/history/migrate.hpp"

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
  for (const auto& [name, type] : t.columns) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  const size_t width = t.columns.size();
  const size_t batch = 4000 / width; // under SQLite's and PostgreSQL's limits on parameters
  auto insert_sql = [&](size_t rows) {
    std::string sql = "INSERT INTO " + std::string(t.name) + " (" + names + ") VALUES ";
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (size_t c = 0; c < width; ++c) {
        sql += (c ? ", ?" : "?") + std::to_string(r * width + c + 1);
      }
      sql += ")";
    }
    return sql;
  };
  struct Value {
    bool null = false;
    int64_t integer = 0;
    double real = 0;
    std::string text;
  };
  std::vector<Value> pending; // rows x width
  auto flush = [&](io::Statement& insert) {
    for (size_t i = 0; i < pending.size(); ++i) {
      const Value& v = pending[i];
      const char type = t.columns[i % width].second;
      if (v.null) {
        insert.bind_null(int(i + 1));
      } else if (type == 'i') {
        insert.bind(int(i + 1), v.integer);
      } else if (type == 'r') {
        insert.bind(int(i + 1), v.real);
      } else {
        insert.bind(int(i + 1), v.text);
      }
    }
    insert.run();
    pending.clear();
  };
  io::Statement full = to.prepare(insert_sql(batch));
  io::Statement q = from.prepare("SELECT " + names + " FROM " + t.name + " ORDER BY " + t.order);
  int64_t copied = 0;
  while (q.step()) {
    for (size_t c = 0; c < width; ++c) {
      Value v;
      v.null = q.is_null(int(c));
      if (!v.null) {
        const char type = t.columns[c].second;
        if (type == 'i') {
          v.integer = q.integer(int(c));
        } else if (type == 'r') {
          v.real = q.real(int(c));
        } else {
          v.text = q.text(int(c));
        }
      }
      pending.push_back(std::move(v));
    }
    ++copied;
    if (pending.size() == batch * width) {
      flush(full);
    }
  }
  if (!pending.empty()) {
    io::Statement rest = to.prepare(insert_sql(pending.size() / width));
    flush(rest);
  }
  return copied;
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
