#include "lib/model/location.hpp"

namespace twinctl::model {

std::string SourceLocation::str() const {
  std::string s = path;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) {
      s += ":" + std::to_string(column);
    }
  }
  return s;
}

} // namespace twinctl::model
