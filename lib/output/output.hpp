// Formatters: one file per format, each renders a Report and computes nothing.
#pragma once

#include "lib/report/report.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace twinctl::output {

struct RenderOptions {
  bool color = false; // ANSI colours (the caller decides: TTY, NO_COLOR, --color)
  size_t width = 0;   // the terminal's columns: long messages wrap to fit (0: no limit, e.g. a pipe)
};

// Aligned table for people: findings grouped by severity, then a summary line.
void write_table(std::ostream& out, const report::Report& r, const RenderOptions& opts);

// The versioned JSON document (schemas/report.schema.json).
void write_json(std::ostream& out, const report::Report& r);
// Writes a JSON document indented by 2, streamed (no copy of the text), with
// invalid UTF-8 replaced by U+FFFD instead of throwing, and a final newline.
void dump_pretty(std::ostream& out, const nlohmann::json& doc);

} // namespace twinctl::output

namespace twinctl::output {

struct SarifOptions {
  std::string category;       // runAutomationDetails.id when set (--sarif-category)
  size_t max_results = 25000; // GitHub's limit per run: keep the most severe
};

// SARIF 2.1.0 for GitHub code scanning.
nlohmann::json to_sarif(const report::Report& r, const SarifOptions& opts);
void write_sarif(std::ostream& out, const report::Report& r, const SarifOptions& opts);
// The audit sections (incidents, due, resolved since the previous run, contacts)
// after the findings of the table, and in the Markdown summary (at most `budget` bytes).
void write_audit_table(std::ostream& out, const report::Report& r, const RenderOptions& opts);
std::string audit_markdown(const report::Report& r, size_t budget);
// "new", "open 12d", "reopened" for a finding with history; "" without.
std::string history_tag(const model::Finding& f);
// "History (run 7): 2 new, 5 open, 1 reopened, 3 resolved since run 6." ("" without history).
std::string history_line(const report::Report& r);
// PR mode (--base): "This change opens 3 findings and closes 1, against origin/main (commit …)." ("" otherwise).
std::string plan_line(const report::Report& r);
// What a finding is about, in a few words: "firmware intended 4.12.3, live 4.12.1", else its message.
std::string finding_change(const model::Finding& f);
// A GitHub job summary in Markdown, under 1 MiB.
void write_markdown(std::ostream& out, const report::Report& r);
// GitHub workflow commands (::error file=…,line=…::), at most 10 per level, then a count.
void write_github(std::ostream& out, const report::Report& r);
// JUnit XML: one test case per finding (failed when it gates), for CI dashboards.
void write_junit(std::ostream& out, const report::Report& r);
// The baseline file: the fingerprints (and identities) of the current findings.
void write_baseline(std::ostream& out, const report::Report& r);

} // namespace twinctl::output
