// Where a loaded object came from, so every message and finding can point at
// the exact line of the intended state.
#pragma once

#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>

namespace twinctl::model {

// A file path shared by every location in that file: interned once for the
// life of the process, so a location costs 8 bytes for its path instead of a
// string of its own (a 100k-asset twin has ~1M locations in ~5k files).
// Converts to and from std::string; compares by content.
class FilePath {
public:
  FilePath() = default;
  FilePath(const std::string& path); // NOLINT(google-explicit-constructor): a path is a path
  FilePath(const char* path);        // NOLINT(google-explicit-constructor)

  const std::string& str() const { return *m_path; }
  operator const std::string&() const { return *m_path; } // NOLINT(google-explicit-constructor)
  bool empty() const { return m_path->empty(); }
  size_t size() const { return m_path->size(); }
  const char* c_str() const { return m_path->c_str(); }

  friend bool operator==(const FilePath& a, const FilePath& b) { return a.m_path == b.m_path; }
  friend bool operator==(const FilePath& a, std::string_view b) { return std::string_view(*a.m_path) == b; }
  friend bool operator==(const FilePath& a, const std::string& b) { return *a.m_path == b; }
  friend bool operator==(const FilePath& a, const char* b) { return *a.m_path == b; }
  friend std::strong_ordering operator<=>(const FilePath& a, const FilePath& b) {
    return a.m_path == b.m_path ? std::strong_ordering::equal : a.m_path->compare(*b.m_path) <=> 0;
  }
  friend std::string operator+(const FilePath& a, std::string_view b) { return *a.m_path + std::string(b); }
  friend std::string operator+(std::string_view a, const FilePath& b) { return std::string(a) + *b.m_path; }
  friend std::string operator+(const FilePath& a, const std::string& b) { return *a.m_path + b; }
  friend std::string operator+(const std::string& a, const FilePath& b) { return a + *b.m_path; }
  friend std::string operator+(const FilePath& a, const char* b) { return *a.m_path + b; }
  friend std::string operator+(const char* a, const FilePath& b) { return a + *b.m_path; }

private:
  static const std::string k_empty;
  const std::string* m_path = &k_empty;
};

std::ostream& operator<<(std::ostream& out, const FilePath& path);

struct SourceLocation {
  FilePath path; // relative to the repository root (or the current directory outside Git)
  int line = 0;  // 1-based; 0 = unknown
  int column = 0; // 1-based; 0 = unknown

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
