#include "lib/history/batch_insert.hpp"

#include "lib/util/error.hpp"

namespace twinctl::history {

BatchInsert::BatchInsert(io::Database& db, std::string table, std::vector<std::string> columns, std::string suffix)
    : m_db(db), m_suffix(std::move(suffix)), m_width(columns.size()), m_batch(4000 / columns.size()) {
  // 4000 parameters a statement: under SQLite's (32766) and PostgreSQL's (65535) limits.
  m_head = "INSERT INTO " + table + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    m_head += (i ? ", " : "") + columns[i];
  }
  m_head += ") VALUES ";
}

std::string BatchInsert::sql(size_t rows) const {
  std::string s = m_head;
  for (size_t r = 0; r < rows; ++r) {
    s += r ? ", (" : "(";
    for (size_t c = 0; c < m_width; ++c) {
      s += (c ? ", ?" : "?") + std::to_string(r * m_width + c + 1);
    }
    s += ")";
  }
  return m_suffix.empty() ? s : s + " " + m_suffix;
}

void BatchInsert::add(std::vector<Value> row) {
  if (row.size() != m_width) {
    throw Error("internal error: a row of " + std::to_string(row.size()) + " values for " + m_head);
  }
  for (Value& v : row) {
    m_pending.push_back(std::move(v));
  }
  ++m_rows;
  if (m_pending.size() == m_batch * m_width) {
    if (!m_full) {
      m_full.emplace(m_db.prepare(sql(m_batch)));
    }
    flush(*m_full);
  }
}

void BatchInsert::flush(io::Statement& insert) {
  for (size_t i = 0; i < m_pending.size(); ++i) {
    const Value& v = m_pending[i];
    const int index = int(i + 1);
    switch (v.kind) {
    case Value::Kind::null:
      insert.bind_null(index);
      break;
    case Value::Kind::integer:
      insert.bind(index, v.integer);
      break;
    case Value::Kind::real:
      insert.bind(index, v.real);
      break;
    case Value::Kind::text:
      insert.bind(index, std::string_view(v.text));
      break;
    }
  }
  insert.run();
  m_pending.clear();
}

int64_t BatchInsert::finish() {
  if (!m_pending.empty()) {
    io::Statement rest = m_db.prepare(sql(m_pending.size() / m_width));
    flush(rest);
  }
  return m_rows;
}

} // namespace twinctl::history
