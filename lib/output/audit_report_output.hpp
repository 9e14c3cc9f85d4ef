// Formatters of the audit report (`twinctl report`): one file per format, each
// renders a report::AuditReport and computes nothing.
#pragma once

#include "lib/report/audit_report.hpp"

#include <ostream>
#include <string>
#include <string_view>

namespace twinctl::output {

// One self-contained HTML page: inline CSS and SVG, no script, no external
// resource (a Content-Security-Policy forbids them), prints on white paper.
void write_report_html(std::ostream &out, const report::AuditReport &r);

// Markdown for a GitHub job summary: tables, lists cut with "… and N more",
// always under 1 MiB.
void write_report_markdown(std::ostream &out, const report::AuditReport &r);

// The style sheet of the HTML report, shared by the fleet report's page.
const char *report_css();

// Text for HTML/SVG text and attribute values: & < > " ' as entities.
std::string html_escape(std::string_view s);

// The SVG charts of the HTML report (report_chart.cpp): the open findings per
// severity over the runs as stacked areas, and the new and resolved findings per run.
std::string trend_chart_svg(const report::AuditReport &r);
std::string churn_chart_svg(const report::AuditReport &r);
// The site's health score over the runs, with its lowest line and the warning score.
std::string health_chart_svg(const report::HealthSection &h);

// The Health section of the HTML page (report_html_health.cpp), appended to `o`.
void write_health_html(std::string &o, const report::AuditReport &r);
// The OEE section: each line's A x P x Q with its biggest losses, its assets, and what the data could not separate.
void write_oee_html(std::string &o, const report::AuditReport &r);

} // namespace twinctl::output
