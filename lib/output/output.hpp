// Formatters: one file per format, each renders a Report and computes nothing.
#pragma once

#include "lib/report/report.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace twinctl::output {

struct RenderOptions {
  bool color = false; // ANSI colours (the caller decides: TTY, NO_COLOR, --color)
};

// Aligned table for people: findings grouped by severity, then a summary line.
void write_table(std::ostream& out, const report::Report& r, const RenderOptions& opts);

// The versioned JSON document (schemas/report.schema.json).
nlohmann::json to_json(const report::Report& r);
void write_json(std::ostream& out, const report::Report& r);

} // namespace twinctl::output
