#include "lib/output/replay.hpp"

#include "lib/output/output.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace twinctl::output {

namespace {

using sensors::Detector;
using sensors::k_detector_count;

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string alert_counts(const sensors::SensorSummary& s) {
  std::string out;
  for (size_t d = 0; d < k_detector_count; ++d) {
    if (s.raises[d] > 0) {
      out += (out.empty() ? "" : " ") + std::string(sensors::detector_name(Detector(d))) + "=" +
             std::to_string(s.raises[d]);
    }
  }
  return out.empty() ? "-" : out;
}

uint64_t messy(const sensors::SensorSummary& s) {
  return s.out_of_order + s.duplicates + s.not_a_number + s.bad_quality + s.unit_mismatch;
}

std::string opt(const std::optional<double>& v, int digits) { return v ? fixed(*v, digits) : "-"; }

void row(std::ostream& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  for (size_t i = 0; i < cells.size(); ++i) {
    out << cells[i];
    if (i + 1 < cells.size()) {
      out << std::string(widths[i] > cells[i].size() ? widths[i] - cells[i].size() + 2 : 2, ' ');
    }
  }
  out << "\n";
}

void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      widths[i] = std::max(widths[i], r[i].size());
    }
  }
  for (const auto& r : rows) {
    row(out, r, widths);
  }
}

std::string totals_line(const ReplayReport& r) {
  const auto& s = r.summary;
  const auto& a = s.alerts_by_severity;
  std::string dropped;
  if (s.out_of_order + s.duplicates + s.over_cap_readings > 0) {
    dropped = " (dropped: " + std::to_string(s.out_of_order) + " out of order, " + std::to_string(s.duplicates) +
              " duplicates, " + std::to_string(s.over_cap_readings) + " beyond --max-sensors)";
  }
  return std::to_string(s.readings) + " readings from " + std::to_string(s.sensors.size()) + " sensors" + dropped +
         ", " + std::to_string(s.bad_lines) + " bad lines; alerts raised: " +
         std::to_string(a[size_t(sensors::Severity::critical)]) + " critical, " +
         std::to_string(a[size_t(sensors::Severity::warning)]) + " warning, " +
         std::to_string(a[size_t(sensors::Severity::info)]) + " info" +
         (r.kafka && r.kafka->misrouted > 0
              ? "; " + std::to_string(r.kafka->misrouted) + " readings on an unexpected partition"
              : std::string());
}

} // namespace

void append_reading_json(std::string& out, const sensors::Reading& r) {
  nlohmann::ordered_json j;
  j["timestamp"] = sensors::format_time_ms(r.ts_ms);
  j["machineId"] = r.machine;
  j["sensorType"] = r.sensor;
  if (!r.text.empty()) {
    j["value"] = r.text; // a status word
  } else if (std::isnan(r.value)) {
    j["value"] = "NaN";
  } else if (!std::isfinite(r.value)) {
    j["value"] = r.value > 0 ? "inf" : "-inf";
  } else {
    j["value"] = r.value;
  }
  j["unit"] = r.unit;
  j["quality"] = r.quality == sensors::Quality::bad ? "bad" : r.quality == sensors::Quality::uncertain ? "uncertain" : "good";
  out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string alert_json(const model::Alert& a) {
  nlohmann::ordered_json j;
  j["ts"] = a.ts;
  j["asset"] = a.asset;
  j["sensor"] = a.sensor;
  j["detector"] = a.detector;
  j["event"] = a.event;
  j["severity"] = a.severity;
  j["value"] = a.value ? nlohmann::ordered_json(*a.value) : nlohmann::ordered_json(nullptr);
  j["message"] = a.message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_alert_jsonl(std::ostream& out, const model::Alert& a) { out << alert_json(a) << '\n'; }

void write_replay_table(std::ostream& out, const ReplayReport& r) {
  std::vector<std::vector<std::string>> rows = {
      {"ASSET", "SENSOR", "READINGS", "MIN", "MEAN", "MAX", "MESSY", "ALERTS"}};
  for (const auto& s : r.summary.sensors) {
    rows.push_back({s.machine, s.sensor, std::to_string(s.readings), fixed(s.min, 2), fixed(s.mean, 2),
                    fixed(s.max, 2), std::to_string(messy(s)), alert_counts(s)});
  }
  table(out, rows);
  bool figures = false;
  std::vector<std::vector<std::string>> arows = {{"ASSET", "ENERGY_KWH", "CO2_KG", "AVAILABILITY"}};
  for (const auto& a : r.summary.assets) {
    if (a.energy_kwh || a.availability) {
      figures = true;
      arows.push_back({a.asset, opt(a.energy_kwh, 2), opt(a.co2_kg, 2),
                       a.availability ? fixed(*a.availability * 100, 1) + "%" : "-"});
    }
  }
  if (figures) {
    out << "\n";
    table(out, arows);
  }
  out << "\n" << totals_line(r) << "\n";
}

void write_replay_json(std::ostream& out, const ReplayReport& r) {
  const auto& s = r.summary;
  nlohmann::ordered_json doc;
  doc["schema_version"] = 1;
  doc["tool"] = {{"name", "twinctl"}, {"version", TWINCTL_VERSION}};
  doc["command"] = "replay";
  doc["inputs"] = r.inputs;
  doc["fail_on"] = r.fail_on;
  doc["readings"] = s.readings;
  doc["bad_lines"] = s.bad_lines;
  doc["bad_line_samples"] = r.bad_line_samples;
  doc["dropped"] = {{"out_of_order", s.out_of_order},
                    {"duplicates", s.duplicates},
                    {"over_sensor_cap", s.over_cap_readings}};
  doc["first"] = s.readings ? nlohmann::ordered_json(sensors::format_time_ms(s.first_ms)) : nullptr;
  doc["last"] = s.readings ? nlohmann::ordered_json(sensors::format_time_ms(s.last_ms)) : nullptr;
  doc["alerts"] = {{"critical", s.alerts_by_severity[3]},
                   {"warning", s.alerts_by_severity[2]},
                   {"info", s.alerts_by_severity[1]}};
  if (r.kafka) {
    doc["kafka"] = {{"misrouted", r.kafka->misrouted},
                    {"unkeyed", r.kafka->unkeyed},
                    {"skipped", r.kafka->skipped},
                    {"incomplete", r.kafka->incomplete.empty() ? nlohmann::ordered_json(nullptr)
                                                               : nlohmann::ordered_json(r.kafka->incomplete)}};
  }
  nlohmann::ordered_json sensors_json = nlohmann::ordered_json::array();
  for (const auto& x : s.sensors) {
    nlohmann::ordered_json raises = nlohmann::ordered_json::object();
    for (size_t d = 0; d < k_detector_count; ++d) {
      raises[sensors::detector_name(Detector(d))] = x.raises[d];
    }
    sensors_json.push_back({{"asset", x.machine},
                            {"sensor", x.sensor},
                            {"in_twin", x.in_twin},
                            {"readings", x.readings},
                            {"out_of_order", x.out_of_order},
                            {"duplicates", x.duplicates},
                            {"not_a_number", x.not_a_number},
                            {"bad_quality", x.bad_quality},
                            {"unit_mismatch", x.unit_mismatch},
                            {"min", x.min},
                            {"mean", x.mean},
                            {"max", x.max},
                            {"first", sensors::format_time_ms(x.first_ms)},
                            {"last", sensors::format_time_ms(x.last_ms)},
                            {"raises", raises},
                            {"worst", x.worst.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x.worst)}});
  }
  doc["sensors"] = sensors_json;
  nlohmann::ordered_json assets = nlohmann::ordered_json::array();
  for (const auto& a : s.assets) {
    auto o = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr); };
    assets.push_back({{"asset", a.asset},
                      {"in_twin", a.in_twin},
                      {"readings", a.readings},
                      {"alerts", a.alerts},
                      {"energy_kwh", o(a.energy_kwh)},
                      {"co2_kg", o(a.co2_kg)},
                      {"availability", o(a.availability)}});
  }
  doc["assets"] = assets;
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void write_replay_markdown(std::ostream& out, const ReplayReport& r) {
  out << "## twinctl replay\n\n" << totals_line(r) << ".\n\n";
  out << "| asset | sensor | readings | min | mean | max | messy | alerts |\n|---|---|---|---|---|---|---|---|\n";
  size_t n = 0;
  for (const auto& s : r.summary.sensors) {
    if (++n > 500) {
      out << "\n_" << r.summary.sensors.size() - 500 << " more sensors left out._\n";
      break;
    }
    out << "| " << s.machine << " | " << s.sensor << " | " << s.readings << " | " << fixed(s.min, 2) << " | "
        << fixed(s.mean, 2) << " | " << fixed(s.max, 2) << " | " << messy(s) << " | " << alert_counts(s) << " |\n";
  }
  for (const std::string& b : r.bad_line_samples) {
    out << (&b == &r.bad_line_samples.front() ? "\n**Bad lines:**\n\n" : "") << "- `" << b << "`\n";
  }
}

} // namespace twinctl::output
