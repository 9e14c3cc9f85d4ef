#include "lib/io/pg.hpp"

#include "lib/util/error.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <regex>

namespace twinctl::io {

namespace {

// The key of the advisory lock every twinctl writer takes ("twinctl" in ASCII).
constexpr const char* k_write_lock = "SELECT pg_advisory_xact_lock(32762643002795116)";

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// What a failed result says, with its SQLSTATE, and a hint for the causes a user can act on.
std::string describe(const PgDatabase& db, const PGresult* res) {
  std::string message = res ? PQresultErrorMessage(res) : "";
  if (message.empty())
    message = PQerrorMessage(db.handle());
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string out = db.scrub(message);
  if (PQstatus(db.handle()) == CONNECTION_BAD)
    return "the connection to the server was lost: " + out;
  if (state && std::string_view(state) == "57014")
    out += " (a statement_timeout: set options=-c%20statement_timeout=... in the URI for longer)";
  if (state && *state)
    out += " [SQLSTATE " + std::string(state) + "]";
  return out;
}

class PgCursor final : public Cursor {
public:
  PgCursor(PgDatabase& db, std::string_view sql) : db_(db), res_(nullptr, &PQclear) {
    int count = 0;
    sql_ = pg_placeholders(sql, count);
    params_.resize(size_t(count));
  }

  void bind_integer(int index, int64_t value) override { set(index, std::to_string(value)); }
  void bind_real(int index, double value) override {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, value); // shortest round trip, never locale-dependent
    set(index, std::string(buf, r.ptr));
  }
  void bind_text(int index, std::string_view text) override { set(index, std::string(text)); }
  void bind_null(int index) override { set(index, std::nullopt); }

  bool step() override {
    if (!res_) {
      std::vector<const char*> values;
      for (const std::optional<std::string>& p : params_)
        values.push_back(p ? p->c_str() : nullptr);
      res_.reset(PQexecParams(db_.handle(), sql_.c_str(), int(values.size()), nullptr, values.data(), nullptr,
                              nullptr, 0));
      ExecStatusType status = res_ ? PQresultStatus(res_.get()) : PGRES_FATAL_ERROR;
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        std::string why = describe(db_, res_.get());
        res_.reset();
        throw Error(db_.path() + ": query failed: " + why);
      }
      row_ = -1;
    }
    return ++row_ < PQntuples(res_.get());
  }
  int64_t run() override {
    step();
    int64_t changed = std::strtoll(PQcmdTuples(res_.get()), nullptr, 10);
    reset();
    return changed;
  }
  void reset() override {
    res_.reset();
    std::fill(params_.begin(), params_.end(), std::nullopt);
  }

  int64_t integer(int column) const override {
    const char* v = value(column);
    if (v[0] == 't' || v[0] == 'f')
      return v[0] == 't'; // a boolean (SQLite's comparisons are integers)
    return std::strtoll(v, nullptr, 10);
  }
  double real(int column) const override { return std::strtod(value(column), nullptr); }
  std::string text(int column) const override {
    return std::string(value(column), size_t(PQgetlength(res_.get(), row_, column)));
  }
  bool is_null(int column) const override { return PQgetisnull(res_.get(), row_, column) != 0; }

private:
  void set(int index, std::optional<std::string> value) {
    if (index < 1 || size_t(index) > params_.size())
      throw Error(db_.path() + ": cannot bind parameter " + std::to_string(index) + " of \"" + sql_.substr(0, 60) +
                  "\"");
    params_[size_t(index - 1)] = std::move(value);
  }
  const char* value(int column) const { return PQgetvalue(res_.get(), row_, column); }

  PgDatabase& db_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  Result res_;
  int row_ = -1;
};

// The password of a URI as written (between the first ':' after "://" and the last '@').
std::string raw_password(const std::string& uri) {
  size_t start = uri.find("://");
  size_t at = uri.rfind('@');
  if (start == std::string::npos || at == std::string::npos || at < start)
    return "";
  std::string userinfo = uri.substr(start + 3, at - start - 3);
  size_t colon = userinfo.find(':');
  return colon == std::string::npos ? "" : userinfo.substr(colon + 1);
}

} // namespace

std::string pg_placeholders(std::string_view sql, int& count) {
  std::string out;
  count = 0;
  int next = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      quote = c == quote ? 0 : quote;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
        ++j;
      int n = j > i + 1 ? std::atoi(std::string(sql.substr(i + 1, j - i - 1)).c_str()) : next + 1;
      next = std::max(next, n);
      count = std::max(count, n);
      out += "$" + std::to_string(n);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

std::string pg_ddl(std::string_view sqlite_ddl) {
  std::string text;
  for (size_t i = 0; i < sqlite_ddl.size();) {
    size_t end = sqlite_ddl.find('\n', i);
    std::string line(sqlite_ddl.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    i = end == std::string_view::npos ? sqlite_ddl.size() : end + 1;
    line = line.substr(0, line.find("--")); // the schema has no "--" inside a string
    if (line.rfind("PRAGMA", 0) != 0)
      text += line + "\n";
  }
  text = std::regex_replace(text, std::regex(R"(\bTEXT\b)"), "TEXT COLLATE \"C\"");
  text = std::regex_replace(text, std::regex(R"(\bREAL\b)"), "DOUBLE PRECISION");
  text = std::regex_replace(text, std::regex(R"(\bINTEGER PRIMARY KEY\b)"),
                            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  return std::regex_replace(text, std::regex(R"(\bINTEGER\b)"), "BIGINT");
}

PgDatabase::PgDatabase(const std::string& uri, const std::string& shown, Mode mode) : Database(shown) {
  for (std::string secret : {raw_password(uri), std::string(std::getenv("PGPASSWORD") ? std::getenv("PGPASSWORD") : "")})
    if (!secret.empty())
      secrets_.push_back(secret);
  if (PQconninfoOption* opts = PQconninfoParse(uri.c_str(), nullptr)) {
    for (PQconninfoOption* o = opts; o->keyword; ++o)
      if (std::string_view(o->keyword) == "password" && o->val && *o->val)
        secrets_.emplace_back(o->val);
    PQconninfoFree(opts);
  }
  // Defaults first: the URI (expanded from dbname, after them) overrides any of them.
  std::vector<const char*> keys, values;
  auto fallback = [&](const char* key, const char* env, const char* value) {
    if (!std::getenv(env)) {
      keys.push_back(key);
      values.push_back(value);
    }
  };
  fallback("connect_timeout", "PGCONNECT_TIMEOUT", "10");
  fallback("options", "PGOPTIONS", "-c statement_timeout=300s -c idle_in_transaction_session_timeout=120s");
  fallback("application_name", "PGAPPNAME", "twinctl");
  for (auto [key, value] : {std::pair{"keepalives_idle", "30"}, {"keepalives_interval", "10"},
                            {"keepalives_count", "3"}, {"tcp_user_timeout", "60000"}, {"dbname", uri.c_str()}}) {
    keys.push_back(key);
    values.push_back(value);
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (!conn_)
    throw Error(path() + ": cannot connect to the PostgreSQL server: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = scrub(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(path() + ": cannot connect to the PostgreSQL server: " + why);
  }
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr); // "already exists, skipping" is no news
  try {
    exec("SET client_encoding = 'UTF8'");
    if (mode == Mode::read_only)
      exec("SET default_transaction_read_only = on");
  } catch (...) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

PgDatabase::~PgDatabase() { PQfinish(conn_); }

std::string PgDatabase::scrub(std::string message) const {
  for (const std::string& secret : secrets_) {
    for (size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3))
      message.replace(at, secret.size(), "***");
  }
  std::replace_if(message.begin(), message.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  message.erase(message.find_last_not_of(' ') + 1);
  return std::regex_replace(message, std::regex("  +"), " ");
}

void PgDatabase::fail(std::string_view what) const {
  throw Error(path() + ": " + std::string(what) + ": " + describe(*this, nullptr));
}

void PgDatabase::exec(std::string_view sql) {
  Result res(PQexec(conn_, std::string(sql).c_str()), &PQclear);
  ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw Error(path() + ": " + describe(*this, res.get()));
}

void PgDatabase::begin_write() {
  exec("BEGIN");
  exec(k_write_lock);
}

void PgDatabase::commit() { exec("COMMIT"); }

void PgDatabase::rollback() noexcept { PQclear(PQexec(conn_, "ROLLBACK")); }

int64_t PgDatabase::schema_version() {
  Statement q = prepare("SELECT to_regclass('twinctl_schema_versions') IS NOT NULL");
  q.step();
  if (q.integer(0) == 0)
    return 0;
  Statement v = prepare("SELECT coalesce(max(version), 0) FROM twinctl_schema_versions");
  v.step();
  return v.integer(0);
}

void PgDatabase::set_schema_version(int64_t version) {
  exec("CREATE TABLE IF NOT EXISTS twinctl_schema_versions (version BIGINT PRIMARY KEY, "
       "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  prepare("INSERT INTO twinctl_schema_versions (version) VALUES (?) ON CONFLICT DO NOTHING").bind(1, version).run();
}

std::vector<std::string> PgDatabase::tables() {
  std::vector<std::string> out;
  Statement q = prepare("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                        "AND table_type = 'BASE TABLE'");
  while (q.step())
    out.push_back(q.text(0));
  std::sort(out.begin(), out.end());
  return out;
}

bool PgDatabase::has_column(const std::string& table, const std::string& column) {
  Statement q = prepare("SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND table_name = ? AND column_name = ?");
  q.bind(1, table).bind(2, column);
  q.step();
  return q.integer(0) > 0;
}

void PgDatabase::create_schema(std::string_view sqlite_ddl) { exec(pg_ddl(sqlite_ddl)); }

void PgDatabase::sync_ids(const std::string& table) {
  exec("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table);
}

std::unique_ptr<Cursor> PgDatabase::cursor(std::string_view sql) { return std::make_unique<PgCursor>(*this, sql); }

} // namespace twinctl::io
