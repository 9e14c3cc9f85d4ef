// `twinctl history migrate`: copies a whole history from one database to
// another (SQLite to PostgreSQL, or back), ids kept, in one transaction on the
// target.
#pragma once

#include "lib/history/rows.hpp"
#include "lib/io/database.hpp"

namespace twinctl::history {

// Copies every table of `from` into `to` (opened with open_for_audit: schema
// made, version checked) inside one write transaction on `to`: all or nothing.
// A target that holds runs or findings is refused unless `replace`, which
// deletes them first (in the same transaction). New runs on the target get ids
// after the copied ones.
MigrateResult migrate_history(io::Database& from, io::Database& to, bool replace);

} // namespace twinctl::history
