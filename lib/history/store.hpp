// The history database (lib/history/schema.sql): opening it with the version
// checks, and recording an audit run in one transaction.
#pragma once

#include "lib/io/sqlite.hpp"
#include "lib/model/twin.hpp"
#include "lib/report/report.hpp"

#include <functional>
#include <memory>
#include <string>

namespace twinctl::history {

inline constexpr int k_schema_version = 1;

// Opens an existing history database to read (and, with `write`, to change:
// history prune). Throws twinctl::Error when the file is missing, is not a
// twinctl history database, or was written by a newer twinctl.
std::unique_ptr<io::Database> open_existing(const std::string& path, bool write);

// Opens or creates the database an audit records into (its directory too),
// creating the tables. Same errors as open_existing for a foreign or newer file.
std::unique_ptr<io::Database> open_for_audit(const std::string& path);

struct RecordOptions {
  int exit_code = 0;   // what the audit exits with
  std::string live;    // the --live arguments, credentials redacted, joined by ' '
  bool live_read = false; // --live was given
  // Called inside the transaction, after every row is written and before the
  // commit. Test-only: the crash-safety test kills the process here.
  std::function<void()> before_commit;
};

// Records the run of `r` (command audit, with r.audit set) in one transaction:
// runs, run_sources, the findings' lifecycle, run_findings, incidents, due,
// contacts. Marks each finding of r with its history state and sets
// r.audit->history. The twin gives each finding its zone, line and team.
void record_run(io::Database& db, report::Report& r, const model::Twin& twin, const RecordOptions& opts);

} // namespace twinctl::history
