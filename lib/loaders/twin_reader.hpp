// Finds a twin and reads its files from one of three places — the working
// tree, Git objects at a revision (no checkout; bare repos too), or a URL
// cloned into the cache — then builds the model with load_twin_files.
#pragma once

#include "lib/loaders/twin_loader.hpp"

#include <string>

namespace twinctl::loaders {

struct TwinRequest {
  std::string repo; // a path or a URL (scheme://, or user@host:path); empty = the current directory
  std::string ref;  // a revision; empty = the working tree (or HEAD for a URL or a bare repo)
  std::string twin; // the twin root; empty = found by twin.yaml
  std::string cwd;  // the current directory
  unsigned threads = 0;
};

// Largest file read as part of a twin.
inline constexpr size_t k_max_twin_file_bytes = size_t(64) << 20;

// True when `repo` names a remote to clone rather than a local path.
bool is_remote_url(const std::string& repo);

// Reads and builds the twin. Throws twinctl::Error when the twin cannot be
// found or read at all (no twin.yaml, bad revision, clone failed); problems
// inside files come back as LoadResult::errors.
LoadResult read_twin(const TwinRequest& req);

} // namespace twinctl::loaders
