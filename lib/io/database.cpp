#include "lib/io/database.hpp"

#include "lib/io/pg.hpp"
#include "lib/io/sqlite.hpp"
#include "lib/util/error.hpp"
#include "lib/util/url.hpp"

namespace twinctl::io {

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_optional(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

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

Location parse_location(const std::string& text) {
  Location l;
  auto starts = [&text](std::string_view prefix) { return text.compare(0, prefix.size(), prefix) == 0; };
  if (starts("postgresql://") || starts("postgres://")) {
    l.postgresql = true;
    l.target = text;
    l.shown = util::redact_url(text);
    return l;
  }
  l.target = starts("sqlite://") ? text.substr(9) : text;
  if (l.target.empty()) {
    throw Error("--history: an empty database path (give a file, sqlite://PATH or postgresql://...)");
  }
  if (l.target.find("://") != std::string::npos) {
    throw Error("--history " + util::redact_url(text) +
                ": not a database location (give a file, sqlite://PATH or postgresql://...)");
  }
  l.shown = l.target;
  return l;
}

std::unique_ptr<Database> open_database(const Location& location, Database::Mode mode) {
  if (location.postgresql) {
    return std::make_unique<PgDatabase>(location.target, location.shown, mode);
  }
  return std::make_unique<SqliteDatabase>(location.target, mode);
}

} // namespace twinctl::io
