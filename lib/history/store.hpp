// Recording an audit run in the history (lib/history/schema.sql) in one
// transaction, on either backend (opening it: open.hpp).
#pragma once

#include "lib/history/open.hpp"
#include "lib/model/twin.hpp"
#include "lib/report/report.hpp"

#include <functional>
#include <memory>
#include <string>

namespace twinctl::history {

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
