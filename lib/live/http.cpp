#include "lib/live/http.hpp"

namespace twinctl::live {

model::LiveSnapshot read_http(const SourceSpec& spec, const model::Twin&, const AssetMatcher&, const LiveOptions&) {
  model::LiveSnapshot snap;
  model::LiveSource s;
  s.name = spec.name;
  s.adapter = spec.adapter;
  s.ok = false;
  s.error = "HTTP sources are not built yet";
  snap.sources.push_back(s);
  return snap;
}

} // namespace twinctl::live
