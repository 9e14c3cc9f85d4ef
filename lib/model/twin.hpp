// The intended state of one site, as loaded from the twin repo.
// Plain structs with value semantics; objects refer to each other by id. Only
// lib/loaders builds a Twin; everything after that takes it as const.
#pragma once

#include "lib/model/location.hpp"
#include "lib/util/time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::model {

using util::Duration;

// One field of `expected:` with the location of its key.
struct ExpectedValue {
  std::string value;
  SourceLocation loc;
};

struct Relationship {
  std::string type;   // FEEDS_DATA | POWERS | CONNECTS_TO
  std::string target; // asset id
  std::string protocol;
  SourceLocation loc;
};

struct Thresholds {
  std::optional<double> high_alarm;
  std::optional<double> high_warn;
  std::optional<double> low_warn;
  std::optional<double> low_alarm;
  double hysteresis = 0;
};

struct Calibration {
  std::string certificate;
  std::string calibrated_on; // YYYY-MM-DD
  Duration interval;
  SourceLocation loc;
};

struct Sensor {
  std::string id;
  std::string type; // temperature, pressure, vibration, current, power, status, ...
  std::string unit; // UCUM-ish: Cel, bar, mm/s, A, kW, ...
  std::optional<double> range_min;
  std::optional<double> range_max;
  Thresholds thresholds;
  std::optional<Calibration> calibration;
  std::optional<Duration> interval; // expected sampling period
  SourceLocation loc;
};

struct Certificate {
  std::string id;
  std::string kind; // x509, safety-inspection, calibration, ...
  std::string issuer;
  std::string issued;  // YYYY-MM-DD
  std::string expires; // YYYY-MM-DD
  SourceLocation loc;
};

// A recurring maintenance task of an asset (lubrication, overhaul, inspection):
// when it was last done and how often it is due. `task` names it; empty when
// the asset declares a single plan without a name.
struct Maintenance {
  std::string task;
  std::string last; // YYYY-MM-DD
  Duration interval;
  SourceLocation loc;
};

// What OEE needs of a producing asset: the ideal time per part and the sensors
// that count parts (cumulative counters, as PLCs keep them) and tell its state.
struct Production {
  double ideal_cycle_s = 0; // seconds per part at the rated speed
  std::string good;   // sensor id of the good-part counter ("" when `total` is given)
  std::string total;  // sensor id of the all-parts counter ("" when `good` is given)
  std::string reject; // sensor id of the reject counter; "" = no rejects counted
  std::string status; // sensor id of its state; "" = its sensor of type status
  SourceLocation loc;
};

struct Asset {
  std::string id;
  std::string name;
  std::string description;
  std::string asset_class; // machine|plc|hmi|drive|sensor|gateway|network|server|power|utility
  std::string criticality = "medium"; // low|medium|high|safety
  std::string located_in;             // Space id
  std::string owned_by;               // Team id
  std::string zone;                   // Zone id
  std::optional<double> purdue_level; // 0 1 2 3 3.5 4 5
  std::string vendor;
  std::string model;
  std::vector<std::string> tags;

  // What drift compares, keyed by field name (status, ip, firmware, config_checksum).
  std::map<std::string, ExpectedValue> expected;
  std::vector<Relationship> relationships;
  std::map<std::string, int> redundancy; // relationship type -> k
  std::vector<Sensor> sensors;
  std::vector<Certificate> certificates;
  std::vector<Maintenance> maintenance;
  std::optional<Production> production;
  std::optional<double> power_kw;
  std::map<std::string, std::string> live; // identity bindings: mqtt, ditto, aws, azure, sparkplug

  SourceLocation loc;      // the `id:` key
  SourceLocation zone_loc; // the `zone:` key (for zone drift)
};

struct Space {
  std::string id;
  std::string name;
  std::string type; // site|building|area|line|cell
  std::string parent;
  SourceLocation loc;
};

struct Team {
  std::string id;
  std::string name;
  std::string lead;
  std::string email;
  std::string chat;
  std::string oncall;
  SourceLocation loc;
};

struct Zone {
  std::string id;
  std::string name;
  std::optional<double> purdue_level;
  std::optional<int> security_level; // IEC 62443 SL-T 0..4
  std::vector<std::string> subnets;  // CIDR
  SourceLocation loc;
};

struct Conduit {
  std::string id;
  std::string from; // zone id
  std::string to;   // zone id
  bool bidirectional = false;
  std::vector<std::string> protocols;
  std::string description;
  SourceLocation loc;
};

struct ZonePolicy {
  std::vector<Zone> zones; // sorted by id
  std::vector<Conduit> conduits;
  SourceLocation loc;
};

// A severity override: the first matching entry wins.
struct SeverityOverride {
  std::string rule;        // TWIN103
  std::string asset_class; // empty = any
  std::string criticality; // empty = any
  std::string severity;    // critical|high|medium|low|info
  SourceLocation loc;
};

struct DriftPolicy {
  std::vector<SeverityOverride> overrides;
  std::vector<std::string> volatile_fields; // live fields never compared
  SourceLocation loc;
};

// One detector setting of `replay` from the DetectorPolicy, in the terms of
// `replay --set`: KEY=VALUE for one sensor type, or for all when none.
struct DetectorSetting {
  std::optional<std::string> sensor_type; // none = every sensor type (the policy's defaults)
  std::string key;                        // DETECTOR.PARAM (see model/detectors.hpp), cooldown, or DETECTOR
  std::string value;                      // a number, or on|off for a DETECTOR key
  SourceLocation loc;
};

// policy/detectors.yaml: the policy's defaults first, then each type's settings.
struct DetectorPolicy {
  std::vector<DetectorSetting> settings; // in the order they apply
  SourceLocation loc;
};

// policy/health.yaml (`kind: HealthPolicy`): when `twinctl health` warns and
// how far ahead it looks.
struct HealthPolicy {
  double warn_below = 70;                    // a score under this is a warning
  double risk_above = 0.7;                   // a failure risk over this puts the asset at risk
  Duration horizon{0, 7, 0, "P7D"};          // the risk is of crossing an alarm limit within this
  Duration window{0, 14, 0, "P14D"};         // readings older than this before the last one are not fitted
  SourceLocation loc;
};

// policy/shifts.yaml (`kind: ShiftCalendar`): the shifts OEE is reported by
// and the planned stops it leaves out of availability. Times of day are local
// to utc_offset; a window may pass midnight (22:00-06:00).
struct TimeWindow {
  std::string name;
  int start_min = 0, end_min = 0; // minutes after local midnight; end <= start passes midnight
  uint8_t days = 0x7F;            // bit 0 = Monday ... bit 6 = Sunday: the days the window starts on
  SourceLocation loc;
};
struct ShiftCalendar {
  int utc_offset_min = 0;
  std::vector<TimeWindow> shifts;        // none: one shift per day, "day"
  std::vector<TimeWindow> planned_stops; // weekends, breaks, maintenance windows
  SourceLocation loc;
};

struct Suppression {
  // Selector: every given part must match. Globs use * and ?.
  std::string asset;
  std::string asset_class;
  std::string zone;
  std::string rule;
  std::string field;
  std::string value; // optional glob on the live value
  std::string reason;
  std::string owner;
  std::string ticket;
  std::string expires; // YYYY-MM-DD, empty = never
  SourceLocation loc;
};

struct IgnoreList {
  std::vector<Suppression> suppressions;
  SourceLocation loc;
};

struct Source {
  std::string id;
  std::string name;
  std::string adapter;  // ditto|generic|plain-json|sparkplug|aws-shadow|azure-twin|tasmota|homie|file
  std::string endpoint; // URL or file path; never with credentials
  std::vector<std::string> topics;
  std::map<std::string, std::string> mapping; // field -> JSON pointer
  std::map<std::string, std::string> status_aliases;
  std::map<std::string, std::string> zone_aliases;
  std::map<std::string, std::string> options; // adapter-specific settings
  SourceLocation loc;
};

struct TwinDefaults {
  Duration stale_after{0, 0, 900, "PT15M"};
  Duration cert_due_soon{0, 30, 0, "P30D"};
  Duration maintenance_due_soon{0, 14, 0, "P14D"};
  std::optional<double> co2_kg_per_kwh;
  std::map<std::string, std::string> status_aliases; // live value -> canonical status
  std::map<std::string, std::string> zone_aliases;
  std::map<std::string, std::string> unit_aliases;
};

struct Twin {
  std::string id; // site id
  std::string name;
  std::string description;
  TwinDefaults defaults;
  SourceLocation loc; // twin.yaml

  std::string root;       // twin root, relative to the repository root ("" = the root)
  std::string commit;     // commit the twin was read at; empty for a working tree outside Git
  std::string ref;        // what the user asked for (--ref), empty for the working tree

  std::vector<Asset> assets; // sorted by id
  std::vector<Space> spaces; // sorted by id
  std::vector<Team> teams;   // sorted by id
  std::vector<Source> sources;
  ZonePolicy zone_policy;
  DriftPolicy drift_policy;
  DetectorPolicy detector_policy;
  HealthPolicy health_policy;
  ShiftCalendar shift_calendar;
  IgnoreList ignore_list;

  // Last commit that changed each file, by repo-relative path.
  std::map<std::string, CommitInfo> file_commits;

  // Lookups by id; nullptr when absent. Collections are sorted by id.
  const Asset* find_asset(const std::string& key) const;
  const Space* find_space(const std::string& key) const;
  // The space of `type` (line, cell, ...) that holds asset a: its own space or
  // the nearest ancestor of that type; nullptr when none.
  const Space* enclosing(const Asset& a, std::string_view type) const;
  const Team* find_team(const std::string& key) const;
  const Zone* find_zone(const std::string& key) const;
  const Source* find_source(const std::string& key) const;
  // The last commit of a file; an unknown CommitInfo when not known.
  CommitInfo commit_of(const std::string& path) const;
};

// Which asset a sensor reading is of: its machine names an asset by id or by
// one of the asset's live bindings (an MQTT client id, a Ditto thing id, ...).
// The id wins over a binding, and an earlier asset over a later one. Replay,
// health and OEE read readings through this one index.
class ReadingNames {
public:
  explicit ReadingNames(const Twin& twin);
  const Asset* asset(std::string_view machine) const; // nullptr when none
private:
  std::map<std::string, const Asset*, std::less<>> m_by_name;
};

// The sensor of `a` that a reading's sensor name means: the sensor with that
// id, else the first of that type; nullptr when none.
const Sensor* reading_sensor(const Asset& a, std::string_view name);

} // namespace twinctl::model
