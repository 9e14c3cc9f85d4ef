// Opening the history (lib/history/schema.sql) on either backend
// (lib/io/database.hpp), with the version checks and migrations.
//
// Where: --history (a file, sqlite://PATH or postgresql://...), else the
// environment variable TWINCTL_HISTORY_URL, else .twinctl/history.db.
#pragma once

#include "lib/io/database.hpp"

#include <memory>
#include <string>

namespace twinctl::history {

// The schema version this twinctl writes and reads (SQLite: PRAGMA user_version;
// PostgreSQL: the table twinctl_schema_versions). 2: the health tables; 3: oee.
// An audit migrates an older database; history and report read one as it is.
inline constexpr int64_t k_schema_version = 3;

// The history location: `given` (--history) when not empty, else
// TWINCTL_HISTORY_URL when set and not empty, else .twinctl/history.db.
std::string default_location(const std::string& given);

// Opens an existing history to read (and, with `write`, to change: history
// prune). Throws twinctl::Error when it is missing, is not a twinctl history
// database, or was written by a newer twinctl.
std::unique_ptr<io::Database> open_existing(const std::string& location, bool write);

// Opens or creates the history an audit records into (a file and its directory;
// the tables in an existing PostgreSQL database), migrating an older schema.
// Same errors as open_existing for a foreign or newer database.
std::unique_ptr<io::Database> open_for_audit(const std::string& location);

} // namespace twinctl::history
