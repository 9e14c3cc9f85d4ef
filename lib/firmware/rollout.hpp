// `twinctl firmware`: which firmware each asset should run and runs, who is
// behind and how far, and a rollout plan for a new version that never takes
// down more members of a redundant group at once than the group survives.
// Pure: the command loads the twin and the live state.
#pragma once

#include "lib/graph/graph.hpp"
#include "lib/model/live.hpp"
#include "lib/model/twin.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::firmware {

struct AssetFirmware {
  std::string asset, asset_class, vendor, model, line, team;
  std::string intended;              // expected.firmware; "" when the twin sets none
  model::SourceLocation loc;         // of expected.firmware
  std::optional<std::string> live;   // the freshest live value (with --live)
  std::string live_vs_intended;      // equal | behind | ahead | different build | different | "" (no live value)
  std::string newest;                // the newest intended firmware among assets of its vendor and model
  std::string behind_newest;         // "2 minor versions behind 4.5.0", "" when at the newest or unordered
};

struct ModelVersions {
  std::string vendor, model, asset_class;
  std::map<std::string, size_t> intended; // version -> assets
  std::map<std::string, size_t> live;     // version -> assets (with --live)
  std::string newest;
  size_t behind = 0; // assets whose intended firmware is behind the newest
};

struct Status {
  std::vector<AssetFirmware> assets; // assets with a firmware (intended or live), by id
  std::vector<ModelVersions> models; // by vendor, model
  size_t live_behind = 0, live_ahead = 0, live_other = 0;
};

Status firmware_status(const model::Twin& twin, const model::LiveSnapshot* live);

// Which assets a rollout is for: every part given must match.
struct Selector {
  std::string asset_class, vendor, model;
  std::vector<std::string> assets; // globs on the id; empty = any
};

struct Wave {
  int number = 0;   // 1, 2, ... over the whole plan
  std::string line; // the line the wave is on ("" = assets on no line)
  std::vector<std::string> assets;
  std::vector<std::string> teams; // the owners to call, sorted
};

struct Plan {
  std::string to; // the new intended firmware
  std::vector<Wave> waves;
  std::vector<std::string> already;   // assets whose intended firmware is already `to` (skipped)
  std::vector<std::string> downgrade; // assets whose intended firmware is newer than `to` (skipped)
  // Why assets that could go together were split: "cell-1-1: feeder-a and feeder-b both POWER press-01 (needs 1 of 2)".
  std::vector<std::string> constraints;
};

// Waves line by line (lines by id; assets on no line last), least critical
// first within a line; an asset joins the first wave of its line where, for
// every asset it feeds with redundancy (k of n feeders of a type, n > k),
// fewer than n - k of those feeders are already in the wave. `wave_size` caps
// a wave (0 = no cap).
Plan plan_rollout(const model::Twin& twin, const graph::AssetGraph& g, const Selector& sel, const std::string& to,
                  size_t wave_size);

// "3 minor versions behind", "1 major version behind", "behind (build)" for a
// behind b; "" when a is not behind b.
std::string distance(const std::string& a, const std::string& b);

} // namespace twinctl::firmware

namespace twinctl::firmware {

// The YAML text with the value of the `key: value` pair whose key starts at
// line:column (1-based, as SourceLocation) replaced by "value" (quoted, so a
// version such as 4.10 stays a string). Works for block and flow mappings;
// keeps comments. Throws twinctl::Error when there is no plain or quoted
// scalar value there.
std::string replace_value(const std::string& text, int line, int column, const std::string& value);

} // namespace twinctl::firmware
