// The database the history lives in, behind one interface with two backends:
// SQLite (a file, the embedded default; lib/io/sqlite.hpp) and PostgreSQL
// (libpq; lib/io/pg.hpp). The history code (lib/history) writes one set of SQL
// for both: `?` / `?N` placeholders, `INSERT ... RETURNING id`, `ON CONFLICT`,
// no engine-specific functions. Each backend translates what little differs
// (placeholders, DDL types, transactions) and keeps its own schema version.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::io {

// One statement of a backend: parameters bound by 1-based index, rows stepped.
class Cursor {
public:
  virtual ~Cursor() = default;
  virtual void bind_integer(int index, int64_t value) = 0;
  virtual void bind_real(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_null(int index) = 0;
  // Executes on the first call; true while a row is available.
  virtual bool step() = 0;
  // Runs to completion and returns the rows it changed; then resets for re-use.
  virtual int64_t run() = 0;
  virtual void reset() = 0;
  virtual int64_t integer(int column) const = 0; // booleans read as 0 / 1
  virtual double real(int column) const = 0;
  virtual std::string text(int column) const = 0; // "" for NULL
  virtual bool is_null(int column) const = 0;
};

class Statement {
public:
  explicit Statement(std::unique_ptr<Cursor> cursor) : cursor_(std::move(cursor)) {}

  // Parameters are 1-based. Return *this to chain.
  Statement& bind(int index, int64_t value) { return cursor_->bind_integer(index, value), *this; }
  Statement& bind(int index, double value) { return cursor_->bind_real(index, value), *this; }
  Statement& bind(int index, std::string_view text) { return cursor_->bind_text(index, text), *this; }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind_null(int index) { return cursor_->bind_null(index), *this; }
  Statement& bind_optional(int index, const std::optional<std::string>& text); // NULL for nullopt
  Statement& bind_optional(int index, const std::optional<int64_t>& value);

  // Steps once: true while a row is available, false when done.
  bool step() { return cursor_->step(); }
  // Steps to completion (for INSERT/UPDATE/DELETE), then resets for re-use; the rows changed.
  int64_t run() { return cursor_->run(); }
  void reset() { cursor_->reset(); }

  int64_t integer(int column) const { return cursor_->integer(column); }
  double real(int column) const { return cursor_->real(column); }
  std::string text(int column) const { return cursor_->text(column); }
  bool is_null(int column) const { return cursor_->is_null(column); }
  std::optional<int64_t> optional_integer(int column) const;
  std::optional<std::string> optional_text(int column) const;

private:
  std::unique_ptr<Cursor> cursor_;
};

class Database {
public:
  enum class Mode { read_only, read_write_create };
  virtual ~Database() = default;

  // Runs one or more statements that return no rows (no parameters).
  virtual void exec(std::string_view sql) = 0;
  Statement prepare(std::string_view sql) { return Statement(cursor(sql)); }
  // What messages name: the file, or the URL without its credentials.
  const std::string& path() const { return shown_; }
  // "sqlite" or "postgresql".
  virtual const char* backend() const = 0;

  // A write transaction: at most one at a time per database, so runs commit in
  // id order and a read inside it sees every run committed before.
  virtual void begin_write() = 0;
  // A read-only transaction: every statement in it sees one snapshot, whatever commits meanwhile.
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // The history schema version (0: none), and the tables of the database (its
  // default schema on PostgreSQL), sorted.
  virtual int64_t schema_version() = 0;
  virtual void set_schema_version(int64_t version) = 0;
  virtual std::vector<std::string> tables() = 0;
  virtual bool has_column(const std::string& table, const std::string& column) = 0;
  // Runs DDL written for SQLite (lib/history/schema.sql), translated if need be.
  virtual void create_schema(std::string_view sqlite_ddl) = 0;
  // After rows were inserted with explicit ids: new rows get ids after them.
  virtual void sync_ids(const std::string& table) = 0;
  // Throws twinctl::Error "<path>: <what>: <backend message>".
  [[noreturn]] virtual void fail(std::string_view what) const = 0;

protected:
  explicit Database(std::string shown) : shown_(std::move(shown)) {}
  virtual std::unique_ptr<Cursor> cursor(std::string_view sql) = 0;

private:
  std::string shown_;
};

// begin_write (or begin_read) on construction, rollback on destruction unless committed.
class Transaction {
public:
  enum class Kind { write, read };
  explicit Transaction(Database& db, Kind kind = Kind::write) : db_(db) {
    kind == Kind::write ? db_.begin_write() : db_.begin_read();
  }
  ~Transaction() {
    if (!done_)
      db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

private:
  Database& db_;
  bool done_ = false;
};

// Where a history lives, from --history or TWINCTL_HISTORY_URL: a file path
// (SQLite), sqlite://PATH (the rest verbatim: sqlite:///abs/h.db, sqlite://rel.db),
// or a libpq URI postgresql://... / postgres://...
struct Location {
  bool postgresql = false;
  std::string target; // the file path, or the URI as given (with its credentials)
  std::string shown;  // for messages: the path, or the URI redacted
};
Location parse_location(const std::string& text);

// Opens the database at `location`. SQLite in read_write_create mode creates
// the file (and its directory); PostgreSQL never creates the database.
std::unique_ptr<Database> open_database(const Location& location, Database::Mode mode);

} // namespace twinctl::io
