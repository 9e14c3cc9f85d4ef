// read_document: apiVersion and kind, then the reader of the kind (with its keys).
#include "lib/loaders/kinds/documents.hpp"

#include "lib/util/strings.hpp"

namespace twinctl::loaders::kinds {

namespace {

const std::vector<std::string> k_header = {"apiVersion", "kind"};

std::vector<std::string> with_header(std::vector<std::string> keys) {
  keys.insert(keys.begin(), k_header.begin(), k_header.end());
  return keys;
}

struct KindReader {
  const char* kind;
  std::vector<std::string> keys;
  void (*read)(const Ctx&, const MapReader&, FileResult&);
};

const std::vector<KindReader>& kind_readers() {
  static const std::vector<KindReader> k = {
      {"Asset",
       with_header({"id", "name", "description", "class", "criticality", "located_in", "owned_by", "zone",
                    "purdue_level", "vendor", "model", "tags", "expected", "relationships", "redundancy", "sensors",
                    "certificates", "maintenance", "production", "power_kw", "live"}),
       read_asset},
      {"Space", with_header({"id", "name", "type", "parent"}), read_space},
      {"Team", with_header({"id", "name", "lead", "email", "chat", "oncall"}), read_team},
      {"ZonePolicy", with_header({"zones", "conduits"}), read_zone_policy},
      {"DriftPolicy", with_header({"overrides", "volatile_fields"}), read_drift_policy},
      {"DetectorPolicy", with_header({"defaults", "types"}), read_detector_policy},
      {"HealthPolicy", with_header({"warn_below", "risk_above", "horizon", "window"}), read_health_policy},
      {"ShiftCalendar", with_header({"utc_offset", "shifts", "planned_stops"}), read_shift_calendar},
      {"IgnoreList", with_header({"suppressions"}), read_ignore_list},
      {"Source",
       with_header({"id", "name", "adapter", "endpoint", "topics", "mapping", "status_aliases", "zone_aliases",
                    "options"}),
       read_source},
      {"Twin", with_header({"id", "name", "description", "defaults"}), read_twin_header},
  };
  return k;
}

} // namespace

void read_document(const Ctx& ctx, const YamlNode& doc, FileResult& out) {
  if (!doc.is_map()) {
    ctx.error(doc, std::string("a twin document must be a mapping with apiVersion and kind, not ") + doc.kind_name());
    return;
  }
  const YamlNode* api = nullptr;
  const YamlNode* kind = nullptr;
  for (size_t i = 0; i + 1 < doc.children.size(); i += 2) {
    if (doc.children[i].value == "apiVersion") {
      api = &doc.children[i + 1];
    } else if (doc.children[i].value == "kind") {
      kind = &doc.children[i + 1];
    }
  }
  if (!api || !api->is_scalar()) {
    ctx.error(api ? *api : doc, "the document needs 'apiVersion: twinctl/v1'");
    return;
  }
  if (api->value != "twinctl/v1") {
    ctx.error(*api, "unsupported apiVersion '" + api->value + "' (this twinctl reads twinctl/v1)");
    return;
  }
  if (!kind || !kind->is_scalar()) {
    ctx.error(kind ? *kind : doc, "the document needs a 'kind' (Asset, Space, Team, ZonePolicy, DriftPolicy, "
                                  "DetectorPolicy, HealthPolicy, ShiftCalendar, IgnoreList, Source, Twin)");
    return;
  }
  for (const KindReader& k : kind_readers()) {
    if (kind->value == k.kind) {
      MapReader r(ctx, doc, k.kind, k.keys);
      k.read(ctx, r, out);
      return;
    }
  }
  std::vector<std::string> kinds;
  for (const KindReader& k : kind_readers()) {
    kinds.emplace_back(k.kind);
  }
  std::string hint = util::closest(kind->value, kinds);
  ctx.error(*kind, "unknown kind '" + kind->value + "'" +
                       (hint.empty() ? " (one of: " + quoted_list(kinds) + ")" : " (did you mean '" + hint + "'?)"));
}

} // namespace twinctl::loaders::kinds
