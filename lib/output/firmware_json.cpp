#include "lib/output/firmware_output.hpp"
#include "lib/output/output.hpp"

#include <nlohmann/json.hpp>

namespace twinctl::output {

using nlohmann::json;

namespace {

json opt(const std::string& s) { return s.empty() ? json() : json(s); }

json team_json(const model::Twin& twin, const std::string& id) {
  const model::Team* t = twin.find_team(id);
  return {{"team", id},
          {"name", t ? t->name : ""},
          {"lead", t ? t->lead : ""},
          {"email", t ? t->email : ""},
          {"oncall", t ? t->oncall : ""}};
}

} // namespace

void write_firmware_status_json(std::ostream& out, const firmware::Status& s, bool with_live) {
  json assets = json::array();
  for (const firmware::AssetFirmware& f : s.assets) {
    assets.push_back({{"asset", f.asset},
                      {"class", f.asset_class},
                      {"vendor", f.vendor},
                      {"model", f.model},
                      {"line", f.line},
                      {"team", f.team},
                      {"intended", opt(f.intended)},
                      {"location", f.loc.known() ? json({{"path", f.loc.path}, {"line", f.loc.line}}) : json()},
                      {"live", f.live ? json(*f.live) : json()},
                      {"live_vs_intended", opt(f.live_vs_intended)},
                      {"newest_intended", opt(f.newest)},
                      {"behind_newest", opt(f.behind_newest)}});
  }
  json models = json::array();
  for (const firmware::ModelVersions& m : s.models) {
    models.push_back({{"vendor", m.vendor},
                      {"model", m.model},
                      {"class", m.asset_class},
                      {"intended", m.intended},
                      {"live", m.live},
                      {"newest_intended", opt(m.newest)},
                      {"behind_newest", m.behind}});
  }
  json doc = {{"schema", "twinctl-firmware-status/v1"},
              {"live_checked", with_live},
              {"summary",
               {{"assets", s.assets.size()},
                {"live_behind", s.live_behind},
                {"live_ahead", s.live_ahead},
                {"live_different", s.live_other}}},
              {"models", models},
              {"assets", assets}};
  dump_pretty(out, doc);
}

void write_rollout_json(std::ostream& out, const firmware::Plan& p, const model::Twin& twin) {
  json waves = json::array();
  for (const firmware::Wave& w : p.waves) {
    json teams = json::array();
    for (const std::string& t : w.teams) {
      teams.push_back(team_json(twin, t));
    }
    waves.push_back({{"wave", w.number}, {"line", w.line}, {"assets", w.assets}, {"call", teams}});
  }
  json doc = {{"schema", "twinctl-firmware-plan/v1"},
              {"to", p.to},
              {"waves", waves},
              {"already", p.already},
              {"downgrade", p.downgrade},
              {"constraints", p.constraints}};
  dump_pretty(out, doc);
}

} // namespace twinctl::output
