// Writes a live snapshot as twinctl-live/v1 (schemas/live-snapshot.schema.json).
#pragma once

#include "lib/model/live.hpp"

#include <ostream>

namespace twinctl::live {

// Writes `snap` as a twinctl-live/v1 document, byte-for-byte deterministic:
// sources sorted by name, observations by asset, source and ref, keys sorted,
// two-space indent, final newline. Observations without an asset go to
// `unmatched`, which the schema gives only source, ref, fields and observed_at;
// `desired` has no place in the schema and is not written. So
// read_live_file(write_snapshot(x)) == x for every x the schema can express.
// Throws twinctl::Error when taken_at is empty (the schema requires it).
void write_snapshot(std::ostream& out, const model::LiveSnapshot& snap);

} // namespace twinctl::live
