// One reader per kind of twin document (Asset, Space, Team, Source, Twin,
// ZonePolicy, DriftPolicy, DetectorPolicy, IgnoreList), each in its own file
// of this folder, and read_document, which checks apiVersion and kind and
// hands the document to its reader. To add a key: add it to the kind's list in
// document.cpp and read it in the kind's file.
#pragma once

#include "lib/loaders/kinds/map_reader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace twinctl::loaders::kinds {

// The closed vocabularies of twin documents (man twinctl-twin).
inline const std::vector<std::string> k_classes = {"machine", "plc",     "hmi",    "drive", "sensor",
                                                   "gateway", "network", "server", "power", "utility"};
inline const std::vector<std::string> k_criticalities = {"low", "medium", "high", "safety"};
inline const std::vector<std::string> k_statuses = {"running", "idle",  "stopped",       "maintenance",
                                                    "offline", "fault", "decommissioned"};
inline const std::vector<std::string> k_relationship_types = {"FEEDS_DATA", "POWERS", "CONNECTS_TO"};
inline const std::vector<std::string> k_space_types = {"site", "building", "area", "line", "cell"};
inline const std::vector<std::string> k_adapters = {"ditto",      "generic", "plain-json", "sparkplug", "aws-shadow",
                                                    "azure-twin", "tasmota", "homie",      "file"};
inline const std::vector<std::string> k_severities = {"critical", "high", "medium", "low", "info"};
inline const std::vector<double> k_purdue_levels = {0, 1, 2, 3, 3.5, 4, 5};

// Everything one file produces; merged in path order afterwards.
struct FileResult {
  std::vector<model::Asset> assets;
  std::vector<model::Space> spaces;
  std::vector<model::Team> teams;
  std::vector<model::Source> sources;
  std::vector<model::ZonePolicy> zone_policies;
  std::vector<model::DriftPolicy> drift_policies;
  std::vector<model::DetectorPolicy> detector_policies;
  std::vector<model::HealthPolicy> health_policies;
  std::vector<model::ShiftCalendar> shift_calendars;
  std::vector<model::IgnoreList> ignore_lists;
  std::vector<model::Twin> twins; // only header fields set
  std::vector<model::Diagnostic> errors;
};

// Converts one YAML document into `out`; every problem becomes an error in
// ctx.errors (nothing throws for bad input).
void read_document(const Ctx& ctx, const YamlNode& doc, FileResult& out);

// The readers of each kind: `r` reads the document's top-level mapping, whose
// keys read_document has already checked.
void read_asset(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_space(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_team(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_zone_policy(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_drift_policy(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_detector_policy(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_shift_calendar(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_health_policy(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_ignore_list(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_source(const Ctx& ctx, const MapReader& r, FileResult& out);
void read_twin_header(const Ctx& ctx, const MapReader& r, FileResult& out);

} // namespace twinctl::loaders::kinds
