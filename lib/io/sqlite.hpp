// The SQLite backend of io::Database (lib/io/database.hpp): a file, WAL,
// errors as twinctl::Error naming the database file.
#pragma once

#include "lib/io/database.hpp"

struct sqlite3;

namespace twinctl::io {

class SqliteDatabase final : public Database {
public:
  // Opens `path` (creating its parent directory in read_write_create mode), with
  // WAL journaling, foreign keys on and a busy timeout so that concurrent
  // writers wait for each other instead of failing.
  SqliteDatabase(const std::string& path, Mode mode, int busy_timeout_ms = 30000);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  void exec(std::string_view sql) override;
  const char* backend() const override { return "sqlite"; }
  // BEGIN IMMEDIATE: the write lock at once, so concurrent writers queue (busy timeout).
  void begin_write() override;
  void begin_read() override { exec("BEGIN"); } // WAL: the snapshot of the first read
  void commit() override;
  void rollback() noexcept override;
  // PRAGMA user_version.
  int64_t schema_version() override;
  void set_schema_version(int64_t version) override;
  std::vector<std::string> tables() override;
  bool has_column(const std::string& table, const std::string& column) override;
  void create_schema(std::string_view sqlite_ddl) override { exec(sqlite_ddl); }
  void sync_ids(const std::string&) override {} // INTEGER PRIMARY KEY follows max(id)
  [[noreturn]] void fail(std::string_view what) const override;
  sqlite3* handle() const { return db_; }

protected:
  std::unique_ptr<Cursor> cursor(std::string_view sql) override;

private:
  void enable_wal(int busy_timeout_ms);

  sqlite3* db_ = nullptr;
};

} // namespace twinctl::io
