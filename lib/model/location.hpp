// Where a loaded object came from, so every message and finding can point at
// the exact line of the intended state.
#pragma once

#include <string>

namespace twinctl::model {

struct SourceLocation {
  std::string path; // relative to the repository root (or the current directory outside Git)
  int line = 0;     // 1-based; 0 = unknown
  int column = 0;   // 1-based; 0 = unknown

  bool known() const { return !path.empty(); }
  // "path:line:column", "path:line" or "path", whatever is known.
  std::string str() const;
};

// The last commit that changed a file. Empty sha = unknown (no Git, shallow clone).
struct CommitInfo {
  std::string sha;
  std::string author;
  std::string date; // RFC 3339, UTC
  bool known() const { return !sha.empty(); }
};

// A structural problem with the intended state. Any error fails the command (exit 2).
struct Diagnostic {
  SourceLocation loc;
  std::string message;
  std::string str() const { return loc.known() ? loc.str() + ": " + message : message; }
};

} // namespace twinctl::model
