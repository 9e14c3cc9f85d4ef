#include "lib/io/sqlite.hpp"

#include "lib/util/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string_view>
#include <thread>

namespace twinctl::io {

SqliteDatabase::SqliteDatabase(const std::string& path, Mode mode, int busy_timeout_ms) : Database(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty())
      std::filesystem::create_directories(parent, ec);
  }
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(path + ": cannot open the database: " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  // The destructor does not run for a constructor that throws: close the handle here
  // (a file that is not a database fails only now, at the first statement).
  try {
    exec("PRAGMA foreign_keys = ON");
    if (mode == Mode::read_write_create) {
      enable_wal(busy_timeout_ms);
      exec("PRAGMA synchronous = NORMAL");
    }
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

// WAL is a property of the file, so only the first open of a new database converts it. The
// conversion needs exclusive access and SQLite does not call the busy handler for it: when two
// audits create the database at once, one gets "database is locked" at once. So read the mode
// first, and retry the conversion with backoff within the busy timeout; another process having
// converted it meanwhile is success.
void SqliteDatabase::enable_wal(int busy_timeout_ms) {
  auto mode_is_wal = [&](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
    if (rc == SQLITE_OK)
      rc = sqlite3_step(stmt);
    bool wal = rc == SQLITE_ROW &&
               std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal";
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
      fail("cannot set the journal mode");
    return wal;
  };
  auto start = std::chrono::steady_clock::now();
  for (int delay_ms = 1;; delay_ms = std::min(delay_ms * 2, 100)) {
    if (mode_is_wal("PRAGMA journal_mode") || mode_is_wal("PRAGMA journal_mode = WAL"))
      return;
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(busy_timeout_ms))
      throw Error(path() + ": database is locked (could not switch it to WAL journaling within " +
                  std::to_string(busy_timeout_ms / 1000) + " s)");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(db_); }

void SqliteDatabase::fail(std::string_view what) const {
  throw Error(path() + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

void SqliteDatabase::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw Error(path() + ": " + why);
  }
}

void SqliteDatabase::begin_write() { exec("BEGIN IMMEDIATE"); }

void SqliteDatabase::commit() { exec("COMMIT"); }

void SqliteDatabase::rollback() noexcept { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

int64_t SqliteDatabase::schema_version() {
  Statement v = prepare("PRAGMA user_version");
  v.step();
  return v.integer(0);
}

void SqliteDatabase::set_schema_version(int64_t version) { exec("PRAGMA user_version = " + std::to_string(version)); }

std::vector<std::string> SqliteDatabase::tables() {
  std::vector<std::string> out;
  Statement q = prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  while (q.step())
    out.push_back(q.text(0));
  return out;
}

bool SqliteDatabase::has_column(const std::string& table, const std::string& column) {
  Statement q = prepare("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?");
  q.bind(1, table).bind(2, column);
  q.step();
  return q.integer(0) > 0;
}

namespace {

class SqliteCursor final : public Cursor {
public:
  SqliteCursor(SqliteDatabase& db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db.handle(), sql.data(), int(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      db.fail("cannot prepare \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void bind_integer(int index, int64_t value) override { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind_real(int index, double value) override { check(sqlite3_bind_double(stmt_, index, value)); }
  void bind_text(int index, std::string_view text) override {
    check(sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }

  bool step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
      return true;
    if (rc == SQLITE_DONE)
      return false;
    db_.fail("query failed");
  }
  int64_t run() override {
    while (step()) {
    }
    reset();
    return sqlite3_changes64(db_.handle());
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string text(int column) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

private:
  void check(int rc) {
    if (rc != SQLITE_OK)
      db_.fail("cannot bind");
  }

  SqliteDatabase& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

} // namespace

std::unique_ptr<Cursor> SqliteDatabase::cursor(std::string_view sql) { return std::make_unique<SqliteCursor>(*this, sql); }

} // namespace twinctl::io
