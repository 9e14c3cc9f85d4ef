// Reads `kind: Space` documents: the site > building > area > line > cell tree.
#include "lib/loaders/kinds/documents.hpp"

namespace twinctl::loaders::kinds {

void read_space(const Ctx&, const MapReader& r, FileResult& out) {
  model::Space s;
  s.loc = r.loc_of("id");
  r.id("id", s.id, true);
  r.str("name", s.name);
  r.one_of("type", s.type, k_space_types, true);
  r.id("parent", s.parent);
  out.spaces.push_back(std::move(s));
}

} // namespace twinctl::loaders::kinds
