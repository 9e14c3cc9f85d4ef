// Reads `kind: Team` documents: who owns assets and how to reach them.
#include "lib/loaders/kinds/documents.hpp"

namespace twinctl::loaders::kinds {

void read_team(const Ctx&, const MapReader& r, FileResult& out) {
  model::Team t;
  t.loc = r.loc_of("id");
  r.id("id", t.id, true);
  r.str("name", t.name, true);
  r.str("lead", t.lead);
  r.str("email", t.email);
  r.str("chat", t.chat);
  r.str("oncall", t.oncall);
  out.teams.push_back(std::move(t));
}

} // namespace twinctl::loaders::kinds
