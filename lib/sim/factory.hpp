// A synthetic factory: a twin repo (intended state), a live snapshot with
// injected drift, and the ground truth of what was injected. Benchmarks, demos
// and the tests of later commands use it.
//
// Pure: no I/O, no clock, no randomness other than a PRNG seeded from the
// options, so the same options always give byte-identical files on every
// platform and standard library. Output is streamed through a sink, so a
// 1,000,000-asset factory never sits in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace twinctl::sim {

inline constexpr size_t k_factory_min_assets = 20;
inline constexpr size_t k_factory_max_assets = 3'000'000;
inline constexpr size_t k_factory_max_sites = 999;

struct FactoryOptions {
  size_t assets = 60;                       // exact number of intended assets
  uint64_t seed = 1;                        // same seed, same factory
  std::string now = "2026-05-04T09:42:00Z"; // RFC 3339: snapshot taken_at, certificate reference
  double drift_rate = 0.05;                 // share of assets with injected drift, 0..1 (0 = clean)
  size_t assets_per_file = 0; // 0 = one file per cell; 1 = one per asset; K = K per file
  // A fleet: site `site` (1..sites) of `sites`. Each site is a full twin with
  // its own id (fleet_site_id), names, device namespace and PRNG stream; site 0
  // (the default) is the single twin "sim-<seed>".
  size_t site = 0;
  size_t sites = 0;
};

// The id of site `site` of a fleet of `sites`: "site-07", zero-padded to the
// width of `sites` (at least two digits) so the ids sort in site order. It is
// the twin's id and the directory `simulate factory --sites` writes it into.
std::string fleet_site_id(size_t site, size_t sites);

// What was generated, for the command's summary line.
struct FactoryStats {
  std::string twin_id;    // "sim-<seed>", or fleet_site_id() for a site of a fleet
  size_t assets = 0;      // intended assets
  size_t files = 0;       // files handed to the sink
  size_t drift = 0;       // entries in the truth file's "drift", unmanaged included
  size_t unmanaged = 0;   // extra devices in the snapshot
  size_t equivalents = 0; // entries in the truth file's "equivalent"
  int64_t now_epoch = 0;  // options.now in seconds since the epoch
};

// Receives the files, by '/'-separated path relative to the output directory.
// A file may come in several chunks: the chunks of one file arrive one after
// the other, in order, and the first chunk of a path starts the file. No file
// is empty.
using FileSink = std::function<void(const std::string &path, std::string_view chunk)>;

// Checks the options; returns options.now in seconds since the epoch. Throws
// twinctl::Error naming the bad option.
int64_t check_factory_options(const FactoryOptions &options);

// Generates the factory into `sink`:
//   twin.yaml, policy/zones.yaml, policy/drift.yaml, sources/*.yaml,
//   spaces/*.yaml, teams/*.yaml, assets/<line>/<cell>.yaml (layout per
//   assets_per_file), live/snapshot.json (twinctl-live/v1), live/truth.json
//   (twinctl-truth/v1: every injected drift and every equivalent that is not drift).
// With drift_rate > 0 every drift kind and every equivalent form appears at
// least once. Throws twinctl::Error for invalid options, before calling the sink.
FactoryStats generate_factory(const FactoryOptions &options, const FileSink &sink);

} // namespace twinctl::sim
