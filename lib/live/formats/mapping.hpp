// Field mappings of the live-state readers: default tables of JSON pointers
// per adapter (overridable by a twin Source's `mapping`), typed values
// (scalars, numbers, times, online), and numeric leaves -> metrics. Internal to lib/live.
#pragma once

#include "lib/live/formats/json_doc.hpp"
#include "lib/live/match.hpp"
#include "lib/model/live.hpp"
#include "lib/model/twin.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::live::detail {

// Per key (status, ip, ..., observed_at, online): the pointers to try in order.
using Mapping = std::map<std::string, std::vector<std::string>>;

extern const std::set<std::string, std::less<>> k_field_names;   // status, ip, firmware, config_checksum, zone
extern const std::set<std::string, std::less<>> k_mapping_keys;  // the field names, observed_at, online
extern const std::set<std::string, std::less<>> k_mqtt_profiles; // plain-json, tasmota, ..., mqtt-capture

// A JSON pointer token: '~' -> "~0", '/' -> "~1".
std::string escape_token(std::string_view s);
// A JSON pointer's raw token, unescaped ("~1" -> "/", "~0" -> "~"): `raw` itself when it has no
// '~', else the text it writes into `scratch`.
std::string_view unescape_token(std::string_view raw, std::string& scratch);
// The value at a JSON pointer; nullptr when absent. Never throws.
const json* resolve(const json& root, std::string_view pointer);
// Shortest round-trip form: 4.2, 71.3, 1412.
std::string number_text(double d);
// A scalar as text (numbers without trailing zeros); nullopt for null, objects, arrays, NaN.
std::optional<std::string> scalar_text(const json& v);
std::optional<double> number_of(const json& v);

constexpr int64_t k_min_time = -62135596800; // 0001-01-01
constexpr int64_t k_max_time = 253402300799; // 9999-12-31T23:59:59Z

// RFC 3339 text, or epoch seconds (milliseconds when >= 1e11, as Sparkplug
// and most JavaScript-born APIs send); nullopt when neither.
std::optional<int64_t> time_of(const json& v);
std::optional<int64_t> time_of_text(std::string_view s);
std::optional<int64_t> time_of_number(double d);
// acc = the later of acc and t.
void latest(std::optional<int64_t>& acc, std::optional<int64_t> t);
// true/false, 1/0, "online"/"offline" and the like; nullopt when none.
std::optional<bool> online_of(const json& v);
std::optional<bool> online_of_text(std::string_view s);
std::string format_time(std::optional<int64_t> t);

// What a reader maps documents with, and collects observations into.
struct Ctx {
  const Doc& doc;
  const AssetMatcher& matcher;
  const model::Source* source = nullptr; // the twin Source the hint names
  std::string name;                      // source name
  std::string stem;                      // the file's stem
  std::vector<model::Observation> observations;
};

// The default table of `adapter` with the Source's overrides (when the
// Source is meant for this adapter). Throws twinctl::Error for a bad override.
Mapping mapping_for(const Ctx& c, std::string_view adapter, bool apply_overrides);

// The result of applying a mapping: which pointers supplied something (so
// their values are not repeated as metrics) and the time found.
struct Applied {
  std::set<std::string> used;
  std::optional<int64_t> time;
};

Applied apply_mapping(const json& doc, const Mapping& m, model::Observation& o);

// How numeric leaves of a document become metrics.
struct MetricRules {
  const std::set<std::string>* used = nullptr;           // pointers shown as fields already
  std::function<bool(std::string_view key)> skip;        // keys to leave out
  std::function<std::string(const std::string& rel)> ts; // rel pointer -> RFC 3339 or ""
  std::function<std::string(const std::string& name, const json& parent, const std::string& key)> unit;
};

// Adds every numeric leaf of `obj` (at pointer `base`) as a metric named by
// its path below `obj` ('/'-joined), prefixed by `prefix`.
void add_metrics(const json& obj, const std::string& base, const std::string& rel, const std::string& prefix,
                 const MetricRules& r, model::Observation& o);

// Adds the leaves of a desired-state object. A leaf whose reported twin
// (`reported_base` + its path) is a field's pointer is named after the field
// (desired firmware), others by their path ("telemetryIntervalSec").
void add_desired(const json& obj, const std::string& reported_base, const std::string& rel, const std::string& prefix,
                 const std::map<std::string, std::string>& field_of_pointer, model::Observation& o);

// Field pointer -> field name, for add_desired.
std::map<std::string, std::string> fields_by_pointer(const Mapping& m);

} // namespace twinctl::live::detail
