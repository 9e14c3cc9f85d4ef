// Reads `kind: Source` documents: a live source (adapter, endpoint, topics, mappings); never a secret.
#include "lib/loaders/kinds/documents.hpp"

#include <cctype>

namespace twinctl::loaders::kinds {

namespace {

// "mqtt-lines" -> "MQTT_LINES": the source's part of its environment variable names.
std::string env_name(const std::string& id) {
  std::string out;
  for (char c : id) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  }
  return out;
}

} // namespace

void read_source(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::Source s;
  s.loc = r.loc_of("id");
  r.id("id", s.id, true);
  r.str("name", s.name);
  r.one_of("adapter", s.adapter, k_adapters, true);
  if (r.str("endpoint", s.endpoint) && !s.endpoint.empty()) {
    // user:password@ in a URL is a secret in the repo: refuse it.
    size_t scheme = s.endpoint.find("://");
    size_t at = s.endpoint.find('@');
    size_t slash = scheme == std::string::npos ? std::string::npos : s.endpoint.find('/', scheme + 3);
    if (scheme != std::string::npos && at != std::string::npos && at > scheme && (slash == std::string::npos || at < slash)) {
      ctx.error(*r.get("endpoint"), "the endpoint has credentials in it; secrets come from the environment "
                                    "(TWINCTL_" + env_name(s.id) + "_TOKEN or _PASSWORD), never from the repo");
      s.endpoint.clear();
    }
  }
  r.string_list("topics", s.topics);
  r.string_map("mapping", s.mapping);
  r.string_map("status_aliases", s.status_aliases);
  r.string_map("zone_aliases", s.zone_aliases);
  r.string_map("options", s.options);
  out.sources.push_back(std::move(s));
}

} // namespace twinctl::loaders::kinds
