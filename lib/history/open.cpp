#include "lib/history/open.hpp"

#include "lib/history/schema_sql.hpp"
#include "lib/util/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace twinctl::history {

namespace {

const char* const k_tables[] = {"contacts", "due", "findings", "incidents", "run_findings", "run_sources", "runs"};

// Refuses a database that is not ours, or is of a newer schema.
void check_version(io::Database& db, bool may_be_empty) {
  int64_t version = db.schema_version();
  if (version > k_schema_version) {
    throw Error(db.path() + ": the history database has schema version " + std::to_string(version) +
                ", written by a newer twinctl; this twinctl reads up to version " + std::to_string(k_schema_version) +
                " (upgrade twinctl)");
  }
  std::vector<std::string> tables = db.tables();
  bool ours = std::all_of(std::begin(k_tables), std::end(k_tables), [&tables](const char* t) {
    return std::binary_search(tables.begin(), tables.end(), std::string(t));
  });
  if ((version == 0 && !(tables.empty() && may_be_empty)) || (version > 0 && !ours)) {
    throw Error(db.path() + ": not a twinctl history database" +
                (tables.empty() ? std::string(" (it is empty; an audit creates one)") : std::string()));
  }
}

// Brings the schema to k_schema_version, inside the caller's write transaction.
// schema.sql is idempotent (CREATE ... IF NOT EXISTS), so running it again adds
// what an older version lacks: version 2 the health tables, 3 the oee table. A change that is
// not a new table (a column) is patched here first, as version 1's were.
void migrate(io::Database& db) {
  int64_t version = db.schema_version();
  // Version-1 SQLite files made before findings.site and findings.opened_at were added get
  // them first (the schema indexes site).
  bool patched = false;
  for (const char* column : {"site", "opened_at"}) {
    if (version == 1 && !db.has_column("findings", column)) {
      db.exec(std::string("ALTER TABLE findings ADD COLUMN ") + column + " TEXT NOT NULL DEFAULT ''");
      patched = true;
    }
  }
  // Version-3 databases of the first twinctl that wrote OEE (2026-12-06) get the loss columns added since.
  for (const char* column : {"small_stop_s REAL NOT NULL DEFAULT 0", "startup_reject INTEGER NOT NULL DEFAULT 0",
                             "startup_loss_s REAL"}) {
    const std::string name = std::string(column).substr(0, std::string(column).find(' '));
    if (version == 3 && !db.has_column("oee", name)) {
      db.create_schema(std::string("ALTER TABLE oee ADD COLUMN ") + column + ";\n");
    }
  }
  if (version < k_schema_version || patched) {
    db.create_schema(k_schema_sql);
    db.set_schema_version(k_schema_version);
  }
}

// Wraps SQLite's "file is not a database" in the message a user needs.
template <class F> auto guarded(const std::string& shown, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    if (std::string(e.what()).find("file is not a database") != std::string::npos) {
      throw Error(shown + ": not a twinctl history database (not an SQLite file)");
    }
    throw;
  }
}

} // namespace

std::string default_location(const std::string& given) {
  if (!given.empty())
    return given;
  const char* env = std::getenv("TWINCTL_HISTORY_URL");
  return env && *env ? env : ".twinctl/history.db";
}

std::unique_ptr<io::Database> open_existing(const std::string& location, bool write) {
  io::Location where = io::parse_location(location);
  std::error_code ec;
  if (!where.postgresql && !std::filesystem::is_regular_file(where.target, ec)) {
    throw Error(where.shown + ": no such history database (record one with `twinctl audit --history " + where.shown +
                "`)");
  }
  return guarded(where.shown, [&] {
    auto db = io::open_database(where, write ? io::Database::Mode::read_write_create : io::Database::Mode::read_only);
    check_version(*db, false);
    return db;
  });
}

std::unique_ptr<io::Database> open_for_audit(const std::string& location) {
  io::Location where = io::parse_location(location);
  return guarded(where.shown, [&] {
    auto db = io::open_database(where, io::Database::Mode::read_write_create);
    // Two first audits at once: the second waits for the write lock, then finds the tables made.
    io::Transaction tx(*db);
    check_version(*db, true);
    migrate(*db);
    tx.commit();
    return db;
  });
}

} // namespace twinctl::history
