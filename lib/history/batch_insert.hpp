// Many rows into one table as multi-row INSERTs: one statement (one round trip
// on PostgreSQL) per batch instead of per row. Used where a run or a copy writes
// thousands of rows (history migrate, the health and OEE of an audit).
#pragma once

#include "lib/io/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::history {

// One value of a row: NULL, an integer, a real or a text.
struct Value {
  enum class Kind { null, integer, real, text } kind = Kind::null;
  int64_t integer = 0;
  double real = 0;
  std::string text;
  Value() = default;
  Value(int64_t v) : kind(Kind::integer), integer(v) {}
  Value(double v) : kind(Kind::real), real(v) {}
  Value(std::string v) : kind(Kind::text), text(std::move(v)) {}
  Value(const char* v) : Value(std::string(v)) {}
  Value(const std::optional<double>& v) : kind(v ? Kind::real : Kind::null), real(v.value_or(0)) {}
};

class BatchInsert {
public:
  // INSERT INTO table (columns) VALUES (...), (...) ... `suffix` (e.g. "ON CONFLICT DO NOTHING").
  BatchInsert(io::Database& db, std::string table, std::vector<std::string> columns, std::string suffix = "");
  ~BatchInsert() = default; // call finish(): a destructor must not throw
  BatchInsert(const BatchInsert&) = delete;
  BatchInsert& operator=(const BatchInsert&) = delete;

  // Adds one row (as many values as columns); writes a full batch.
  void add(std::vector<Value> row);
  // Writes what is pending. Returns the rows added in all.
  int64_t finish();

private:
  std::string sql(size_t rows) const;
  void flush(io::Statement& insert);
  io::Database& m_db;
  std::string m_head, m_suffix;
  size_t m_width, m_batch;
  std::optional<io::Statement> m_full; // the statement of a full batch, prepared once
  std::vector<Value> m_pending;        // rows x width
  int64_t m_rows = 0;
};

} // namespace twinctl::history
