// Reads what `twinctl report` shows from the history database (schema in
// lib/history/schema.sql), read-only. Only reads: `twinctl audit` writes.
#pragma once

#include "lib/history/open.hpp"
#include "lib/report/audit_report.hpp"
#include "lib/report/fleet_report.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace twinctl::history {

struct RunSelector {
  std::optional<int64_t> run; // --run ID; nullopt = the latest run
  std::string site;           // with the latest run: the latest run of this site
};

// The selected run with its site's history, sources, findings, incidents, due
// items and contacts. Throws twinctl::Error when the history has no runs (of
// the site) or the run does not exist.
report::HistoryData read_history(io::Database &db, const RunSelector &selector);

// Every site's runs and the open findings of each site's latest run (report
// --site all). Throws twinctl::Error when the history has no runs.
report::FleetData read_fleet(io::Database &db);

} // namespace twinctl::history
