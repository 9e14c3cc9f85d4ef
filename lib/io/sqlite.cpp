#include "lib/io/sqlite.hpp"

#include "lib/util/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string_view>
#include <thread>

namespace twinctl::io {

Database::Database(const std::string& path, Mode mode, int busy_timeout_ms) : path_(path) {
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
void Database::enable_wal(int busy_timeout_ms) {
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
      throw Error(path_ + ": database is locked (could not switch it to WAL journaling within " +
                  std::to_string(busy_timeout_ms / 1000) + " s)");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::fail(std::string_view what) const {
  throw Error(path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

void Database::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw Error(path_ + ": " + why);
  }
}

Statement Database::prepare(std::string_view sql) { return Statement(*this, sql); }

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_)
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
  if (sqlite3_prepare_v2(db.handle(), sql.data(), int(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    db.fail("cannot prepare \"" + std::string(sql.substr(0, 60)) + "\"");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK)
    db_->fail("cannot bind");
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_optional(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  db_->fail("query failed");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, column))) : std::string();
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::optional<int64_t> Statement::optional_integer(int column) const {
  if (is_null(column))
    return std::nullopt;
  return integer(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column))
    return std::nullopt;
  return text(column);
}

} // namespace twinctl::io
