// Reads a baseline file written by `-o baseline=FILE` (twinctl-baseline/v1).
#pragma once

#include "lib/report/report.hpp"

#include <string>
#include <vector>

namespace twinctl::loaders {

// The entries of the baseline, sorted by fingerprint. Throws twinctl::Error
// "path:line:column: message" when the file is unreadable or not a baseline.
std::vector<report::BaselineEntry> read_baseline(const std::string& path);

} // namespace twinctl::loaders
