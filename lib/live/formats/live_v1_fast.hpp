// A fast reader of twinctl-live/v1 snapshots (simdjson), for the common case:
// a snapshot file of 100k observations parses in a tenth of the time of the
// general reader. It accepts only documents the general reader in
// live_v1.cpp accepts, with the same result (a test compares both); on
// anything else — an unknown key, a wrong type, a bad timestamp, a duplicate
// key, invalid JSON — it returns nullopt and the general reader runs and
// reports the error with its line and column.
#pragma once

#include "lib/model/live.hpp"

#include <optional>
#include <string>
#include <vector>

namespace twinctl::live {

// `text` must have at least 64 bytes of capacity past its size (simdjson's
// padding); read_live_text reserves it. Without `sources`, the source is `default_source`
// (the file's stem).
std::optional<model::LiveSnapshot> read_v1_fast(const std::string& text, const std::string& default_source);

// The same for a file: nullopt when it is not a regular file, cannot be read,
// is not twinctl-live/v1 or is not accepted (read_live_file then says why).
// It needs no twin, so `drift` runs it while the twin loads.
std::optional<model::LiveSnapshot> read_v1_file(const std::string& path);

namespace detail {
// The defaults both readers share: a source without `items` (flagged in `missing`,
// one per source) counts the observations that name it.
void count_missing_items(model::LiveSnapshot& snap, const std::vector<bool>& missing);
} // namespace detail

} // namespace twinctl::live
