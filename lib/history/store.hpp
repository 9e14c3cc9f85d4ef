// Recording an audit run in the history (lib/history/schema.sql) in one
// transaction, on either backend (opening it: open.hpp).
#pragma once

#include "lib/health/health.hpp"
#include "lib/history/open.hpp"
#include "lib/oee/oee.hpp"
#include "lib/model/twin.hpp"
#include "lib/report/report.hpp"

#include <functional>
#include <memory>
#include <string>

namespace twinctl::history {

// The run's health (health_* tables), as `twinctl health` computes it.
struct HealthRecord {
  const health::HealthReport* report = nullptr;
  bool alerts = false;         // --alerts was given
  uint64_t readings = 0;       // readings read (0: no --readings)
  std::string window_from, window_to; // the readings' first and last time (RFC 3339), with readings
  const oee::Result* oee = nullptr;   // OEE over the readings (assets with production:), recorded in oee
};

struct RecordOptions {
  int exit_code = 0;   // what the audit exits with
  std::string live;    // the --live arguments, credentials redacted, joined by ' '
  bool live_read = false; // --live was given
  HealthRecord health;    // recorded when health.report is set
  // Called inside the transaction, after every row is written and before the
  // commit. Test-only: the crash-safety test kills the process here.
  std::function<void()> before_commit;
};

// Records the run of `r` (command audit, with r.audit set) in one transaction:
// runs, run_sources, the findings' lifecycle, run_findings, incidents, due,
// contacts. Marks each finding of r with its history state and sets
// r.audit->history. The twin gives each finding its zone, line and team.
void record_run(io::Database& db, report::Report& r, const model::Twin& twin, const RecordOptions& opts);

// The health rows of run `run_id` (store_health.cpp), inside record_run's transaction.
void record_health(io::Database& db, int64_t run_id, const HealthRecord& h, bool drift_checked);

} // namespace twinctl::history
