// The lifecycle of findings across audit runs, by fingerprint: new, open,
// resolved (the first run that no longer sees it), reopened. Pure: the store
// (store.hpp) reads what the database knows and writes what this decides.
//
// Fail closed: a finding that comes from the live state (kind changed,
// missing, unmanaged, unobserved, stale) is resolved only by a run that read
// a complete live state. A run without --live, or one where a source failed,
// cannot tell "fixed" from "not looked at", so it carries such findings: they
// stay open, and their last sighting is unchanged. Findings of the intended
// state (policy, expiry) are checked in full by every run and resolve normally.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace twinctl::history {

// A finding of this site that the database knows (open or resolved).
struct Known {
  std::string fingerprint;
  std::string kind;
  bool open = true;      // resolved_run IS NULL
  int64_t opened_at = 0; // when its current (or last) episode began
};

// A finding of this run.
struct Seen {
  std::string fingerprint;
  std::string kind;
};

struct Verdict {
  std::string state;     // new | open | reopened
  int64_t opened_at = 0; // when the current episode began
  int64_t open_days = 0; // whole days since opened_at (never negative)
};

struct Lifecycle {
  std::vector<Verdict> seen;    // one per Seen, in order
  std::vector<size_t> resolved; // indices into `known`: open, not seen, checked by this run
  std::vector<size_t> carried;  // indices into `known`: open, not seen, not checked (kept open)
};

// True for kinds that only a live state can confirm or clear.
bool from_live_state(const std::string& kind);

// Decides the state of every finding for a run at `now`. `live_complete`: the
// run read live state and every source succeeded.
Lifecycle advance(const std::vector<Known>& known, const std::vector<Seen>& seen, bool live_complete, int64_t now);

} // namespace twinctl::history
