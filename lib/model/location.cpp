#include "lib/model/location.hpp"

#include <mutex>
#include <ostream>
#include <unordered_set>

namespace twinctl::model {

namespace {

// Never freed: paths live as long as the locations that point at them.
const std::string* intern(std::string_view path) {
  static std::mutex mutex;
  static auto* pool = new std::unordered_set<std::string>();
  std::lock_guard<std::mutex> lock(mutex);
  return &*pool->emplace(path).first;
}

} // namespace

const std::string FilePath::k_empty;

FilePath::FilePath(const std::string& path) : m_path(path.empty() ? &k_empty : intern(path)) {}

FilePath::FilePath(const char* path) : FilePath(std::string(path)) {}

std::ostream& operator<<(std::ostream& out, const FilePath& path) { return out << path.str(); }

std::string SourceLocation::str() const {
  std::string s = path.str();
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) {
      s += ":" + std::to_string(column);
    }
  }
  return s;
}

} // namespace twinctl::model
