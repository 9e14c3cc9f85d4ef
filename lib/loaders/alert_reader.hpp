// Reads an alert stream (JSONL, schemas/alert.schema.json): one alert event
// per line, blank lines skipped.
#pragma once

#include "lib/model/alert.hpp"

#include <string>
#include <vector>

namespace twinctl::loaders {

// Parses `text` (the content of `path`). Throws twinctl::Error naming
// path:line for the first malformed line (not JSON, wrong type, missing or
// unknown value of a required key).
std::vector<model::Alert> parse_alerts(const std::string& path, const std::string& text);

// Reads and parses the file (at most 1 GiB). Throws twinctl::Error.
std::vector<model::Alert> read_alerts(const std::string& path);

} // namespace twinctl::loaders
