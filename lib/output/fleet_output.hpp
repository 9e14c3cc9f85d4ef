// Formatters of the fleet report (`twinctl report --site all`): one file per
// format, each renders a report::FleetReport and computes nothing.
#pragma once

#include "lib/report/fleet_report.hpp"

#include <ostream>
#include <string>

namespace twinctl::output {

// Plain text for a terminal: control characters in names shown escaped.
void write_fleet_table(std::ostream &out, const report::FleetReport &r);
// Markdown for a GitHub job summary (tables).
void write_fleet_markdown(std::ostream &out, const report::FleetReport &r);
// One self-contained HTML page, styled as the single-site report.
void write_fleet_html(std::ostream &out, const report::FleetReport &r);

// "+3", "-2", "0"; "new" without a previous run (shared by the formatters).
std::string fleet_change(const std::optional<int64_t> &change);
// The open findings of the site's last runs, oldest first: "9 11 14".
std::string fleet_recent(const std::vector<int64_t> &recent);
// The site's health score at its latest run, with its assets under the warning score: "82 (3 low)"; "—" without.
std::string fleet_health(const report::FleetSite &s);

} // namespace twinctl::output
