// Reads what `twinctl report` shows from the history database (schema in
// lib/history/schema.sql), read-only. Only reads: `twinctl audit` writes.
#pragma once

#include "lib/io/sqlite.hpp"
#include "lib/report/audit_report.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace twinctl::history {

// The schema version this twinctl reads (PRAGMA user_version of schema.sql).
inline constexpr int64_t k_schema_version = 1;

struct RunSelector {
  std::optional<int64_t> run; // --run ID; nullopt = the latest run
  std::string site;           // with the latest run: the latest run of this site
};

// Opens the history database at `path` read-only. Throws twinctl::Error when
// the file does not exist, is not a twinctl history database, or was written
// by a newer twinctl (a higher user_version).
std::unique_ptr<io::Database> open_history(const std::string &path);

// The selected run with its site's history, sources, findings, incidents, due
// items and contacts. Throws twinctl::Error when the history has no runs (of
// the site) or the run does not exist.
report::HistoryData read_history(io::Database &db, const RunSelector &selector);

} // namespace twinctl::history
