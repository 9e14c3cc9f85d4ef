// Benchmarks: a `simulate factory` twin generated and loaded in memory, with
// the same generator and loader the commands use (no files written).
#pragma once

#include "lib/loaders/twin_loader.hpp"
#include "lib/sim/factory.hpp"
#include "lib/validate/validate.hpp"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace twinctl::bench {

inline model::Twin factory_twin(size_t assets, uint64_t seed, unsigned threads = 1) {
  sim::FactoryOptions o;
  o.assets = assets;
  o.seed = seed;
  o.drift_rate = 0;
  std::map<std::string, std::string> files;
  sim::generate_factory(o, [&files](const std::string& path, std::string_view chunk) {
    if (path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0) {
      files[path].append(chunk);
    }
  });
  std::vector<loaders::TwinFile> list;
  for (auto& [path, content] : files) {
    list.push_back({path, std::move(content), ""});
  }
  loaders::LoadResult r = loaders::load_twin_files(std::move(list), "", threads);
  if (!r.errors.empty()) {
    throw std::runtime_error("generated twin does not load: " + r.errors.front().str());
  }
  return std::move(r.twin);
}

} // namespace twinctl::bench
