#include "lib/live/live_files.hpp"

#include "lib/live/live_v1_fast.hpp"

#include "lib/io/files.hpp"
#include "lib/live/sparkplug.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/values.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace twinctl::live {

namespace {

using json = nlohmann::json;
using Path = std::vector<std::string>; // a JSON pointer as tokens, for error locations

constexpr size_t k_max_bytes = size_t(1) << 30;
// nlohmann's parser is iterative, but dump(), copies and our own walks recurse.
constexpr size_t k_max_depth = 256;

// ---------------------------------------------------------------------------
// Default mappings: per adapter, per key, JSON pointers into one device's
// document; '|' separates alternatives and the first present scalar wins. A
// twin Source's `mapping` replaces a key's pointers (one pointer; "" = off).
// Keys: the observation fields, plus observed_at and online.
//
// MQTT captures: which topics map to what (see CaptureReader):
//   plain-json  any other topic; a JSON object payload goes through the
//               table below, its other numeric leaves become metrics; a scalar
//               payload on ".../X" is read as {"X": payload}, except on
//               availability/online/lwt/connected topics, which set online.
//               The device is the `live.mqtt` binding, the first '+' level of
//               a Source topic filter, else the deepest level that is an asset id.
//   tasmota     tele|stat/<topic>/LWT -> online; INFO1/INFO2/STATUS2/STATUS5
//               -> firmware, ip; STATE, SENSOR Time -> observed_at; SENSOR
//               numeric leaves -> metrics (TempUnit C/F -> Cel/[degF]).
//   shelly      <id>/online -> online; <id>/status/<component> numeric leaves
//               -> metrics "<component>/<key>"; wifi sta_ip, eth ip -> ip.
//   homie       homie/5/<device>/$state: ready -> online, lost/disconnected ->
//               offline; $localip, $fw/version -> ip, firmware; numeric
//               property values <node>/<property> -> metrics (unit from $description).
//   homeassistant/.../config (discovery) -> no observation; binds its state
//               and availability topics to the device's identifiers, gives
//               payload_available/not_available and the metric unit.
//   sparkplug   spBv1.0/<group>/NBIRTH|NDATA|NDEATH/<node>[/<device>] and
//               D*: BIRTH/DATA online, DEATH offline (NDEATH: its devices
//               too); metrics by name (aliases resolved from the births);
//               numeric metrics outside Properties/ and Node Control/ ->
//               metrics; fields by metric name below. spBv1.0/STATE/<host>
//               -> the host application's online. Protobuf comes later.
//   aws-shadow  $aws/things/<name>/shadow/get/accepted, .../update/documents
//               (current) -> as a shadow document.
// ---------------------------------------------------------------------------
struct DefaultPointers {
  std::string_view adapter;
  std::string_view key;
  std::string_view pointers;
};

constexpr DefaultPointers k_default_mappings[] = {
    {"ditto", "status", "/features/status/properties/state"},
    {"ditto", "ip", "/attributes/network/ip"},
    {"ditto", "firmware", "/features/firmware/properties/version"},
    {"ditto", "config_checksum", "/features/config/properties/checksum"},
    {"ditto", "zone", "/attributes/securityZone"},
    {"ditto", "observed_at", "/_modified"},
    // observed_at: the latest metadata.reported.**.timestamp (computed), else /timestamp.
    {"aws-shadow", "status", "/state/reported/status"},
    {"aws-shadow", "ip", "/state/reported/ip|/state/reported/network/ip"},
    {"aws-shadow", "firmware", "/state/reported/firmware|/state/reported/firmware/version"},
    {"aws-shadow", "config_checksum", "/state/reported/config_checksum|/state/reported/configChecksum"},
    {"aws-shadow", "zone", "/state/reported/zone|/state/reported/securityZone"},
    {"aws-shadow", "online", "/state/reported/online|/state/reported/connected"},
    {"azure-twin", "status", "/properties/reported/status"},
    {"azure-twin", "ip", "/properties/reported/ip|/properties/reported/network/ip"},
    {"azure-twin", "firmware",
     "/properties/reported/firmware|/properties/reported/firmware/version|/properties/reported/firmwareVersion"},
    {"azure-twin", "config_checksum", "/properties/reported/config_checksum|/properties/reported/configChecksum"},
    {"azure-twin", "zone", "/tags/securityZone|/properties/reported/zone|/properties/reported/securityZone"},
    {"azure-twin", "observed_at", "/properties/reported/$metadata/$lastUpdated|/lastActivityTime"},
    {"azure-twin", "online", "/connectionState"},
    {"plain-json", "status", "/status|/state"},
    {"plain-json", "ip", "/ip"},
    {"plain-json", "firmware", "/firmware|/fw"},
    {"plain-json", "config_checksum", "/config_checksum|/configChecksum|/cfg"},
    {"plain-json", "zone", "/zone"},
    {"plain-json", "observed_at", "/observed_at|/ts|/timestamp|/time"},
    {"plain-json", "online", "/online"},
    {"tasmota", "ip", "/Info2/IPAddress|/StatusNET/IPAddress|/IPAddress"},
    {"tasmota", "firmware", "/Info1/Version|/StatusFWR/Version|/Version"},
    {"tasmota", "observed_at", "/Time|/StatusSNS/Time"},
    {"shelly", "ip", "/sta_ip|/ip"},
    {"homie", "ip", "/$localip"},
    {"homie", "firmware", "/$fw/version"},
    {"sparkplug", "status", "/Status/State|/Properties/Status"},
    {"sparkplug", "ip", "/Properties/IP|/Properties/IP Address"},
    {"sparkplug", "firmware",
     "/Properties/FW|/Properties/Firmware|/Properties/Firmware Version|/Properties/OS Version"},
    {"sparkplug", "config_checksum", "/Properties/Config Checksum"},
    {"sparkplug", "zone", "/Properties/Zone"},
};

const std::set<std::string, std::less<>> k_field_names = {"status", "ip", "firmware", "config_checksum", "zone"};
const std::set<std::string, std::less<>> k_mapping_keys = {"status", "ip",          "firmware", "config_checksum",
                                                           "zone",   "observed_at", "online"};
const std::set<std::string, std::less<>> k_mqtt_profiles = {"plain-json", "tasmota",    "shelly",      "homie",
                                                            "sparkplug",  "aws-shadow", "mqtt-capture"};

using Mapping = std::map<std::string, std::vector<std::string>>;

// ---------------------------------------------------------------------------
// Locations: nlohmann keeps no positions, so on an error we parse once more
// with the SAX interface and an iterator that tells how far the lexer got.
// The happy path pays nothing.
// ---------------------------------------------------------------------------
struct CountingIter {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char** last = nullptr; // shared: the furthest character read

  reference operator*() const { return *p; }
  CountingIter& operator++() {
    ++p;
    *last = p;
    return *this;
  }
  CountingIter operator++(int) {
    CountingIter old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIter& o) const { return p == o.p; }
  bool operator!=(const CountingIter& o) const { return p != o.p; }
};

// Offset where the scalar token that ends before `end` starts (the lexer may
// have read one character past a number).
size_t token_start(std::string_view text, size_t end) {
  size_t i = std::min(end, text.size());
  while (i > 0 && (std::isspace(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == ',' || text[i - 1] == ':' ||
                   text[i - 1] == ']' || text[i - 1] == '}')) {
    --i;
  }
  if (i == 0) {
    return 0;
  }
  if (text[i - 1] == '"') {
    for (size_t j = i - 1; j-- > 0;) {
      if (text[j] == '"') {
        size_t backslashes = 0;
        while (backslashes < j && text[j - 1 - backslashes] == '\\') {
          ++backslashes;
        }
        if (backslashes % 2 == 0) {
          return j;
        }
      }
    }
    return 0;
  }
  while (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '-' || text[i - 1] == '+' ||
                   text[i - 1] == '.')) {
    --i;
  }
  return i;
}

// SAX handler that stops at the value whose path is `target`.
class Locator {
public:
  Locator(const Path& target, const char* base, const char* const* last)
      : m_target(target), m_base(base), m_last(last) {}

  bool null() { return scalar(); }
  bool boolean(bool) { return scalar(); }
  bool number_integer(json::number_integer_t) { return scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return scalar(); }
  bool number_float(json::number_float_t, const std::string&) { return scalar(); }
  bool string(std::string&) { return scalar(); }
  bool binary(json::binary_t&) { return scalar(); }
  bool start_object(std::size_t) { return open(false); }
  bool key(std::string& k) {
    m_stack.back().key = k;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

  std::optional<size_t> found;

private:
  struct Frame {
    bool array = false;
    size_t index = 0;
    std::string key;
  };
  size_t consumed() const { return static_cast<size_t>(*m_last - m_base); }
  bool here() const {
    if (m_stack.size() != m_target.size()) {
      return false;
    }
    for (size_t i = 0; i < m_stack.size(); ++i) {
      const Frame& f = m_stack[i];
      if ((f.array ? std::to_string(f.index) : f.key) != m_target[i]) {
        return false;
      }
    }
    return true;
  }
  void advance() {
    if (!m_stack.empty() && m_stack.back().array) {
      ++m_stack.back().index;
    }
  }
  bool scalar() {
    if (here()) {
      found = token_start(std::string_view(m_base, consumed()), consumed());
      return false;
    }
    advance();
    return true;
  }
  bool open(bool array) {
    if (here()) {
      found = consumed() > 0 ? consumed() - 1 : 0; // the '{' or '[' just read
      return false;
    }
    m_stack.push_back({array, 0, {}});
    return true;
  }
  bool close() {
    m_stack.pop_back();
    advance();
    return true;
  }

  const Path& m_target;
  const char* m_base;
  const char* const* m_last;
  std::vector<Frame> m_stack;
};

// SAX handler that only records the first syntax error and where it is.
struct SyntaxErrorFinder {
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    offset = position > 0 ? position - 1 : 0;
    message = e.what();
    return false;
  }
  std::optional<size_t> offset;
  std::string message;
};

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> "syntax error ..."
std::string strip_nlohmann_prefix(std::string msg) {
  size_t col = msg.find("column ");
  size_t colon = msg.find(": ", col == std::string::npos ? 0 : col);
  if (colon != std::string::npos) {
    return msg.substr(colon + 2);
  }
  if (size_t bracket = msg.find("] "); bracket != std::string::npos) {
    return msg.substr(bracket + 2);
  }
  return msg;
}

// Offset of the first '{'/'[' nested deeper than `limit`, else npos.
size_t too_deep_at(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) {
        return i;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// One parsed file with what it takes to say where something is wrong.
class Doc {
public:
  Doc(std::string path, std::string text) : m_path(std::move(path)), m_text(std::move(text)) {}

  void parse() {
    if (size_t deep = too_deep_at(m_text, k_max_depth); deep != std::string_view::npos) {
      fail_at(deep, "JSON nested deeper than " + std::to_string(k_max_depth) + " levels");
    }
    try {
      m_root = json::parse(m_text);
    } catch (const json::exception&) {
      // parse_error carries a byte offset, number overflow does not: the SAX
      // pass finds both.
      const char* last = m_text.data();
      SyntaxErrorFinder finder;
      json::sax_parse(CountingIter{m_text.data(), &last}, CountingIter{m_text.data() + m_text.size(), &last}, &finder);
      fail_at(finder.offset.value_or(0), "invalid JSON: " + strip_nlohmann_prefix(finder.message));
    }
  }

  [[noreturn]] void fail_at(size_t offset, const std::string& message) const {
    throw Error(m_path + ":" + util::line_column(m_text, offset) + ": " + message);
  }

  // Fails at the value `where` points to (the nearest existing ancestor).
  [[noreturn]] void fail(const Path& where, const std::string& message) const {
    if (m_in_memory) {
      fail_in_memory(where, message);
    }
    Path target = where;
    while (true) {
      const char* last = m_text.data();
      Locator loc(target, m_text.data(), &last);
      json::sax_parse(CountingIter{m_text.data(), &last}, CountingIter{m_text.data() + m_text.size(), &last}, &loc);
      if (loc.found || target.empty()) {
        fail_at(loc.found.value_or(0), message);
      }
      target.pop_back();
    }
  }

  const json& root() const { return m_root; }
  const std::string& path() const { return m_path; }

  // A Doc of messages received from a broker: there is no text to point
  // into, so errors name the path instead: "<where[0]>, at /a/b: message".
  static Doc in_memory() {
    Doc d("", "");
    d.m_in_memory = true;
    return d;
  }

private:
  [[noreturn]] void fail_in_memory(const Path& where, const std::string& message) const {
    std::string at = where.empty() ? std::string() : where[0];
    if (where.size() > 1) {
      at += ", at /" + util::join(std::vector<std::string>(where.begin() + 1, where.end()), "/");
    }
    throw Error(at.empty() ? message : at + ": " + message);
  }

  std::string m_path;
  std::string m_text;
  json m_root;
  bool m_in_memory = false;
};

Path at(Path p, std::string token) {
  p.push_back(std::move(token));
  return p;
}

std::string describe(const json& v) {
  switch (v.type()) {
  case json::value_t::object:
    return "an object";
  case json::value_t::array:
    return "an array";
  case json::value_t::string:
    return "a string";
  case json::value_t::boolean:
    return "a boolean";
  case json::value_t::null:
    return "null";
  default:
    return "a number";
  }
}

enum class Kind { object, array, string, boolean, integer, any };

bool is_kind(const json& v, Kind k) {
  switch (k) {
  case Kind::object:
    return v.is_object();
  case Kind::array:
    return v.is_array();
  case Kind::string:
    return v.is_string();
  case Kind::boolean:
    return v.is_boolean();
  case Kind::integer:
    return v.is_number_integer();
  case Kind::any:
    return true;
  }
  return false;
}

const char* kind_name(Kind k) {
  switch (k) {
  case Kind::object:
    return "an object";
  case Kind::array:
    return "an array";
  case Kind::string:
    return "a string";
  case Kind::boolean:
    return "a boolean";
  case Kind::integer:
    return "an integer";
  case Kind::any:
    return "a value";
  }
  return "a value";
}

enum Need { k_optional = 0, k_required = 1, k_nullable = 2 };

// obj[key] when present and of kind `k` (or null when nullable); nullptr when
// absent or null. Fails on a missing required key or another kind.
const json* member(const Doc& d, const json& obj, const Path& where, const std::string& key, Kind k,
                   int need = k_optional) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (need & k_required) {
      d.fail(where, "missing '" + key + "'");
    }
    return nullptr;
  }
  if (it->is_null() && (need & k_nullable)) {
    return nullptr;
  }
  if (!is_kind(*it, k)) {
    d.fail(at(where, key), "'" + key + "' must be " + kind_name(k) + ", not " + describe(*it));
  }
  return &*it;
}

std::string required_string(const Doc& d, const json& obj, const Path& where, const std::string& key) {
  const std::string& s = member(d, obj, where, key, Kind::string, k_required)->get_ref<const std::string&>();
  if (s.empty()) {
    d.fail(at(where, key), "'" + key + "' must not be empty");
  }
  return s;
}

void check_keys(const Doc& d, const json& obj, const Path& where, std::initializer_list<std::string_view> allowed) {
  for (const auto& item : obj.items()) {
    bool ok = false;
    for (std::string_view a : allowed) {
      ok = ok || item.key() == a;
    }
    if (!ok) {
      d.fail(at(where, item.key()), "unknown key '" + item.key() + "'");
    }
  }
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------
std::string escape_token(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// The value at a JSON pointer; nullptr when absent. Never throws.
const json* resolve(const json& root, std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') {
    return nullptr;
  }
  const json* cur = &root;
  size_t pos = 1;
  while (true) {
    size_t slash = pointer.find('/', pos);
    std::string_view raw = pointer.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) {
        return nullptr;
      }
      cur = &*it;
    } else if (cur->is_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec != std::errc() || end != token.data() + token.size() || token.empty() || index >= cur->size()) {
        return nullptr;
      }
      cur = &(*cur)[index];
    } else {
      return nullptr;
    }
    if (slash == std::string_view::npos) {
      return cur;
    }
    pos = slash + 1;
  }
}

std::string number_text(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d); // shortest round-trip form: 4.2, 71.3, 1412
  return std::string(buf, r.ptr);
}

// A scalar as text (numbers without trailing zeros); nullopt for null, objects, arrays, NaN.
std::optional<std::string> scalar_text(const json& v) {
  switch (v.type()) {
  case json::value_t::string:
    return v.get_ref<const std::string&>();
  case json::value_t::boolean:
    return std::string(v.get<bool>() ? "true" : "false");
  case json::value_t::number_integer:
    return std::to_string(v.get<int64_t>());
  case json::value_t::number_unsigned:
    return std::to_string(v.get<uint64_t>());
  case json::value_t::number_float:
    if (!std::isfinite(v.get<double>())) {
      return std::nullopt;
    }
    return number_text(v.get<double>());
  default:
    return std::nullopt;
  }
}

std::optional<double> number_of(const json& v) {
  if (!v.is_number()) {
    return std::nullopt;
  }
  double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

constexpr int64_t k_min_time = -62135596800; // 0001-01-01
constexpr int64_t k_max_time = 253402300799; // 9999-12-31T23:59:59Z

// RFC 3339 text, or epoch seconds (milliseconds when >= 1e11, as Sparkplug
// and most JavaScript-born APIs send); nullopt when neither.
std::optional<int64_t> time_of(const json& v) {
  std::optional<int64_t> t;
  if (v.is_string()) {
    t = util::parse_timestamp(v.get_ref<const std::string&>());
  } else if (auto d = number_of(v)) {
    double s = std::fabs(*d) >= 1e11 ? *d / 1000 : *d;
    if (s >= double(k_min_time) && s <= double(k_max_time)) {
      t = static_cast<int64_t>(std::floor(s));
    }
  }
  if (t && (*t < k_min_time || *t > k_max_time)) {
    return std::nullopt;
  }
  return t;
}

void latest(std::optional<int64_t>& acc, std::optional<int64_t> t) {
  if (t && (!acc || *t > *acc)) {
    acc = t;
  }
}

std::optional<bool> online_of(const json& v) {
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    if (v.get<int64_t>() == 0 || v.get<int64_t>() == 1) {
      return v.get<int64_t>() == 1;
    }
    return std::nullopt;
  }
  if (!v.is_string()) {
    return std::nullopt;
  }
  std::string s = util::to_lower(util::trim(v.get_ref<const std::string&>()));
  static const std::set<std::string, std::less<>> k_up = {"online", "true", "connected", "ready", "up", "1", "yes"};
  static const std::set<std::string, std::less<>> k_down = {"offline", "false", "disconnected", "lost", "down",
                                                            "0",       "no"};
  if (k_up.count(s)) {
    return true;
  }
  if (k_down.count(s)) {
    return false;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Mapping a document to an observation
// ---------------------------------------------------------------------------
struct Ctx {
  const Doc& doc;
  const AssetMatcher& matcher;
  const model::Source* source = nullptr; // the twin Source the hint names
  std::string name;                      // source name
  std::string stem;                      // the file's stem
  std::vector<model::Observation> observations;
};

// The default table of `adapter` with the Source's overrides (when the
// Source is meant for this adapter).
Mapping mapping_for(const Ctx& c, std::string_view adapter, bool apply_overrides) {
  Mapping m;
  for (const DefaultPointers& d : k_default_mappings) {
    if (d.adapter == adapter) {
      m[std::string(d.key)] = util::split(d.pointers, '|');
    }
  }
  if (!c.source || !apply_overrides) {
    return m;
  }
  std::string where = c.source->loc.known() ? c.source->loc.str() + ": " : std::string();
  for (const auto& [key, pointer] : c.source->mapping) {
    if (!k_mapping_keys.count(key)) {
      throw Error(where + "source '" + c.source->id + "': unknown mapping key '" + key +
                  "' (expected status, ip, firmware, config_checksum, zone, observed_at or online)");
    }
    if (!pointer.empty() && pointer[0] != '/') {
      throw Error(where + "source '" + c.source->id + "': mapping '" + key +
                  "' must be a JSON pointer (\"/a/b\"), not '" + pointer + "'");
    }
    m[key] = pointer.empty() ? std::vector<std::string>{} : std::vector<std::string>{pointer};
  }
  return m;
}

// The result of applying a mapping: which pointers supplied something (so
// their values are not repeated as metrics) and the time found.
struct Applied {
  std::set<std::string> used;
  std::optional<int64_t> time;
};

Applied apply_mapping(const json& doc, const Mapping& m, model::Observation& o) {
  Applied a;
  for (const auto& [key, pointers] : m) {
    for (const std::string& p : pointers) {
      const json* v = resolve(doc, p);
      if (!v) {
        continue;
      }
      if (key == "observed_at") {
        if (auto t = time_of(*v)) {
          a.time = t;
          a.used.insert(p);
          break;
        }
      } else if (key == "online") {
        if (auto b = online_of(*v)) {
          o.online = b;
          a.used.insert(p);
          break;
        }
      } else if (auto s = scalar_text(*v)) {
        o.fields[key] = *s;
        a.used.insert(p);
        break;
      }
    }
  }
  return a;
}

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
                 const MetricRules& r, model::Observation& o) {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();
    if (r.skip && r.skip(key)) {
      continue;
    }
    std::string child_rel = rel + "/" + escape_token(key);
    std::string name = prefix + key;
    const json& v = item.value();
    if (v.is_object()) {
      add_metrics(v, base, child_rel, name + "/", r, o);
      continue;
    }
    auto d = number_of(v);
    if (!d || (r.used && r.used->count(base + child_rel))) {
      continue;
    }
    model::Metric m;
    m.value = *d;
    m.ts = r.ts ? r.ts(child_rel) : std::string();
    m.unit = r.unit ? r.unit(name, obj, key) : std::string();
    o.metrics[name] = std::move(m);
  }
}

// Adds the leaves of a desired-state object. A leaf whose reported twin
// (`reported_base` + its path) is a field's pointer is named after the field
// (desired firmware), others by their path ("telemetryIntervalSec").
void add_desired(const json& obj, const std::string& reported_base, const std::string& rel, const std::string& prefix,
                 const std::map<std::string, std::string>& field_of_pointer, model::Observation& o) {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();
    if (!key.empty() && key[0] == '$') {
      continue; // Azure $metadata, $version
    }
    std::string child_rel = rel + "/" + escape_token(key);
    if (item.value().is_object()) {
      add_desired(item.value(), reported_base, child_rel, prefix + key + "/", field_of_pointer, o);
      continue;
    }
    std::optional<std::string> text =
        item.value().is_array() ? std::optional<std::string>(item.value().dump()) : scalar_text(item.value());
    if (!text) {
      continue;
    }
    auto f = field_of_pointer.find(reported_base + child_rel);
    o.desired[f != field_of_pointer.end() ? f->second : prefix + key] = *text;
  }
}

std::map<std::string, std::string> fields_by_pointer(const Mapping& m) {
  std::map<std::string, std::string> out;
  for (const auto& [key, pointers] : m) {
    if (k_field_names.count(key)) {
      for (const std::string& p : pointers) {
        out.emplace(p, key);
      }
    }
  }
  return out;
}

std::string format_time(std::optional<int64_t> t) { return t ? util::format_timestamp(*t) : std::string(); }

// ---------------------------------------------------------------------------
// Eclipse Ditto
// ---------------------------------------------------------------------------
void read_ditto_thing(Ctx& c, const Mapping& m, const json& thing, const Path& where) {
  if (!thing.is_object()) {
    c.doc.fail(where, "a Ditto thing must be an object, not " + describe(thing));
  }
  model::Observation o;
  o.source = c.name;
  o.ref = required_string(c.doc, thing, where, "thingId");
  o.asset = c.matcher.match_ditto(o.ref);
  member(c.doc, thing, where, "attributes", Kind::object);
  const json* features = member(c.doc, thing, where, "features", Kind::object);
  Applied a = apply_mapping(thing, m, o);
  o.observed_at = format_time(a.time);
  if (features) {
    std::map<std::string, std::string> by_pointer = fields_by_pointer(m);
    Path fwhere = at(where, "features");
    for (const auto& f : features->items()) {
      if (!f.value().is_object()) {
        c.doc.fail(at(fwhere, f.key()), "a Ditto feature must be an object, not " + describe(f.value()));
      }
      std::string fptr = "/features/" + escape_token(f.key());
      const json* props = member(c.doc, f.value(), at(fwhere, f.key()), "properties", Kind::object);
      // A feature whose properties have a numeric `value` is a metric (DESIGN.md §4).
      if (auto value = props ? props->find("value") : json::const_iterator(); props && value != props->end()) {
        if (auto v = number_of(*value)) {
          model::Metric metric;
          metric.value = *v;
          if (auto unit = props->find("unit"); unit != props->end() && unit->is_string()) {
            metric.unit = unit->get<std::string>();
          }
          metric.ts = o.observed_at; // Ditto keeps one _modified per thing
          o.metrics[f.key()] = std::move(metric);
        }
      }
      if (const json* des = member(c.doc, f.value(), at(fwhere, f.key()), "desiredProperties", Kind::object)) {
        add_desired(*des, fptr + "/properties", "", f.key() + "/", by_pointer, o);
      }
    }
  }
  c.observations.push_back(std::move(o));
}

// ---------------------------------------------------------------------------
// AWS IoT Device Shadow
// ---------------------------------------------------------------------------
// The latest metadata.reported.**.timestamp.
void latest_metadata_time(const json& meta, std::optional<int64_t>& acc) {
  if (meta.is_object()) {
    for (const auto& item : meta.items()) {
      if (item.key() == "timestamp") {
        latest(acc, time_of(item.value()));
      } else {
        latest_metadata_time(item.value(), acc);
      }
    }
  } else if (meta.is_array()) {
    for (const json& v : meta) {
      latest_metadata_time(v, acc);
    }
  }
}

model::Observation read_shadow(Ctx& c, const Mapping& m, const json& shadow, const Path& where,
                               const std::string& thing) {
  if (!shadow.is_object()) {
    c.doc.fail(where, "a shadow document must be an object, not " + describe(shadow));
  }
  const json* state = member(c.doc, shadow, where, "state", Kind::object, k_required);
  Path swhere = at(where, "state");
  const json* reported = member(c.doc, *state, swhere, "reported", Kind::object, k_nullable);
  const json* delta = member(c.doc, *state, swhere, "delta", Kind::object, k_nullable);
  member(c.doc, *state, swhere, "desired", Kind::object, k_nullable);
  const json* metadata = member(c.doc, shadow, where, "metadata", Kind::object);

  model::Observation o;
  o.source = c.name;
  o.ref = thing;
  o.asset = c.matcher.match_aws(thing);
  Applied a = apply_mapping(shadow, m, o);
  std::optional<int64_t> t = a.time;
  const json* meta_reported = metadata ? resolve(*metadata, "/reported") : nullptr;
  if (!m.count("observed_at")) {
    if (meta_reported) {
      latest_metadata_time(*meta_reported, t);
    }
    if (!t) {
      if (const json* ts = resolve(shadow, "/timestamp")) {
        t = time_of(*ts);
      }
    }
  }
  o.observed_at = format_time(t);
  if (delta) {
    add_desired(*delta, "/state/reported", "", "", fields_by_pointer(m), o);
  }
  if (reported) {
    MetricRules r;
    r.used = &a.used;
    r.ts = [meta_reported](const std::string& rel) {
      const json* ts = meta_reported ? resolve(*meta_reported, rel + "/timestamp") : nullptr;
      return ts ? format_time(time_of(*ts)) : std::string();
    };
    add_metrics(*reported, "/state/reported", "", "", r, o);
  }
  return o;
}

// {thingName, shadow} or {thingName, state, ...}.
void read_shadow_envelope(Ctx& c, const Mapping& m, const json& item, const Path& where) {
  if (!item.is_object()) {
    c.doc.fail(where, "a shadow entry must be an object, not " + describe(item));
  }
  std::string thing = required_string(c.doc, item, where, "thingName");
  if (const json* shadow = member(c.doc, item, where, "shadow", Kind::object)) {
    c.observations.push_back(read_shadow(c, m, *shadow, at(where, "shadow"), thing));
  } else {
    c.observations.push_back(read_shadow(c, m, item, where, thing));
  }
}

// ---------------------------------------------------------------------------
// Azure IoT Hub device twin
// ---------------------------------------------------------------------------
void read_azure_twin(Ctx& c, const Mapping& m, const json& twin, const Path& where) {
  if (!twin.is_object()) {
    c.doc.fail(where, "an Azure device twin must be an object, not " + describe(twin));
  }
  model::Observation o;
  o.source = c.name;
  std::string device = required_string(c.doc, twin, where, "deviceId");
  const json* module = member(c.doc, twin, where, "moduleId", Kind::string, k_nullable);
  o.ref = module && !module->get_ref<const std::string&>().empty() ? device + "/" + module->get<std::string>() : device;
  o.asset = c.matcher.match_azure(device);
  member(c.doc, twin, where, "tags", Kind::object, k_nullable);
  const json* props = member(c.doc, twin, where, "properties", Kind::object);
  Path pwhere = at(where, "properties");
  const json* reported = props ? member(c.doc, *props, pwhere, "reported", Kind::object) : nullptr;
  const json* desired = props ? member(c.doc, *props, pwhere, "desired", Kind::object) : nullptr;
  Applied a = apply_mapping(twin, m, o);
  o.observed_at = format_time(a.time);
  if (desired) {
    add_desired(*desired, "/properties/reported", "", "", fields_by_pointer(m), o);
  }
  if (reported) {
    const json* meta = resolve(*reported, "/$metadata");
    MetricRules r;
    r.used = &a.used;
    r.skip = [](std::string_view key) { return !key.empty() && key[0] == '$'; };
    r.ts = [meta](const std::string& rel) {
      const json* ts = meta ? resolve(*meta, rel + "/$lastUpdated") : nullptr;
      return ts ? format_time(time_of(*ts)) : std::string();
    };
    add_metrics(*reported, "/properties/reported", "", "", r, o);
  }
  c.observations.push_back(std::move(o));
}

// ---------------------------------------------------------------------------
// MQTT capture
// ---------------------------------------------------------------------------
std::vector<std::string> topic_levels(std::string_view topic) { return util::split(topic, '/'); }

// Sets root[tokens...] = value when no leaf or non-object is in the way.
void set_path(json& root, const std::vector<std::string>& tokens, json value) {
  json* cur = &root;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!cur->is_object()) {
      return;
    }
    json& next = (*cur)[tokens[i]];
    if (i + 1 == tokens.size()) {
      if (!next.is_object() || next.empty()) {
        next = std::move(value);
      }
      return;
    }
    if (next.is_null()) {
      next = json::object();
    }
    cur = &next;
  }
}

// What Home Assistant discovery says about a topic.
struct HaTopic {
  std::vector<std::string> identifiers;
  bool availability = false;
  std::string available = "online";
  std::string not_available = "offline";
  std::map<std::string, std::string> units; // value_json key -> unit_of_measurement
};

std::string tasmota_unit(const std::string& key, const json& payload) {
  auto unit_of = [&](const char* unit_key, const char* fallback) -> std::string {
    auto u = payload.find(unit_key);
    std::string s = u != payload.end() && u->is_string() ? u->get<std::string>() : fallback;
    if (s == "C") {
      return "Cel";
    }
    if (s == "F") {
      return "[degF]";
    }
    return s;
  };
  if (key == "Temperature" || key == "DewPoint") {
    return unit_of("TempUnit", "C");
  }
  if (key == "Humidity") {
    return "%";
  }
  if (key == "Pressure") {
    return unit_of("PressureUnit", "hPa");
  }
  return "";
}

std::string shelly_unit(const std::string& key) {
  static const std::map<std::string, std::string, std::less<>> k_units = {
      {"apower", "W"},  {"voltage", "V"}, {"current", "A"}, {"tC", "Cel"},
      {"tF", "[degF]"}, {"freq", "Hz"},   {"total", "Wh"},  {"rssi", "dBm"}};
  auto it = k_units.find(key);
  return it == k_units.end() ? std::string() : it->second;
}

class CaptureReader {
public:
  CaptureReader(Ctx& c, std::string forced, std::vector<std::string> filters = {})
      : m_c(c), m_forced(std::move(forced)), m_filters(std::move(filters)) {
    if (c.source && m_filters.empty()) {
      m_filters = c.source->topics;
    }
  }

  // Returns the adapter name the source gets.
  std::string read(const json& root) {
    const json* messages = member(m_c.doc, root, {}, "messages", Kind::array, k_required);
    Path mwhere = {"messages"};
    std::vector<Message> list;
    for (size_t i = 0; i < messages->size(); ++i) {
      if (auto msg = message(*messages, i, at(mwhere, std::to_string(i)))) {
        list.push_back(std::move(*msg));
      }
    }
    return process(list);
  }

  // Messages received from a broker, in arrival order. Unlike a capture
  // file's utf8 payloads, a payload that looks like JSON must be JSON, and a
  // payload must be UTF-8 text (Sparkplug: protobuf): a malformed one fails
  // the read, naming its topic.
  // They come one at a time, as they arrive, so parsing overlaps the wait for the network.
  void add_received(const io::MqttMessage& r) {
    if (auto msg = received_message(r)) {
      m_received.push_back(std::move(*msg));
    }
  }

  std::string finish_received() {
    order_sparkplug(m_received);
    return process(m_received);
  }

private:
  struct Message;

  std::string process(const std::vector<Message>& list) {
    // Discovery configs first: they tell which device a state topic belongs to,
    // whatever order the capture has.
    for (const Message& msg : list) {
      if (msg.profile == "homeassistant") {
        discovery(msg);
      }
    }
    for (const Message& msg : list) {
      dispatch(msg);
    }
    return finish();
  }

  struct Message {
    std::string topic;
    std::vector<std::string> levels;
    std::string profile;
    const json* payload = nullptr; // JSON payloads
    std::optional<json> parsed;    // utf8 payloads that hold JSON
    std::string text;              // utf8 payloads
    bool is_text = false;
    std::optional<int64_t> received;
    Path where;
    const json& body() const { return parsed ? *parsed : *payload; }
  };

  struct Device {
    model::Observation obs;
    std::optional<int64_t> time;
    json attrs = json::object(); // Homie topics / Sparkplug metrics by name, for the mapping
    std::string attrs_profile;   // whose mapping reads attrs
    std::string profile;
  };

  std::optional<Message> message(const json& messages, size_t i, const Path& where) {
    const json& m = messages[i];
    if (!m.is_object()) {
      m_c.doc.fail(where, "a captured message must be an object, not " + describe(m));
    }
    Message msg;
    msg.where = where;
    msg.topic = required_string(m_c.doc, m, where, "topic");
    msg.levels = topic_levels(msg.topic);
    const json* enc = member(m_c.doc, m, where, "payload_encoding", Kind::string);
    const json* received = member(m_c.doc, m, where, "received_at", Kind::any);
    if (received) {
      msg.received = time_of(*received);
    }
    auto payload = m.find("payload");
    if (payload == m.end() || payload->is_null()) {
      return std::nullopt; // an empty retained message clears the topic
    }
    std::string encoding = enc ? enc->get<std::string>() : (payload->is_string() ? "utf8" : "json");
    if (encoding == "utf8" || encoding == "utf-8" || encoding == "text") {
      if (!payload->is_string()) {
        m_c.doc.fail(at(where, "payload"), "a utf8 payload must be a string, not " + describe(*payload));
      }
      msg.is_text = true;
      msg.text = payload->get<std::string>();
      std::string t = util::trim(msg.text);
      if (!t.empty() && (t[0] == '{' || t[0] == '[') && too_deep_at(t, k_max_depth) == std::string_view::npos) {
        json parsed = json::parse(t, nullptr, false);
        if (!parsed.is_discarded()) {
          msg.parsed = std::move(parsed);
          msg.is_text = false;
        }
      }
    } else if (encoding == "json" || encoding == "sparkplug-b-json-representation" || encoding == "sparkplug-json") {
      msg.payload = &*payload;
    } else if (encoding == "base64" && is_sparkplug_protobuf(msg.levels)) {
      std::optional<std::string> bytes =
          payload->is_string() ? decode_base64(payload->get_ref<const std::string&>()) : std::nullopt;
      if (!bytes) {
        m_c.doc.fail(at(where, "payload"), "a base64 payload must be a base64 string");
      }
      msg.parsed = sparkplug_payload(*bytes, at(where, "payload"));
    } else if (encoding == "base64" || encoding == "hex" || encoding == "binary") {
      return std::nullopt; // other binary payloads map to nothing
    } else {
      m_c.doc.fail(at(where, "payload_encoding"), "unsupported payload_encoding '" + encoding +
                                                      "' (expected utf8, json or sparkplug-b-json-representation)");
    }
    msg.profile = profile_of(msg.levels);
    return msg;
  }

  std::optional<Message> received_message(const io::MqttMessage& r) {
    if (r.payload.empty()) {
      return std::nullopt; // an empty retained message clears the topic
    }
    Message msg;
    msg.topic = r.topic;
    msg.levels = topic_levels(r.topic);
    msg.where = {"topic '" + r.topic + "'"};
    msg.received = r.received;
    msg.profile = profile_of(msg.levels);
    Path pwhere = at(msg.where, "payload");
    if (msg.profile == "sparkplug" && is_sparkplug_protobuf(msg.levels)) {
      msg.parsed = sparkplug_payload(r.payload, pwhere);
      return msg;
    }
    if (!util::is_utf8(r.payload)) {
      m_c.doc.fail(msg.where, "the payload is not UTF-8 text");
    }
    if (msg.profile == "sparkplug" && r.payload.size() < 16) {
      std::string t = util::trim(r.payload);
      if (t == "ONLINE" || t == "OFFLINE") {
        msg.parsed = json{{"online", t == "ONLINE"}}; // Sparkplug 2.2 STATE
        return msg;
      }
    }
    size_t first = r.payload.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (r.payload[first] == '{' || r.payload[first] == '[')) {
      if (too_deep_at(r.payload, k_max_depth) != std::string_view::npos) {
        m_c.doc.fail(msg.where,
                     "malformed JSON payload: nested deeper than " + std::to_string(k_max_depth) + " levels");
      }
      json parsed = json::parse(r.payload, nullptr, false);
      if (parsed.is_discarded()) {
        m_c.doc.fail(msg.where, "malformed JSON payload");
      }
      msg.parsed = std::move(parsed);
      return msg;
    }
    msg.is_text = true;
    msg.text = r.payload;
    return msg;
  }

  // A broker sends retained messages in its own order, not as they were
  // published: Sparkplug messages with a payload timestamp (births, data,
  // DDEATH) are applied in timestamp order, in the slots they arrived in.
  static void order_sparkplug(std::vector<Message>& list) {
    std::vector<size_t> slots;
    std::vector<std::pair<uint64_t, size_t>> keyed;
    for (size_t i = 0; i < list.size(); ++i) {
      const Message& m = list[i];
      if (m.profile == "sparkplug" && m.parsed && m.parsed->is_object()) {
        if (auto ts = m.parsed->find("timestamp"); ts != m.parsed->end() && ts->is_number_unsigned()) {
          slots.push_back(i);
          keyed.emplace_back(ts->get<uint64_t>(), i);
        }
      }
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Message> sorted;
    sorted.reserve(keyed.size());
    for (const auto& k : keyed) {
      sorted.push_back(std::move(list[k.second]));
    }
    for (size_t j = 0; j < slots.size(); ++j) {
      list[slots[j]] = std::move(sorted[j]);
    }
  }

  // Sparkplug topics whose payloads are protobuf: all but spBv1.0/STATE/<host> (JSON).
  static bool is_sparkplug_protobuf(const std::vector<std::string>& l) {
    size_t base = l.size() > 2 && l[0] == "$sparkplug" ? 2 : 0;
    return l.size() > base + 1 && l[base] == "spBv1.0" && l[base + 1] != "STATE";
  }

  json sparkplug_payload(std::string_view bytes, const Path& where) const {
    try {
      return decode_sparkplug(bytes);
    } catch (const Error& e) {
      m_c.doc.fail(where, e.what());
    }
  }

  std::string profile_of(const std::vector<std::string>& l) const {
    if (l.size() >= 2 && l[0] == "homeassistant" && l.back() == "config") {
      return "homeassistant";
    }
    if (!m_forced.empty() && m_forced != "mqtt-capture") {
      return m_forced;
    }
    if ((!l.empty() && l[0] == "spBv1.0") || (l.size() > 2 && l[0] == "$sparkplug" && l[2] == "spBv1.0")) {
      return "sparkplug";
    }
    if (l.size() >= 4 && l[0] == "$aws" && l[1] == "things") {
      return "aws-shadow";
    }
    if (l.size() >= 3 && l[0] == "homie") {
      return "homie";
    }
    if (l.size() >= 3 && (l[0] == "tele" || l[0] == "stat" || l[0] == "cmnd")) {
      return "tasmota";
    }
    if ((l.size() == 2 && l[1] == "online") || (l.size() == 3 && l[1] == "status")) {
      return "shelly";
    }
    return "plain-json";
  }

  const Mapping& mapping(const std::string& profile) {
    auto it = m_mappings.find(profile);
    if (it == m_mappings.end()) {
      // A Source's mapping is for its own profile; in a mixed capture, for plain JSON.
      bool overrides = m_forced.empty() || m_forced == "mqtt-capture" ? profile == "plain-json" : profile == m_forced;
      it = m_mappings.emplace(profile, mapping_for(m_c, profile, overrides)).first;
    }
    return it->second;
  }

  Device& device(const std::string& asset, const std::string& ref, const std::string& profile) {
    std::string key = asset.empty() ? "r\x1f" + ref : "a\x1f" + asset;
    auto [it, inserted] = m_devices.try_emplace(key);
    Device& d = it->second;
    if (inserted) {
      d.obs.asset = asset;
      d.obs.source = m_c.name;
      std::string binding = asset.empty() ? std::string() : m_c.matcher.mqtt_binding(asset);
      d.obs.ref = binding.empty() ? ref : binding;
      d.profile = profile;
    }
    if (d.profile != profile) {
      d.profile = "mixed";
    }
    m_profiles.insert(profile);
    return d;
  }

  // Asset and ref of a non-Sparkplug topic; `own_ref` is the profile's device identity.
  std::pair<std::string, std::string> identify(const Message& msg, const std::string& own_ref) const {
    TopicMatch tm = m_c.matcher.match_topic(msg.topic, m_filters);
    if (tm.asset.empty()) {
      if (auto h = m_ha.find(msg.topic); h != m_ha.end()) {
        for (const std::string& id : h->second.identifiers) {
          if (m_c.matcher.is_asset(id)) {
            return {id, tm.ref.empty() ? msg.topic : tm.ref};
          }
        }
        if (tm.ref.empty() && !h->second.identifiers.empty() && own_ref.empty()) {
          return {"", h->second.identifiers.front()};
        }
      }
    }
    if (!tm.asset.empty() || !tm.ref.empty()) {
      return {tm.asset, tm.ref};
    }
    return {"", own_ref.empty() ? msg.topic : own_ref};
  }

  void discovery(const Message& msg) {
    if (msg.is_text || !msg.body().is_object()) {
      return;
    }
    const json& p = msg.body();
    auto str = [&](std::initializer_list<const char*> keys) -> std::string {
      for (const char* k : keys) {
        if (auto it = p.find(k); it != p.end() && it->is_string()) {
          return it->get<std::string>();
        }
      }
      return "";
    };
    std::string base = str({"~"});
    auto expand = [&](std::string t) {
      if (!base.empty() && !t.empty() && t.front() == '~') {
        t = base + t.substr(1);
      } else if (!base.empty() && !t.empty() && t.back() == '~') {
        t = t.substr(0, t.size() - 1) + base;
      }
      return t;
    };
    std::vector<std::string> ids;
    for (const char* dev_key : {"device", "dev"}) {
      auto dev = p.find(dev_key);
      if (dev == p.end() || !dev->is_object()) {
        continue;
      }
      for (const char* id_key : {"identifiers", "ids"}) {
        auto v = dev->find(id_key);
        if (v != dev->end() && v->is_string()) {
          ids.push_back(v->get<std::string>());
        } else if (v != dev->end() && v->is_array()) {
          for (const json& x : *v) {
            if (x.is_string()) {
              ids.push_back(x.get<std::string>());
            }
          }
        }
      }
    }
    std::string state = expand(str({"state_topic", "stat_t"}));
    if (!state.empty()) {
      HaTopic& h = m_ha[state];
      h.identifiers = ids;
      std::string tpl = str({"value_template", "val_tpl"});
      std::string unit = str({"unit_of_measurement", "unit_of_meas"});
      size_t pos = tpl.find("value_json.");
      if (!unit.empty() && pos != std::string::npos) {
        size_t start = pos + 11, end = start;
        while (end < tpl.size() && (std::isalnum(static_cast<unsigned char>(tpl[end])) || tpl[end] == '_')) {
          ++end;
        }
        h.units[tpl.substr(start, end - start)] = unit;
      } else if (!unit.empty()) {
        h.units[""] = unit; // the whole payload is the value
      }
    }
    std::string avail = expand(str({"availability_topic", "avty_t"}));
    if (!avail.empty()) {
      HaTopic& h = m_ha[avail];
      h.identifiers = ids;
      h.availability = true;
      if (std::string on = str({"payload_available", "pl_avail"}); !on.empty()) {
        h.available = on;
      }
      if (std::string off = str({"payload_not_available", "pl_not_avail"}); !off.empty()) {
        h.not_available = off;
      }
    }
  }

  void dispatch(const Message& msg) {
    const std::string& p = msg.profile;
    if (p == "homeassistant") {
      return;
    }
    if (p == "sparkplug") {
      sparkplug(msg);
    } else if (p == "aws-shadow") {
      aws_shadow(msg);
    } else if (p == "homie") {
      homie(msg);
    } else if (p == "tasmota") {
      tasmota(msg);
    } else if (p == "shelly") {
      shelly(msg);
    } else {
      plain_json(msg);
    }
  }

  static std::string last_level_lower(const Message& msg) {
    return msg.levels.empty() ? std::string() : util::to_lower(msg.levels.back());
  }

  void plain_json(const Message& msg) {
    auto [asset, ref] = identify(msg, "");
    Device& d = device(asset, ref, "plain-json");
    latest(d.time, msg.received);
    const HaTopic* ha = nullptr;
    if (auto h = m_ha.find(msg.topic); h != m_ha.end()) {
      ha = &h->second;
    }
    json scalar;
    const json* body = nullptr;
    if (msg.is_text) {
      scalar = msg.text;
      body = &scalar;
    } else {
      body = &msg.body();
    }
    if (!body->is_object()) {
      // One value per topic: availability, else {"<last level>": value}.
      static const std::set<std::string, std::less<>> k_availability = {"availability", "online",     "lwt",
                                                                        "connected",    "connection", "connectivity"};
      if (ha && ha->availability && body->is_string()) {
        const std::string& s = body->get_ref<const std::string&>();
        if (s == ha->available || s == ha->not_available) {
          d.obs.online = s == ha->available;
        }
        return;
      }
      std::string last = last_level_lower(msg);
      if (k_availability.count(last)) {
        if (auto on = online_of(*body)) {
          d.obs.online = on;
        }
        return;
      }
      json wrapped = {{msg.levels.empty() ? std::string() : msg.levels.back(), *body}};
      Applied a = apply_mapping(wrapped, mapping("plain-json"), d.obs);
      latest(d.time, a.time);
      std::string key = msg.levels.empty() ? std::string() : msg.levels.back();
      if (a.used.empty()) {
        std::optional<double> v = number_of(*body);
        if (!v && body->is_string()) {
          v = util::parse_number(util::trim(body->get_ref<const std::string&>()));
        }
        if (v) {
          model::Metric m;
          m.value = *v;
          m.ts = format_time(msg.received);
          if (ha && ha->units.count("")) {
            m.unit = ha->units.at("");
          }
          d.obs.metrics[key] = std::move(m);
        }
      }
      return;
    }
    Applied a = apply_mapping(*body, mapping("plain-json"), d.obs);
    latest(d.time, a.time);
    std::string ts = format_time(a.time ? a.time : msg.received); // once per message, not per metric
    MetricRules r;
    r.used = &a.used;
    r.ts = [&ts](const std::string&) { return ts; };
    r.unit = [ha](const std::string& name, const json&, const std::string&) {
      if (ha) {
        if (auto u = ha->units.find(name); u != ha->units.end()) {
          return u->second;
        }
      }
      return std::string();
    };
    add_metrics(*body, "", "", "", r, d.obs);
  }

  void tasmota(const Message& msg) {
    // tele|stat|cmnd/<topic>/<command>; commands are not state.
    if (msg.levels.size() < 3 || msg.levels[0] == "cmnd") {
      return;
    }
    auto [asset, ref] = identify(msg, msg.levels[1]);
    Device& d = device(asset, ref, "tasmota");
    latest(d.time, msg.received);
    const std::string& cmd = msg.levels[2];
    if (msg.is_text) {
      if (cmd == "LWT") {
        if (auto on = online_of(json(msg.text))) {
          d.obs.online = on;
        }
      }
      return;
    }
    const json& body = msg.body();
    if (!body.is_object()) {
      return;
    }
    Applied a = apply_mapping(body, mapping("tasmota"), d.obs);
    latest(d.time, a.time);
    if (cmd == "SENSOR") {
      std::optional<int64_t> t = a.time ? a.time : msg.received;
      MetricRules r;
      r.used = &a.used;
      r.ts = [t](const std::string&) { return format_time(t); };
      r.unit = [&body](const std::string&, const json&, const std::string& key) { return tasmota_unit(key, body); };
      add_metrics(body, "", "", "", r, d.obs);
    }
  }

  void shelly(const Message& msg) {
    if (msg.levels.size() < 2) {
      return;
    }
    auto [asset, ref] = identify(msg, msg.levels[0]);
    Device& d = device(asset, ref, "shelly");
    latest(d.time, msg.received);
    if (msg.levels.size() == 2) {
      if (auto on = online_of(msg.is_text ? json(msg.text) : msg.body())) {
        d.obs.online = on;
      }
      return;
    }
    if (msg.levels.size() != 3 || msg.is_text || !msg.body().is_object()) {
      return;
    }
    const json& body = msg.body();
    Applied a = apply_mapping(body, mapping("shelly"), d.obs);
    latest(d.time, a.time);
    MetricRules r;
    r.used = &a.used;
    r.skip = [](std::string_view key) { return key == "id"; };
    std::optional<int64_t> t = msg.received;
    r.ts = [t](const std::string&) { return format_time(t); };
    r.unit = [](const std::string&, const json&, const std::string& key) { return shelly_unit(key); };
    add_metrics(body, "", "", msg.levels[2] + "/", r, d.obs);
  }

  void homie(const Message& msg) {
    // homie/5/<device>/... (Homie 5); homie/<device>/... (Homie 3 and 4).
    if (msg.levels.size() < 3) {
      return;
    }
    size_t dev = msg.levels[1] == "5" ? 2 : 1;
    if (msg.levels.size() <= dev + 1) {
      return;
    }
    auto [asset, ref] = identify(msg, msg.levels[dev]);
    Device& d = device(asset, ref, "homie");
    latest(d.time, msg.received);
    std::vector<std::string> rest(msg.levels.begin() + static_cast<std::ptrdiff_t>(dev) + 1, msg.levels.end());
    json value = msg.is_text ? json(msg.text) : msg.body();
    if (rest.size() == 1 && rest[0] == "$state" && value.is_string()) {
      const std::string& s = value.get_ref<const std::string&>();
      if (s == "ready") {
        d.obs.online = true;
      } else if (s == "lost" || s == "disconnected") {
        d.obs.online = false;
      }
    }
    if (!rest[0].empty() && rest[0][0] != '$' && value.is_string()) {
      if (auto v = util::parse_number(util::trim(value.get_ref<const std::string&>()))) {
        model::Metric m;
        m.value = *v;
        m.ts = format_time(msg.received);
        d.obs.metrics[util::join(rest, "/")] = std::move(m);
      }
    }
    set_path(d.attrs, rest, std::move(value));
    d.attrs_profile = "homie";
  }

  void aws_shadow(const Message& msg) {
    // $aws/things/<thing>/shadow[/name/<shadow>]/get/accepted | update/documents
    if (msg.levels.size() < 5 || msg.levels[0] != "$aws" || msg.is_text) {
      return;
    }
    std::string tail = msg.levels[msg.levels.size() - 2] + "/" + msg.levels.back();
    const json* doc = nullptr;
    Path where = at(msg.where, "payload");
    if (tail == "get/accepted") {
      doc = &msg.body();
    } else if (tail == "update/documents" && msg.body().is_object() && msg.body().contains("current")) {
      doc = &msg.body()["current"];
      where = at(where, "current");
    } else {
      return;
    }
    const std::string& thing = msg.levels[2];
    model::Observation o = read_shadow(m_c, mapping("aws-shadow"), *doc, where, thing);
    Device& d = device(o.asset, thing, "aws-shadow");
    std::optional<int64_t> t = util::parse_timestamp(o.observed_at);
    latest(d.time, t);
    o.ref = d.obs.ref;
    d.obs = std::move(o);
  }

  void sparkplug(const Message& msg) {
    std::vector<std::string> l = msg.levels;
    if (l.size() > 2 && l[0] == "$sparkplug") {
      l.erase(l.begin(), l.begin() + 2); // retained birth certificates (Sparkplug 3.0)
    }
    if (l.size() < 3 || l[0] != "spBv1.0") {
      return;
    }
    Path pwhere = at(msg.where, "payload");
    if (msg.is_text || !msg.body().is_object()) {
      m_c.doc.fail(pwhere, "a Sparkplug payload must be an object");
    }
    const json& body = msg.body();
    if (l[1] == "STATE") {
      // spBv1.0/STATE/<host application>: {"online": bool, "timestamp": ms}
      std::string host = l[2];
      Device& d = device(m_c.matcher.match_sparkplug(host), host, "sparkplug");
      if (auto on = body.find("online"); on != body.end() && on->is_boolean()) {
        d.obs.online = on->get<bool>();
      }
      if (auto ts = body.find("timestamp"); ts != body.end()) {
        latest(d.time, time_of(*ts));
      }
      return;
    }
    if (l.size() < 4) {
      return;
    }
    const std::string& type = l[2];
    bool node_msg = type == "NBIRTH" || type == "NDATA" || type == "NDEATH";
    bool device_msg = type == "DBIRTH" || type == "DDATA" || type == "DDEATH";
    if ((!node_msg && !device_msg) || (node_msg && l.size() != 4) || (device_msg && l.size() != 5)) {
      return; // NCMD/DCMD are commands, not state
    }
    std::string node = l[1] + "/" + l[3];
    std::string ref = device_msg ? node + "/" + l[4] : node;
    std::string asset = m_c.matcher.match_sparkplug(ref);
    Device& d = device(asset, ref, "sparkplug");
    std::string key = asset.empty() ? "r\x1f" + ref : "a\x1f" + asset;
    m_node_devices[node].insert(key);
    std::optional<int64_t> ptime;
    if (auto ts = body.find("timestamp"); ts != body.end()) {
      ptime = time_of(*ts);
    }
    latest(d.time, ptime);
    bool birth = type == "NBIRTH" || type == "DBIRTH";
    bool death = type == "NDEATH" || type == "DDEATH";
    if (birth) {
      d.attrs = json::object(); // a birth certificate is the whole state
      d.obs.metrics.clear();
    }
    d.obs.online = !death;
    if (type == "NDEATH") {
      // A node's death is its devices' death too.
      for (const std::string& k : m_node_devices[node]) {
        m_devices[k].obs.online = false;
      }
    }
    const json* metrics = member(m_c.doc, body, pwhere, "metrics", Kind::array);
    if (!metrics) {
      return;
    }
    for (size_t i = 0; i < metrics->size(); ++i) {
      const json& m = (*metrics)[i];
      Path mw = at(at(pwhere, "metrics"), std::to_string(i));
      if (!m.is_object()) {
        m_c.doc.fail(mw, "a Sparkplug metric must be an object, not " + describe(m));
      }
      const json* name = member(m_c.doc, m, mw, "name", Kind::string);
      const json* alias = member(m_c.doc, m, mw, "alias", Kind::integer);
      std::string alias_key = alias ? node + "#" + std::to_string(alias->get<int64_t>()) : std::string();
      std::string metric_name;
      if (name) {
        metric_name = name->get<std::string>();
        if (alias && birth) {
          m_aliases[alias_key] = metric_name;
        }
      } else if (alias) {
        auto it = m_aliases.find(alias_key);
        if (it == m_aliases.end()) {
          continue; // an alias without a birth in the capture
        }
        metric_name = it->second;
      } else {
        continue;
      }
      auto value = m.find("value");
      if (value == m.end() || (m.contains("is_null") && m["is_null"] == true)) {
        continue;
      }
      std::optional<int64_t> mtime = ptime;
      if (auto ts = m.find("timestamp"); ts != m.end()) {
        mtime = time_of(*ts);
      }
      latest(d.time, mtime);
      set_path(d.attrs, util::split(metric_name, '/'), *value);
      d.attrs_profile = "sparkplug";
      bool internal = metric_name == "bdSeq" || metric_name.rfind("Properties/", 0) == 0 ||
                      metric_name.rfind("Node Control/", 0) == 0 || metric_name.rfind("Device Control/", 0) == 0;
      if (auto v = number_of(*value); v && !internal) {
        model::Metric metric;
        metric.value = *v;
        metric.ts = format_time(mtime);
        if (const json* props = resolve(m, "/properties/engUnit/value"); props && props->is_string()) {
          metric.unit = props->get<std::string>();
        }
        d.obs.metrics[metric_name] = std::move(metric);
      }
    }
  }

  std::string finish() {
    for (auto& [key, d] : m_devices) {
      if (!d.attrs.empty()) {
        Applied a = apply_mapping(d.attrs, mapping(d.attrs_profile), d.obs);
        latest(d.time, a.time);
      }
      if (d.attrs_profile == "homie") {
        homie_units(d);
      }
      d.obs.observed_at = format_time(d.time);
      m_c.observations.push_back(std::move(d.obs));
    }
    if (!m_forced.empty()) {
      return m_forced;
    }
    return m_profiles.size() == 1 ? *m_profiles.begin() : "mqtt-capture";
  }

  // Homie 5 $description: nodes.<node>.properties.<property>.unit
  static void homie_units(Device& d) {
    const json* desc = resolve(d.attrs, "/$description");
    if (!desc || !desc->is_object()) {
      return;
    }
    for (auto& [name, m] : d.obs.metrics) {
      std::vector<std::string> parts = util::split(name, '/');
      if (parts.size() != 2) {
        continue;
      }
      std::string ptr = "/nodes/" + escape_token(parts[0]) + "/properties/" + escape_token(parts[1]) + "/unit";
      if (const json* unit = resolve(*desc, ptr); unit && unit->is_string()) {
        m.unit = unit->get<std::string>();
      }
    }
  }

  Ctx& m_c;
  std::string m_forced;
  std::vector<std::string> m_filters;
  std::map<std::string, Mapping> m_mappings;
  std::map<std::string, Device> m_devices; // "a<US>asset" | "r<US>ref": matched first, each sorted
  std::set<std::string> m_profiles;
  std::unordered_map<std::string, HaTopic> m_ha;
  std::map<std::string, std::string> m_aliases;                // "group/node#alias" -> metric name
  std::map<std::string, std::set<std::string>> m_node_devices; // "group/node" -> device keys
  std::vector<Message> m_received;                             // messages from a broker
};

// ---------------------------------------------------------------------------
// twinctl-live/v1
// ---------------------------------------------------------------------------
std::string timestamp_value(const Doc& d, const json& v, const Path& where) {
  std::optional<int64_t> t = v.is_string() ? util::parse_timestamp(v.get_ref<const std::string&>()) : std::nullopt;
  if (!t) {
    d.fail(where, "not an RFC 3339 timestamp: " + v.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return util::format_timestamp(*t);
}

std::map<std::string, std::string> read_v1_fields(const Doc& d, const json& obj, const Path& where) {
  std::map<std::string, std::string> out;
  for (const auto& item : obj.items()) {
    if (!k_field_names.count(item.key())) {
      d.fail(at(where, item.key()),
             "unknown field '" + item.key() + "' (expected status, ip, firmware, config_checksum or zone)");
    }
    if (!item.value().is_string()) {
      d.fail(at(where, item.key()), "field '" + item.key() + "' must be a string, not " + describe(item.value()));
    }
    out[item.key()] = item.value().get<std::string>();
  }
  return out;
}

model::LiveSnapshot read_v1(const Doc& d) {
  const json& root = d.root();
  const Path top;
  check_keys(d, root, top, {"format", "taken_at", "sources", "observations", "unmatched"});
  model::LiveSnapshot snap;
  snap.taken_at = timestamp_value(d, *member(d, root, top, "taken_at", Kind::string, k_required), {"taken_at"});

  const json* sources = member(d, root, top, "sources", Kind::array, k_required);
  for (size_t i = 0; i < sources->size(); ++i) {
    const json& s = (*sources)[i];
    Path w = {"sources", std::to_string(i)};
    if (!s.is_object()) {
      d.fail(w, "a source must be an object, not " + describe(s));
    }
    check_keys(d, s, w, {"name", "adapter", "ok", "items", "error", "endpoint"});
    model::LiveSource src;
    src.name = required_string(d, s, w, "name");
    src.adapter = required_string(d, s, w, "adapter");
    src.ok = member(d, s, w, "ok", Kind::boolean, k_required)->get<bool>();
    const json* items = member(d, s, w, "items", Kind::integer, k_required);
    if (items->is_number_integer() && !items->is_number_unsigned() && items->get<int64_t>() < 0) {
      d.fail(at(w, "items"), "'items' must not be negative");
    }
    src.items = static_cast<size_t>(items->get<uint64_t>());
    if (!s.contains("error")) {
      d.fail(w, "missing 'error'");
    }
    if (const json* e = member(d, s, w, "error", Kind::string, k_nullable)) {
      src.error = e->get<std::string>();
    }
    if (const json* e = member(d, s, w, "endpoint", Kind::string)) {
      src.endpoint = e->get<std::string>();
    }
    snap.sources.push_back(std::move(src));
  }

  const json* observations = member(d, root, top, "observations", Kind::array, k_required);
  for (size_t i = 0; i < observations->size(); ++i) {
    const json& o = (*observations)[i];
    Path w = {"observations", std::to_string(i)};
    if (!o.is_object()) {
      d.fail(w, "an observation must be an object, not " + describe(o));
    }
    check_keys(d, o, w, {"asset", "source", "ref", "observed_at", "online", "fields", "metrics"});
    for (const char* key : {"observed_at", "online"}) {
      if (!o.contains(key)) {
        d.fail(w, std::string("missing '") + key + "'");
      }
    }
    model::Observation ob;
    ob.asset = required_string(d, o, w, "asset");
    if (!util::is_valid_id(ob.asset)) {
      d.fail(at(w, "asset"), "'" + ob.asset + "' is not a valid asset id");
    }
    ob.source = required_string(d, o, w, "source");
    ob.ref = required_string(d, o, w, "ref");
    if (const json* t = member(d, o, w, "observed_at", Kind::string, k_nullable)) {
      ob.observed_at = timestamp_value(d, *t, at(w, "observed_at"));
    }
    if (const json* on = member(d, o, w, "online", Kind::boolean, k_nullable)) {
      ob.online = on->get<bool>();
    }
    ob.fields = read_v1_fields(d, *member(d, o, w, "fields", Kind::object, k_required), at(w, "fields"));
    const json* metrics = member(d, o, w, "metrics", Kind::object, k_required);
    for (const auto& item : metrics->items()) {
      Path mw = at(at(w, "metrics"), item.key());
      const json& m = item.value();
      if (!m.is_object()) {
        d.fail(mw, "a metric must be an object, not " + describe(m));
      }
      check_keys(d, m, mw, {"value", "unit", "ts"});
      const json* value = member(d, m, mw, "value", Kind::any, k_required);
      std::optional<double> v;
      if (value->is_boolean()) {
        v = value->get<bool>() ? 1.0 : 0.0;
      } else if (value->is_string()) {
        v = util::parse_number(value->get_ref<const std::string&>());
      } else if (value->is_number()) {
        v = number_of(*value);
      } else if (!value->is_null()) {
        d.fail(at(mw, "value"), "a metric value must be a number, string, boolean or null, not " + describe(*value));
      }
      if (!v) {
        continue; // null or text: the model holds numbers only
      }
      model::Metric metric;
      metric.value = *v;
      if (const json* u = member(d, m, mw, "unit", Kind::string)) {
        metric.unit = u->get<std::string>();
      }
      if (const json* ts = member(d, m, mw, "ts", Kind::string)) {
        metric.ts = timestamp_value(d, *ts, at(mw, "ts"));
      }
      ob.metrics[item.key()] = std::move(metric);
    }
    snap.observations.push_back(std::move(ob));
  }

  std::vector<model::Observation> unmatched_obs;
  if (const json* unmatched = member(d, root, top, "unmatched", Kind::array)) {
    for (size_t i = 0; i < unmatched->size(); ++i) {
      const json& u = (*unmatched)[i];
      Path w = {"unmatched", std::to_string(i)};
      if (!u.is_object()) {
        d.fail(w, "an unmatched device must be an object, not " + describe(u));
      }
      check_keys(d, u, w, {"source", "ref", "fields", "observed_at"});
      model::Observation ob;
      ob.source = required_string(d, u, w, "source");
      ob.ref = required_string(d, u, w, "ref");
      ob.fields = read_v1_fields(d, *member(d, u, w, "fields", Kind::object, k_required), at(w, "fields"));
      if (const json* t = member(d, u, w, "observed_at", Kind::string, k_nullable)) {
        ob.observed_at = timestamp_value(d, *t, at(w, "observed_at"));
      }
      unmatched_obs.push_back(std::move(ob));
    }
  }
  // Unmatched devices first, as write_snapshot orders them (by asset, empty first).
  std::move(snap.observations.begin(), snap.observations.end(), std::back_inserter(unmatched_obs));
  snap.observations = std::move(unmatched_obs);
  return snap;
}

// ---------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------
const char* const k_unknown_format =
    "unknown live-state format: expected twinctl-live/v1, a Ditto search page, AWS IoT shadow documents, an Azure IoT "
    "Hub twin query page or an MQTT capture";

// The adapter of a list of devices, from its first element.
std::string list_adapter(const json& list) {
  if (list.empty() || !list.front().is_object()) {
    return "";
  }
  const json& first = list.front();
  if (first.contains("thingId")) {
    return "ditto";
  }
  if (first.contains("deviceId")) {
    return "azure-twin";
  }
  if (first.contains("thingName")) {
    return "aws-shadow";
  }
  return "";
}

bool compatible(std::string_view source_adapter, std::string_view detected) {
  if (source_adapter.empty() || source_adapter == "file" || source_adapter == "generic" || source_adapter == detected) {
    return true;
  }
  return detected == "mqtt-capture" && k_mqtt_profiles.count(source_adapter);
}

std::string_view format_name(std::string_view adapter) {
  if (adapter == "ditto") {
    return "a Ditto search page";
  }
  if (adapter == "aws-shadow") {
    return "AWS IoT shadow documents";
  }
  if (adapter == "azure-twin") {
    return "an Azure IoT Hub twin query page";
  }
  return "an MQTT capture";
}

} // namespace

model::LiveSnapshot read_live_file(const std::string& path, const model::Twin& twin,
                                   const std::string& source_name_hint) {
  return read_live_file(path, twin, AssetMatcher(twin), source_name_hint);
}

model::LiveSnapshot read_live_file(const std::string& path, const model::Twin& twin, const AssetMatcher& matcher,
                                   const std::string& source_name_hint) {
  return read_live_text(path, io::read_file(path, k_max_bytes), twin, matcher, source_name_hint);
}

model::LiveSnapshot read_live_text(const std::string& path, std::string text, const model::Twin& twin,
                                   const AssetMatcher& matcher, const std::string& source_name_hint) {
  if (text.size() > k_max_bytes) {
    throw Error(path + ": larger than 1 GiB");
  }
  // A twinctl-live/v1 snapshot (what `snapshot` writes and CI feeds to drift)
  // takes the fast reader; anything it does not accept comes here with its error.
  if (text.substr(0, 4096).find("\"twinctl-live/v1\"") != std::string::npos) {
    text.reserve(text.size() + 64); // simdjson's padding
    if (std::optional<model::LiveSnapshot> snap = read_v1_fast(text)) {
      return std::move(*snap);
    }
  }
  Doc doc(path, std::move(text));
  doc.parse();
  const json& root = doc.root();

  // Step 1: a twinctl-live/v1 snapshot is read as written, its sources included.
  const json* format = root.is_object() ? member(doc, root, {}, "format", Kind::string) : nullptr;
  if (format && format->get_ref<const std::string&>() == "twinctl-live/v1") {
    return read_v1(doc);
  }
  if (format && format->get_ref<const std::string&>().rfind("twinctl-mqtt-capture", 0) != 0) {
    doc.fail({"format"}, "unknown format '" + format->get<std::string>() +
                             "' (expected twinctl-live/v1 or twinctl-mqtt-capture/...)");
  }

  // Step 2: detect the external shape from its keys.
  std::string adapter;
  const json* list = nullptr;
  Path list_where;
  if (root.is_array()) {
    list = &root;
    adapter = list_adapter(root);
  } else if (!root.is_object()) {
    doc.fail({}, k_unknown_format);
  } else if (format || root.contains("messages")) {
    adapter = "mqtt-capture";
  } else if (root.contains("items") || root.contains("value") || root.contains("things")) {
    const char* key = root.contains("items") ? "items" : root.contains("value") ? "value" : "things";
    list = member(doc, root, {}, key, Kind::array);
    list_where = {key};
    adapter = std::string(key) == "things" ? "aws-shadow" : list_adapter(*list);
    if (adapter.empty() && list->empty()) {
      adapter = std::string(key) == "value" ? "azure-twin" : "ditto";
    }
  } else if (root.contains("thingId")) {
    adapter = "ditto";
  } else if (root.contains("deviceId")) {
    adapter = "azure-twin";
  } else if (root.contains("state") || root.contains("thingName")) {
    adapter = "aws-shadow";
  } else if (root.contains("submodelElements") || root.contains("assetAdministrationShells")) {
    doc.fail({}, "an Asset Administration Shell document is not live state; " + std::string(k_unknown_format));
  } else {
    doc.fail({}, k_unknown_format);
  }

  std::string stem = std::filesystem::path(path).stem().string();
  Ctx c{doc,
        matcher,
        source_name_hint.empty() ? nullptr : twin.find_source(source_name_hint),
        source_name_hint.empty() ? stem : source_name_hint,
        stem,
        {}};
  if (list && adapter.empty() && !list->empty()) {
    doc.fail(at(list_where, "0"), std::string("unknown device entry: expected a Ditto thing (thingId), an Azure "
                                              "twin (deviceId) or an AWS shadow (thingName)"));
  }
  if (adapter.empty()) {
    adapter = c.source && !c.source->adapter.empty() ? c.source->adapter : "file"; // an empty list
  }
  if (c.source && !compatible(c.source->adapter, adapter)) {
    doc.fail({}, "source '" + c.source->id + "' has adapter '" + c.source->adapter + "', but this file is " +
                     std::string(format_name(adapter)));
  }

  // Step 3: map each device to an observation.
  if (adapter == "mqtt-capture") {
    std::string forced = c.source && k_mqtt_profiles.count(c.source->adapter) ? c.source->adapter : "";
    adapter = CaptureReader(c, forced).read(root);
  } else if (adapter != "file") {
    Mapping m = mapping_for(c, adapter, true);
    if (list) {
      for (size_t i = 0; i < list->size(); ++i) {
        Path w = at(list_where, std::to_string(i));
        if (adapter == "ditto") {
          read_ditto_thing(c, m, (*list)[i], w);
        } else if (adapter == "azure-twin") {
          read_azure_twin(c, m, (*list)[i], w);
        } else {
          read_shadow_envelope(c, m, (*list)[i], w);
        }
      }
    } else if (adapter == "ditto") {
      read_ditto_thing(c, m, root, {});
    } else if (adapter == "azure-twin") {
      read_azure_twin(c, m, root, {});
    } else if (root.contains("thingName")) {
      read_shadow_envelope(c, m, root, {});
    } else {
      // A bare get/accepted document names no thing: the file is named after it.
      c.observations.push_back(read_shadow(c, m, root, {}, c.stem));
    }
  }

  model::LiveSnapshot snap;
  model::LiveSource src;
  src.name = c.name;
  src.adapter = adapter;
  src.endpoint = path;
  src.ok = true;
  src.items = c.observations.size();
  snap.sources.push_back(std::move(src));
  snap.observations = std::move(c.observations);
  return snap;
}

} // namespace twinctl::live

// ---------------------------------------------------------------------------
// HTTP pages (lib/live/http.cpp)
// ---------------------------------------------------------------------------
namespace twinctl::live {

namespace {

// A generic item: identity at format.id (matched by asset id), fields through
// the mapping, metrics from the numeric leaves at format.metrics.
void read_generic_item(Ctx& c, const Mapping& m, const PageFormat& format, const json& item, const Path& where) {
  if (!item.is_object()) {
    c.doc.fail(where, "an item must be an object, not " + describe(item));
  }
  const json* id = resolve(item, format.id);
  std::optional<std::string> ref = id ? scalar_text(*id) : std::nullopt;
  if (!ref || ref->empty()) {
    c.doc.fail(where, "item without an identity at '" + format.id + "' (set the source's option 'id')");
  }
  model::Observation o;
  o.source = c.name;
  o.ref = *ref;
  o.asset = c.matcher.is_asset(o.ref) ? o.ref : std::string();
  Applied a = apply_mapping(item, m, o);
  o.observed_at = format_time(a.time);
  if (const json* metrics = format.metrics.empty() ? nullptr : resolve(item, format.metrics);
      metrics && metrics->is_object()) {
    MetricRules r;
    r.used = &a.used;
    add_metrics(*metrics, format.metrics, "", "", r, o);
  }
  c.observations.push_back(std::move(o));
}

} // namespace

Page read_live_page(const std::string& where, std::string text, const model::Twin& twin, const AssetMatcher& matcher,
                    const std::string& source_name, const PageFormat& format) {
  Doc doc(where, std::move(text));
  doc.parse();
  const json& root = doc.root();
  Ctx c{doc, matcher, twin.find_source(source_name), source_name, source_name, {}};
  std::string items = format.items.empty() && !root.is_array() ? "/items" : format.items;
  const json* list = items.empty() ? &root : resolve(root, items);
  if (!list || !list->is_array()) {
    doc.fail({}, (format.adapter == "ditto" ? "not a Ditto search page: " : "") +
                     std::string(list ? "'" + items + "' is " + describe(*list) + ", not a list"
                                      : "no list of items at '" + items + "'"));
  }
  Path list_where = util::split(items.empty() ? "" : items.substr(1), '/');
  if (items.empty()) {
    list_where.clear();
  }
  Mapping m = mapping_for(c, format.adapter == "ditto" ? "ditto" : "plain-json", true);
  for (size_t i = 0; i < list->size(); ++i) {
    if (format.adapter == "ditto") {
      read_ditto_thing(c, m, (*list)[i], at(list_where, std::to_string(i)));
    } else {
      read_generic_item(c, m, format, (*list)[i], at(list_where, std::to_string(i)));
    }
  }
  Page page;
  page.observations = std::move(c.observations);
  if (const json* cursor = format.cursor.empty() ? nullptr : resolve(root, format.cursor)) {
    page.cursor = scalar_text(*cursor).value_or("");
  }
  return page;
}

} // namespace twinctl::live

namespace twinctl::live {

struct MqttDecoder::Impl {
  Doc doc = Doc::in_memory();
  Ctx c;
  CaptureReader reader;
  model::LiveSource src;

  Impl(const MqttCollection& in, const model::Twin& twin, const AssetMatcher& matcher)
      : c{doc, matcher, twin.find_source(in.source_name), in.source_name, in.source_name, {}},
        reader(c, in.profile, in.filters) {
    // A bad Source mapping is the user's configuration error (exit 2), not a failed read: check it first.
    mapping_for(c, in.profile.empty() ? "plain-json" : in.profile, true);
    src.name = in.source_name;
    src.endpoint = in.endpoint;
    src.adapter = in.profile.empty() ? "mqtt" : in.profile;
  }
};

MqttDecoder::MqttDecoder(const MqttCollection& settings, const model::Twin& twin, const AssetMatcher& matcher)
    : m_impl(std::make_unique<Impl>(settings, twin, matcher)) {}

MqttDecoder::~MqttDecoder() = default;

void MqttDecoder::add(const io::MqttMessage& message) {
  if (!m_impl->src.ok) {
    return;
  }
  try {
    m_impl->reader.add_received(message);
  } catch (const Error& e) {
    m_impl->src.ok = false; // fail closed: one malformed payload fails the source, naming its topic
    m_impl->src.error = e.what();
  }
}

model::LiveSnapshot MqttDecoder::finish() {
  model::LiveSnapshot snap;
  model::LiveSource& src = m_impl->src;
  if (src.ok) {
    try {
      std::string adapter = m_impl->reader.finish_received();
      src.adapter = adapter == "mqtt-capture" ? "mqtt" : adapter;
      src.items = m_impl->c.observations.size();
      snap.observations = std::move(m_impl->c.observations);
    } catch (const Error& e) {
      src.ok = false;
      src.error = e.what();
    }
  }
  snap.sources.push_back(src);
  return snap;
}

model::LiveSnapshot read_mqtt_messages(const MqttCollection& in, const model::Twin& twin, const AssetMatcher& matcher) {
  MqttDecoder decoder(in, twin, matcher);
  for (const io::MqttMessage& m : in.messages) {
    decoder.add(m);
  }
  return decoder.finish();
}

} // namespace twinctl::live
