// The versions of the libraries twinctl was built with (headers) and runs with
// (shared libraries), for `twinctl --version` and bug reports.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace twinctl::io {

struct LibraryVersion {
  std::string name;
  std::string built;   // the headers' version at build time
  std::string running; // the shared library's version at run time ("" for header-only)
};

std::vector<LibraryVersion> library_versions();

// "twinctl 0.1.0\n  libgit2 1.5.1\n  ..." — one library a line; a library whose
// running version differs from the build shows both.
std::string version_text(const std::string& tool_version);

} // namespace twinctl::io
