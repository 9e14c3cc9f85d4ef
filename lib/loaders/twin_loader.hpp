// Turns the YAML files of a twin root into a model::Twin: parses each file
// (in parallel), converts documents by kind, checks keys, types and value
// syntax, and collects every problem as a Diagnostic.
#pragma once

#include "lib/model/twin.hpp"

#include <string>
#include <vector>

namespace twinctl::loaders {

struct TwinFile {
  std::string path;    // relative to the repository root
  std::string content; // raw bytes
  std::string error;   // when not empty, the file could not be read (symlink, too large ...)
};

struct LoadResult {
  model::Twin twin;
  std::vector<model::Diagnostic> errors; // sorted by path, line, column
  // Entries of the twin directory that were not read (a symlink to a directory,
  // a FIFO, socket or device named like YAML), in path order: warnings, errors
  // under --strict.
  std::vector<model::Diagnostic> skipped;
};

// Builds the twin from its files. `twin_root` is the repo-relative directory of
// twin.yaml ("" for the root). Uses up to `threads` threads (0 = all cores).
// Reference checks across documents are not done here (see validate::check_structure).
LoadResult load_twin_files(std::vector<TwinFile> files, const std::string& twin_root, unsigned threads = 0);

// Reads an extra ignore file (--ignore FILE): IgnoreList documents only; their
// suppressions are appended to `out`. Returns the file's errors.
std::vector<model::Diagnostic> load_ignore_file(const TwinFile& file, model::IgnoreList& out);

} // namespace twinctl::loaders
