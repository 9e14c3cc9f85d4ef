// Reading the history database for `twinctl history`: runs, one run, the
// findings' lifecycle, pruning, and mean time to resolve.
#pragma once

#include "lib/history/rows.hpp"
#include "lib/io/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::history {

// Every run, newest first.
std::vector<RunRow> list_runs(io::Database& db);
// One run; throws twinctl::Error when there is no such run.
RunDetail show_run(io::Database& db, int64_t id);

struct FindingFilter {
  bool open_only = false;
  std::string asset;    // exact asset id; "" = any
  std::string severity; // critical..info; "" = any
  std::string site;     // "" = any
};
// Findings by severity (most severe first), asset, rule, field.
std::vector<FindingRow> list_findings(io::Database& db, const FindingFilter& filter);

// Keeps the `keep` newest runs of each site, in one transaction.
PruneResult prune(io::Database& db, int64_t keep);

// Mean time to resolve: over each finding's latest resolution (a reopened
// finding counts from its reopening).
Stats stats(io::Database& db);

} // namespace twinctl::history
