// Formatters of `twinctl health`: one per format, rendering a HealthReport.
#pragma once

#include "lib/health/health.hpp"

#include <ostream>

namespace twinctl::output {

// Worst assets first, with each score's components; then the roll-ups.
void write_health_table(std::ostream& out, const health::HealthReport& r);
// The JSON document of schemas/health.schema.json.
void write_health_json(std::ostream& out, const health::HealthReport& r);
// For a GitHub job summary or a wiki page.
void write_health_markdown(std::ostream& out, const health::HealthReport& r);

// Assets in the order people read them: warnings and risks first, lowest score first, then id.
std::vector<const health::AssetHealth*> health_order(const health::HealthReport& r);

} // namespace twinctl::output
