// The PostgreSQL backend of io::Database (lib/io/database.hpp), over libpq.
// The connection URI is libpq's (postgresql://user@host:port/db?param=value);
// its password (and PGPASSWORD) never appears in a message: errors name the
// URI redacted, and any libpq message is scrubbed of the password.
//
// Bounded waits, each a default the URI (or the PG* environment variable) may
// override: connect_timeout 10 s; TCP keepalives and tcp_user_timeout 60 s, so
// a server that vanished is noticed; statement_timeout 300 s and
// idle_in_transaction_session_timeout 120 s on the server, so neither a
// stuck query nor a stuck client holds the history's write lock forever.
#pragma once

#include "lib/io/database.hpp"

struct pg_conn;

namespace twinctl::io {

class PgDatabase final : public Database {
public:
  // `uri` as given (with credentials), `shown` the same redacted. read_only
  // makes every transaction of the session read-only on the server.
  PgDatabase(const std::string& uri, const std::string& shown, Mode mode);
  ~PgDatabase() override;
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  void exec(std::string_view sql) override;
  const char* backend() const override { return "postgresql"; }
  // BEGIN, then a transaction-scoped advisory lock that every twinctl writer
  // takes: writers queue like SQLite's BEGIN IMMEDIATE (see ARCHITECTURE.md).
  void begin_write() override;
  void begin_read() override { exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void commit() override;
  void rollback() noexcept override;
  // The table twinctl_schema_versions: one row per version applied.
  int64_t schema_version() override;
  void set_schema_version(int64_t version) override;
  std::vector<std::string> tables() override;
  bool has_column(const std::string& table, const std::string& column) override;
  void create_schema(std::string_view sqlite_ddl) override;
  void sync_ids(const std::string& table) override;
  [[noreturn]] void fail(std::string_view what) const override;

  pg_conn* handle() const { return conn_; }
  // `message` without the password (from the URI or PGPASSWORD), on one line.
  std::string scrub(std::string message) const;

protected:
  std::unique_ptr<Cursor> cursor(std::string_view sql) override;

private:
  pg_conn* conn_ = nullptr;
  std::vector<std::string> secrets_;
};

// SQL with SQLite placeholders (`?`, `?N`) in PostgreSQL's ($N); the number
// of parameters in `count`. Quoted strings and identifiers are left alone.
std::string pg_placeholders(std::string_view sql, int& count);
// DDL written for SQLite in PostgreSQL's: INTEGER PRIMARY KEY an identity,
// INTEGER BIGINT, REAL DOUBLE PRECISION, TEXT in the "C" collation (bytewise
// ordering, as SQLite's); comments and PRAGMA statements dropped.
std::string pg_ddl(std::string_view sqlite_ddl);

} // namespace twinctl::io
