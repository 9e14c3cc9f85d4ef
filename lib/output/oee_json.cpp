#include "lib/output/oee_output.hpp"
#include "lib/output/output.hpp"

#include <nlohmann/json.hpp>

namespace twinctl::output {

namespace {

using nlohmann::json;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(); }

json period_json(const oee::Period& p, bool line) {
  json j;
  if (!line) {
    j["asset"] = p.asset;
  }
  j["line"] = p.line;
  j["day"] = p.day.empty() ? json() : json(p.day);
  j["shift"] = p.day.empty() ? json() : json(p.shift);
  j["oee"] = opt(p.oee);
  j["availability"] = opt(p.availability);
  j["performance"] = opt(p.performance);
  j["quality"] = opt(p.quality);
  j["parts"] = {{"total", p.total}, {"good", p.good}, {"reject", p.reject}, {"startup_reject", p.startup_reject}};
  j["seconds"] = {{"planned", p.planned_s},   {"running", p.run_s},        {"ideal", p.ideal_s},
                  {"planned_stops", p.stopped_plan_s}, {"no_data", p.no_data_s}};
  // The losses as OEE names them, in seconds of planned time.
  j["losses"] = {{"breakdowns", p.down_s},
                 {"setup_and_adjustments", p.setup_s},
                 {"idling_and_small_stops", p.idle_s},
                 {"small_stops_while_running", p.small_stop_s},
                 {"reduced_speed", opt(p.speed_loss_s)},
                 {"rejects", opt(p.quality_loss_s)},
                 {"startup_rejects", opt(p.startup_loss_s)}};
  return j;
}

} // namespace

void write_oee_json(std::ostream& out, const oee::Result& r) {
  json assets = json::array(), lines = json::array();
  for (const oee::Period& p : r.assets) {
    assets.push_back(period_json(p, false));
  }
  for (const oee::Period& p : r.lines) {
    lines.push_back(period_json(p, true));
  }
  dump_pretty(out, {{"schema", "twinctl-oee/v1"}, {"assets", assets}, {"lines", lines}, {"notes", r.notes}});
}

} // namespace twinctl::output
