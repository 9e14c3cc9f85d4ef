#include "lib/sim/factory/catalog.hpp"

#include <vector>

namespace twinctl::sim::factory {

const char *status_alias(const std::string &status) {
  if (status == "running") {
    return "RUN";
  }
  if (status == "stopped") {
    return "STOP";
  }
  if (status == "idle") {
    return "IDLE";
  }
  return "MAINT";
}

std::string firmware_step(const std::string &fw, bool ahead) {
  std::vector<long long> parts;
  for (size_t pos = 0; pos <= fw.size();) {
    size_t dot = fw.find('.', pos);
    if (dot == std::string::npos) {
      dot = fw.size();
    }
    parts.push_back(std::stoll(fw.substr(pos, dot - pos)));
    pos = dot + 1;
  }
  if (ahead) {
    ++parts.back();
  } else {
    size_t i = parts.size();
    while (i > 0 && parts[i - 1] == 0) {
      --i;
    }
    // Catalogue versions are never all zeros, so i > 0 here.
    --parts[i - 1];
    for (size_t j = i; j < parts.size(); ++j) {
      parts[j] = 9;
    }
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i ? "." : "") + std::to_string(parts[i]);
  }
  return out;
}

} // namespace twinctl::sim::factory
