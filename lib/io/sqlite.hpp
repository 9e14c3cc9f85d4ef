// A thin RAII wrapper over the SQLite C API: a connection and prepared
// statements, errors as twinctl::Error naming the database file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace twinctl::io {

class Statement;

class Database {
public:
  enum class Mode { read_only, read_write_create };
  // Opens `path` (creating its parent directory in read_write_create mode), with
  // WAL journaling, foreign keys on and a busy timeout so that concurrent
  // writers wait for each other instead of failing.
  Database(const std::string& path, Mode mode, int busy_timeout_ms = 30000);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }
  // Throws twinctl::Error "<path>: <what>: <sqlite message>".
  [[noreturn]] void fail(std::string_view what) const;

private:
  void enable_wal(int busy_timeout_ms);

  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless committed.
class Transaction {
public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

private:
  Database& db_;
  bool done_ = false;
};

class Statement {
public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Parameters are 1-based, as in SQLite. Return *this to chain.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<std::string>& text); // NULL for nullopt
  Statement& bind_optional(int index, const std::optional<int64_t>& value);

  // Steps once: true while a row is available, false when done.
  bool step();
  // Steps to completion (for INSERT/UPDATE/DELETE), then resets for re-use.
  void run();
  void reset();

  int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const; // "" for NULL
  bool is_null(int column) const;
  std::optional<int64_t> optional_integer(int column) const;
  std::optional<std::string> optional_text(int column) const;

private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

} // namespace twinctl::io
