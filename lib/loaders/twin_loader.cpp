#include "lib/loaders/twin_loader.hpp"

#include "lib/loaders/yaml.hpp"
#include "lib/model/detectors.hpp"
#include "lib/model/rules.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <atomic>
#include <set>
#include <span>
#include <thread>
#include <new>
#include <unordered_set>

namespace twinctl::loaders {

using model::Diagnostic;
using model::SourceLocation;

namespace {

const std::vector<std::string> k_classes = {"machine", "plc",     "hmi",    "drive", "sensor",
                                            "gateway", "network", "server", "power", "utility"};
const std::vector<std::string> k_criticalities = {"low", "medium", "high", "safety"};
const std::vector<std::string> k_statuses = {"running", "idle",  "stopped",       "maintenance",
                                             "offline", "fault", "decommissioned"};
const std::vector<std::string> k_relationship_types = {"FEEDS_DATA", "POWERS", "CONNECTS_TO"};
const std::vector<std::string> k_space_types = {"site", "building", "area", "line", "cell"};
const std::vector<std::string> k_adapters = {"ditto",      "generic",    "plain-json", "sparkplug", "aws-shadow",
                                             "azure-twin", "tasmota",    "homie",      "file"};
const std::vector<std::string> k_severities = {"critical", "high", "medium", "low", "info"};
const std::vector<double> k_purdue_levels = {0, 1, 2, 3, 3.5, 4, 5};

// Everything one file produces; merged in path order afterwards.
struct FileResult {
  std::vector<model::Asset> assets;
  std::vector<model::Space> spaces;
  std::vector<model::Team> teams;
  std::vector<model::Source> sources;
  std::vector<model::ZonePolicy> zone_policies;
  std::vector<model::DriftPolicy> drift_policies;
  std::vector<model::DetectorPolicy> detector_policies;
  std::vector<model::IgnoreList> ignore_lists;
  std::vector<model::Twin> twins; // only header fields set
  std::vector<Diagnostic> errors;
};

// Conversion context of one file.
struct Ctx {
  model::FilePath path; // interned once per file: every location shares it
  std::vector<Diagnostic>& errors;

  SourceLocation loc(const YamlNode& n) const { return {path, n.line, n.column}; }
  void error(const YamlNode& n, std::string msg) const { errors.push_back({loc(n), std::move(msg)}); }
};

std::string quoted_list(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    s += (i ? ", " : "") + v[i];
  }
  return s;
}

std::span<const std::string_view> as_span(const std::vector<std::string_view>& v) { return {v.data(), v.size()}; }

// Reads one YAML mapping against a fixed set of keys. Unknown and duplicate
// keys are reported once, when the reader is built.
class MapReader {
public:
  MapReader(const Ctx& ctx, const YamlNode& node, std::string what, const std::vector<std::string>& allowed)
      : MapReader(ctx, node, std::move(what), as_span(std::vector<std::string_view>(allowed.begin(), allowed.end()))) {}
  // The keys as a list of literals: no strings are built unless a key is wrong.
  MapReader(const Ctx& ctx, const YamlNode& node, std::string what, std::initializer_list<std::string_view> allowed)
      : MapReader(ctx, node, std::move(what), std::span<const std::string_view>(allowed.begin(), allowed.size())) {}
  MapReader(const Ctx& ctx, const YamlNode& node, std::string what, std::span<const std::string_view> allowed)
      : m_ctx(ctx), m_node(node), m_what(std::move(what)) {
    if (!node.is_map()) {
      if (!node.is_null()) {
        ctx.error(node, m_what + " must be a mapping, not " + node.kind_name());
      } else {
        ctx.error(node, m_what + " must be a mapping, but it is empty");
      }
      m_ok = false;
      return;
    }
    // Duplicates: a linear scan for the few keys a twin mapping has (no
    // allocation), a hash set for a large (hostile) one.
    const size_t n = node.children.size();
    std::unordered_set<std::string_view> seen;
    auto duplicate = [&](size_t i) {
      const std::string& key = node.children[i].value;
      if (n > 64) {
        return !seen.insert(key).second;
      }
      for (size_t j = 0; j < i; j += 2) {
        if (node.children[j].is_scalar() && node.children[j].value == key) {
          return true;
        }
      }
      return false;
    };
    for (size_t i = 0; i + 1 < n; i += 2) {
      const YamlNode& k = node.children[i];
      if (!k.is_scalar()) {
        ctx.error(k, "keys of " + m_what + " must be plain strings");
        continue;
      }
      if (duplicate(i)) {
        ctx.error(k, "duplicate key '" + k.value + "' in " + m_what);
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        std::string hint = util::closest(k.value, names);
        ctx.error(k, "unknown key '" + k.value + "' in " + m_what +
                         (hint.empty() ? " (allowed: " + quoted_list(names) + ")"
                                       : " (did you mean '" + hint + "'?)"));
      }
    }
  }

  bool ok() const { return m_ok; }
  const YamlNode& node() const { return m_node; }

  // The key node, or nullptr.
  const YamlNode* key(std::string_view name) const {
    if (!m_ok) {
      return nullptr;
    }
    for (size_t i = 0; i + 1 < m_node.children.size(); i += 2) {
      if (m_node.children[i].is_scalar() && m_node.children[i].value == name) {
        return &m_node.children[i];
      }
    }
    return nullptr;
  }
  // The value node; nullptr when the key is absent or its value is null.
  const YamlNode* get(std::string_view name) const {
    const YamlNode* k = key(name);
    if (!k) {
      return nullptr;
    }
    const YamlNode* v = k + 1;
    return v->is_null() ? nullptr : v;
  }
  SourceLocation loc_of(std::string_view name) const {
    const YamlNode* k = key(name);
    return k ? m_ctx.loc(*k) : m_ctx.loc(m_node);
  }

  bool required(std::string_view name) const {
    if (get(name)) {
      return true;
    }
    if (m_ok) {
      m_ctx.error(m_node, m_what + " needs '" + std::string(name) + "'");
    }
    return false;
  }

  // A scalar as text. Returns false (with an error) when it is not a scalar.
  bool str(std::string_view name, std::string& out, bool req = false) const {
    const YamlNode* v = get(name);
    if (!v) {
      return req ? required(name) : true;
    }
    if (!v->is_scalar()) {
      m_ctx.error(*v, "'" + std::string(name) + "' must be a string, not " + v->kind_name());
      return false;
    }
    out = v->value;
    if (req && out.empty()) {
      m_ctx.error(*v, "'" + std::string(name) + "' must not be empty");
      return false;
    }
    return true;
  }

  bool id(std::string_view name, std::string& out, bool req = false) const {
    if (!str(name, out, req) || out.empty()) {
      return false;
    }
    if (!util::is_valid_id(out)) {
      m_ctx.error(*get(name), "'" + out + "' is not a valid id: use lower-case letters, digits, '.', '_' "
                                          "and '-', starting with a letter or digit");
      return false;
    }
    return true;
  }

  bool one_of(std::string_view name, std::string& out, const std::vector<std::string>& allowed,
              bool req = false) const {
    std::string v;
    if (!str(name, v, req) || v.empty()) {
      return false;
    }
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string hint = util::closest(v, allowed);
      m_ctx.error(*get(name), "'" + v + "' is not a valid " + std::string(name) + " (one of: " +
                                  quoted_list(allowed) + ")" +
                                  (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      return false;
    }
    out = v;
    return true;
  }

  bool number(std::string_view name, std::optional<double>& out, bool req = false) const {
    const YamlNode* v = get(name);
    if (!v) {
      return req ? required(name) : true;
    }
    std::optional<double> d = v->is_scalar() && v->plain ? util::parse_number(v->value) : std::nullopt;
    if (!d) {
      m_ctx.error(*v, "'" + std::string(name) + "' must be a number, not " +
                          (v->is_scalar() ? "'" + v->value + "'" : std::string(v->kind_name())));
      return false;
    }
    out = d;
    return true;
  }

  bool integer(std::string_view name, std::optional<int>& out, int min, int max) const {
    std::optional<double> d;
    if (!number(name, d) || !d) {
      return false;
    }
    if (*d != static_cast<double>(static_cast<long long>(*d)) || *d < min || *d > max) {
      m_ctx.error(*get(name), "'" + std::string(name) + "' must be a whole number from " + std::to_string(min) +
                                  " to " + std::to_string(max));
      return false;
    }
    out = static_cast<int>(*d);
    return true;
  }

  bool boolean(std::string_view name, bool& out) const {
    const YamlNode* v = get(name);
    if (!v) {
      return true;
    }
    if (v->is_scalar() && v->plain && (v->value == "true" || v->value == "false")) {
      out = v->value == "true";
      return true;
    }
    m_ctx.error(*v, "'" + std::string(name) + "' must be true or false");
    return false;
  }

  bool date(std::string_view name, std::string& out, bool req = false) const {
    if (!str(name, out, req) || out.empty()) {
      return false;
    }
    if (!util::parse_date(out)) {
      m_ctx.error(*get(name), "'" + out + "' is not a valid date (YYYY-MM-DD)");
      out.clear();
      return false;
    }
    return true;
  }

  bool duration(std::string_view name, std::optional<util::Duration>& out, bool req = false) const {
    std::string s;
    if (!str(name, s, req) || s.empty()) {
      return false;
    }
    out = util::parse_duration(s);
    if (!out) {
      m_ctx.error(*get(name), "'" + s + "' is not an ISO 8601 duration (for example P12M, P30D, PT15M)");
      return false;
    }
    return true;
  }

  bool purdue(std::string_view name, std::optional<double>& out) const {
    if (!number(name, out) || !out) {
      return false;
    }
    if (std::find(k_purdue_levels.begin(), k_purdue_levels.end(), *out) == k_purdue_levels.end()) {
      m_ctx.error(*get(name), "'" + get(name)->value + "' is not a Purdue level (0, 1, 2, 3, 3.5, 4, 5)");
      out.reset();
      return false;
    }
    return true;
  }

  bool string_list(std::string_view name, std::vector<std::string>& out) const {
    const YamlNode* v = get(name);
    if (!v) {
      return true;
    }
    if (!v->is_seq()) {
      m_ctx.error(*v, "'" + std::string(name) + "' must be a list, not " + v->kind_name());
      return false;
    }
    for (const YamlNode& item : v->children) {
      if (!item.is_scalar()) {
        m_ctx.error(item, "items of '" + std::string(name) + "' must be strings, not " + item.kind_name());
        return false;
      }
      out.push_back(item.value);
    }
    return true;
  }

  // A mapping of string to scalar.
  bool string_map(std::string_view name, std::map<std::string, std::string>& out) const {
    const YamlNode* v = get(name);
    if (!v) {
      return true;
    }
    if (!v->is_map()) {
      m_ctx.error(*v, "'" + std::string(name) + "' must be a mapping, not " + v->kind_name());
      return false;
    }
    for (size_t i = 0; i + 1 < v->children.size(); i += 2) {
      const YamlNode& k = v->children[i];
      const YamlNode& val = v->children[i + 1];
      if (!k.is_scalar() || !val.is_scalar()) {
        m_ctx.error(val.is_scalar() ? k : val,
                    "'" + std::string(name) + "' must map strings to strings");
        return false;
      }
      if (!out.emplace(k.value, val.value).second) {
        m_ctx.error(k, "duplicate key '" + k.value + "' in '" + std::string(name) + "'");
      }
    }
    return true;
  }

  // Items of a list-valued key; nullptr (with an error) when not a list.
  const std::vector<YamlNode>* list(std::string_view name) const {
    const YamlNode* v = get(name);
    if (!v) {
      return nullptr;
    }
    if (!v->is_seq()) {
      m_ctx.error(*v, "'" + std::string(name) + "' must be a list, not " + v->kind_name());
      return nullptr;
    }
    return &v->children;
  }

private:
  const Ctx& m_ctx;
  const YamlNode& m_node;
  std::string m_what;
  bool m_ok = true;
};

const std::vector<std::string> k_header = {"apiVersion", "kind"};

std::vector<std::string> with_header(std::vector<std::string> keys) {
  keys.insert(keys.begin(), k_header.begin(), k_header.end());
  return keys;
}

void read_expected(const Ctx& ctx, const YamlNode& node, model::Asset& a) {
  MapReader r(ctx, node, "expected", {"status", "ip", "firmware", "config_checksum"});
  if (!r.ok()) {
    return;
  }
  auto put = [&](const char* field, const std::string& value) {
    a.expected[field] = {value, r.loc_of(field)};
  };
  std::string v;
  if (r.one_of("status", v, k_statuses)) {
    put("status", v);
  }
  v.clear();
  if (r.str("ip", v) && !v.empty()) {
    if (util::canonical_ip(v)) {
      put("ip", v);
    } else {
      ctx.error(*r.get("ip"), "'" + v + "' is not a valid IPv4 or IPv6 address");
    }
  }
  v.clear();
  if (r.str("firmware", v) && r.get("firmware")) {
    if (v.find_first_not_of(" \t") == std::string::npos) {
      ctx.error(*r.get("firmware"), "firmware is empty: write the version the device reports, or leave the key out");
    } else {
      put("firmware", v); // any text: vendors write versions their own way (lib/util/firmware.hpp)
    }
  }
  v.clear();
  if (r.str("config_checksum", v) && !v.empty()) {
    if (util::canonical_checksum(v)) {
      put("config_checksum", v);
    } else {
      ctx.error(*r.get("config_checksum"),
                "'" + v + "' is not a checksum: use algo:hex with md5, sha1, sha256 or sha512 and the full hex");
    }
  }
}

void read_sensor(const Ctx& ctx, const YamlNode& node, model::Asset& a) {
  MapReader r(ctx, node, "sensor", {"id", "type", "unit", "range", "thresholds", "calibration", "interval"});
  if (!r.ok()) {
    return;
  }
  model::Sensor s;
  s.loc = r.loc_of("id");
  r.id("id", s.id, true);
  r.str("type", s.type, true);
  r.str("unit", s.unit);
  if (const YamlNode* range = r.get("range")) {
    MapReader rr(ctx, *range, "range", {"min", "max"});
    rr.number("min", s.range_min);
    rr.number("max", s.range_max);
    if (s.range_min && s.range_max && *s.range_min > *s.range_max) {
      ctx.error(*range, "range min is greater than max");
    }
  }
  if (const YamlNode* th = r.get("thresholds")) {
    MapReader tr(ctx, *th, "thresholds", {"high_alarm", "high_warn", "low_warn", "low_alarm", "hysteresis"});
    model::Thresholds& t = s.thresholds;
    tr.number("high_alarm", t.high_alarm);
    tr.number("high_warn", t.high_warn);
    tr.number("low_warn", t.low_warn);
    tr.number("low_alarm", t.low_alarm);
    std::optional<double> hyst;
    tr.number("hysteresis", hyst);
    if (hyst) {
      if (*hyst < 0) {
        ctx.error(*tr.get("hysteresis"), "hysteresis must not be negative");
      }
      t.hysteresis = *hyst;
    }
    // Thresholds must be ordered low_alarm <= low_warn <= high_warn <= high_alarm.
    std::vector<std::pair<const char*, std::optional<double>>> order = {
        {"low_alarm", t.low_alarm}, {"low_warn", t.low_warn}, {"high_warn", t.high_warn}, {"high_alarm", t.high_alarm}};
    std::optional<double> last;
    const char* last_name = nullptr;
    for (auto& [name, value] : order) {
      if (!value) {
        continue;
      }
      if (last && *value < *last) {
        ctx.error(*tr.get(name), std::string(name) + " (" + tr.get(name)->value + ") is below " + last_name +
                                     "; thresholds must be ordered low_alarm <= low_warn <= high_warn <= high_alarm");
      }
      last = value;
      last_name = name;
    }
  }
  if (const YamlNode* cal = r.get("calibration")) {
    MapReader cr(ctx, *cal, "calibration", {"certificate", "calibrated_on", "interval"});
    if (cr.ok()) {
      model::Calibration c;
      c.loc = ctx.loc(*cal);
      cr.str("certificate", c.certificate);
      cr.date("calibrated_on", c.calibrated_on, true);
      std::optional<util::Duration> interval;
      if (cr.duration("interval", interval, true) && interval) {
        c.interval = *interval;
      }
      s.calibration = c;
    }
  }
  std::optional<util::Duration> interval;
  if (r.duration("interval", interval) && interval) {
    s.interval = interval;
  }
  a.sensors.push_back(std::move(s));
}

void read_certificate(const Ctx& ctx, const YamlNode& node, std::vector<model::Certificate>& out) {
  MapReader r(ctx, node, "certificate", {"id", "kind", "issuer", "issued", "expires"});
  if (!r.ok()) {
    return;
  }
  model::Certificate c;
  c.loc = r.loc_of("id");
  r.str("id", c.id, true);
  r.str("kind", c.kind, true);
  r.str("issuer", c.issuer);
  r.date("issued", c.issued);
  r.date("expires", c.expires, true);
  if (!c.issued.empty() && !c.expires.empty() && c.issued > c.expires) {
    ctx.error(*r.get("expires"), "certificate expires (" + c.expires + ") before it was issued (" + c.issued + ")");
  }
  out.push_back(std::move(c));
}

void read_asset(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::Asset a;
  a.loc = r.loc_of("id");
  r.id("id", a.id, true);
  r.str("name", a.name, true);
  r.str("description", a.description);
  r.one_of("class", a.asset_class, k_classes, true);
  r.one_of("criticality", a.criticality, k_criticalities);
  r.id("located_in", a.located_in);
  r.id("owned_by", a.owned_by);
  r.id("zone", a.zone);
  a.zone_loc = r.loc_of("zone");
  r.purdue("purdue_level", a.purdue_level);
  r.str("vendor", a.vendor);
  r.str("model", a.model);
  r.string_list("tags", a.tags);
  if (const YamlNode* e = r.get("expected")) {
    read_expected(ctx, *e, a);
  }
  if (const auto* rels = r.list("relationships")) {
    for (const YamlNode& item : *rels) {
      MapReader rr(ctx, item, "relationship", {"type", "target", "protocol"});
      if (!rr.ok()) {
        continue;
      }
      model::Relationship rel;
      rel.loc = ctx.loc(item);
      rr.one_of("type", rel.type, k_relationship_types, true);
      rr.id("target", rel.target, true);
      rr.str("protocol", rel.protocol);
      if (rel.target == a.id && !a.id.empty()) {
        ctx.error(item, "asset '" + a.id + "' has a relationship to itself");
        continue;
      }
      a.relationships.push_back(std::move(rel));
    }
  }
  if (const YamlNode* red = r.get("redundancy")) {
    MapReader rr(ctx, *red, "redundancy", k_relationship_types);
    for (const std::string& type : k_relationship_types) {
      std::optional<int> k;
      if (rr.integer(type, k, 1, 1000) && k) {
        a.redundancy[type] = *k;
      }
    }
  }
  if (const auto* sensors = r.list("sensors")) {
    std::set<std::string> ids;
    for (const YamlNode& item : *sensors) {
      read_sensor(ctx, item, a);
      if (!a.sensors.empty() && !a.sensors.back().id.empty() && !ids.insert(a.sensors.back().id).second) {
        ctx.error(item, "duplicate sensor id '" + a.sensors.back().id + "' in asset '" + a.id + "'");
      }
    }
  }
  if (const auto* certs = r.list("certificates")) {
    for (const YamlNode& item : *certs) {
      read_certificate(ctx, item, a.certificates);
    }
  }
  std::optional<double> kw;
  if (r.number("power_kw", kw) && kw) {
    if (*kw < 0) {
      ctx.error(*r.get("power_kw"), "power_kw must not be negative");
    }
    a.power_kw = kw;
  }
  if (const YamlNode* live = r.get("live")) {
    MapReader lr(ctx, *live, "live", {"mqtt", "ditto", "aws", "azure", "sparkplug"});
    for (const char* k : {"mqtt", "ditto", "aws", "azure", "sparkplug"}) {
      std::string v;
      if (lr.str(k, v) && !v.empty()) {
        a.live[k] = v;
      }
    }
  }
  out.assets.push_back(std::move(a));
}

void read_space(const Ctx&, const MapReader& r, FileResult& out) {
  model::Space s;
  s.loc = r.loc_of("id");
  r.id("id", s.id, true);
  r.str("name", s.name);
  r.one_of("type", s.type, k_space_types, true);
  r.id("parent", s.parent);
  out.spaces.push_back(std::move(s));
}

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

void read_zone_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::ZonePolicy p;
  p.loc = ctx.loc(r.node());
  if (const auto* zones = r.list("zones")) {
    for (const YamlNode& item : *zones) {
      MapReader zr(ctx, item, "zone", {"id", "name", "purdue_level", "security_level", "subnets"});
      if (!zr.ok()) {
        continue;
      }
      model::Zone z;
      z.loc = zr.loc_of("id");
      zr.id("id", z.id, true);
      zr.str("name", z.name);
      zr.purdue("purdue_level", z.purdue_level);
      zr.integer("security_level", z.security_level, 0, 4);
      zr.string_list("subnets", z.subnets);
      for (const std::string& cidr : z.subnets) {
        if (!util::is_cidr(cidr)) {
          ctx.error(*zr.get("subnets"), "'" + cidr + "' is not a CIDR block (like 10.20.3.0/24)");
        }
      }
      p.zones.push_back(std::move(z));
    }
  }
  if (const auto* conduits = r.list("conduits")) {
    for (const YamlNode& item : *conduits) {
      MapReader cr(ctx, item, "conduit", {"id", "from", "to", "bidirectional", "protocols", "description"});
      if (!cr.ok()) {
        continue;
      }
      model::Conduit c;
      c.loc = cr.loc_of("id");
      cr.id("id", c.id, true);
      cr.id("from", c.from, true);
      cr.id("to", c.to, true);
      cr.boolean("bidirectional", c.bidirectional);
      cr.string_list("protocols", c.protocols);
      cr.str("description", c.description);
      p.conduits.push_back(std::move(c));
    }
  }
  out.zone_policies.push_back(std::move(p));
}

void read_drift_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::DriftPolicy p;
  p.loc = ctx.loc(r.node());
  if (const auto* overrides = r.list("overrides")) {
    for (const YamlNode& item : *overrides) {
      MapReader orr(ctx, item, "override", {"rule", "class", "criticality", "severity"});
      if (!orr.ok()) {
        continue;
      }
      model::SeverityOverride o;
      o.loc = ctx.loc(item);
      if (orr.str("rule", o.rule, true) && !o.rule.empty() && !model::find_rule(o.rule)) {
        ctx.error(*orr.get("rule"), "unknown rule '" + o.rule + "'");
      }
      orr.one_of("class", o.asset_class, k_classes);
      orr.one_of("criticality", o.criticality, k_criticalities);
      orr.one_of("severity", o.severity, k_severities, true);
      p.overrides.push_back(std::move(o));
    }
  }
  r.string_list("volatile_fields", p.volatile_fields);
  out.drift_policies.push_back(std::move(p));
}

// One block of detector settings: {cooldown: N, DETECTOR: {PARAM: N, enabled: bool}}.
// Kept as `replay --set` settings; names and lower bounds from model/detectors.hpp.
void read_detector_block(const Ctx& ctx, const YamlNode& node, const std::optional<std::string>& type,
                         const std::string& what, std::vector<model::DetectorSetting>& out) {
  std::vector<std::string> keys = {"cooldown"};
  keys.insert(keys.end(), model::k_detector_names.begin(), model::k_detector_names.end());
  MapReader r(ctx, node, what, keys);
  if (!r.ok()) {
    return;
  }
  auto number = [&](const MapReader& m, const model::DetectorParamInfo& info) {
    std::optional<double> v;
    if (!m.number(info.param, v) || !v) {
      return;
    }
    char buf[32];
    if (!std::isfinite(*v) || *v < info.min) {
      auto end = std::to_chars(buf, buf + sizeof buf, info.min).ptr;
      ctx.error(*m.get(info.param), "'" + std::string(info.param) + "' must be a number >= " +
                                        std::string(buf, end) + ", not " + m.get(info.param)->value);
      return;
    }
    // The shortest text that reads back as the same double.
    auto end = std::to_chars(buf, buf + sizeof buf, *v).ptr;
    out.push_back({type, std::string(info.name), std::string(buf, end), m.loc_of(info.param)});
  };
  number(r, model::k_detector_params[0]); // cooldown
  for (std::string_view d : model::k_detector_names) {
    const YamlNode* dn = r.get(d);
    if (!dn) {
      continue;
    }
    std::vector<std::string> params = {"enabled"};
    for (const model::DetectorParamInfo& info : model::k_detector_params) {
      if (info.detector == d) {
        params.emplace_back(info.param);
      }
    }
    MapReader dr(ctx, *dn, what + "." + std::string(d), params);
    if (!dr.ok()) {
      continue;
    }
    for (const model::DetectorParamInfo& info : model::k_detector_params) {
      if (info.detector == d) {
        number(dr, info);
      }
    }
    // After the numbers: rate.max switches the rate detector on, `enabled` has the last word.
    bool on = true;
    if (dr.get("enabled") && dr.boolean("enabled", on)) {
      out.push_back({type, std::string(d), on ? "on" : "off", dr.loc_of("enabled")});
    }
  }
}

void read_detector_policy(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::DetectorPolicy p;
  p.loc = ctx.loc(r.node());
  if (const YamlNode* d = r.get("defaults")) {
    read_detector_block(ctx, *d, std::nullopt, "defaults", p.settings);
  }
  if (const YamlNode* t = r.get("types"); t && t->is_map()) {
    std::set<std::string> seen;
    for (size_t i = 0; i + 1 < t->children.size(); i += 2) {
      const YamlNode& k = t->children[i];
      if (!k.is_scalar() || k.value.empty()) {
        ctx.error(k, "keys of 'types' must be sensor types (non-empty strings)");
        continue;
      }
      if (!seen.insert(k.value).second) {
        ctx.error(k, "duplicate sensor type '" + k.value + "' in 'types'");
        continue;
      }
      read_detector_block(ctx, t->children[i + 1], k.value, "types." + k.value, p.settings);
    }
  } else if (t) {
    ctx.error(*t, std::string("'types' must be a mapping of sensor type to settings, not ") + t->kind_name());
  }
  out.detector_policies.push_back(std::move(p));
}

void read_ignore_list(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::IgnoreList l;
  l.loc = ctx.loc(r.node());
  if (const auto* items = r.list("suppressions")) {
    for (const YamlNode& item : *items) {
      MapReader sr(ctx, item, "suppression",
                   {"asset", "class", "zone", "rule", "field", "value", "reason", "owner", "ticket", "expires"});
      if (!sr.ok()) {
        continue;
      }
      model::Suppression s;
      s.loc = ctx.loc(item);
      sr.str("asset", s.asset);
      sr.one_of("class", s.asset_class, k_classes);
      sr.str("zone", s.zone);
      if (sr.str("rule", s.rule) && !s.rule.empty() && !model::find_rule(s.rule)) {
        ctx.error(*sr.get("rule"), "unknown rule '" + s.rule + "'");
      }
      sr.str("field", s.field);
      sr.str("value", s.value);
      sr.str("reason", s.reason, true);
      sr.str("owner", s.owner);
      sr.str("ticket", s.ticket);
      sr.date("expires", s.expires);
      if (s.asset.empty() && s.asset_class.empty() && s.zone.empty() && s.rule.empty() && s.field.empty()) {
        ctx.error(item, "a suppression needs a selector: at least one of asset, class, zone, rule, field");
      }
      l.suppressions.push_back(std::move(s));
    }
  }
  out.ignore_lists.push_back(std::move(l));
}

// "mqtt-lines" -> "MQTT_LINES": the source's part of its environment variable names.
std::string env_name(const std::string& id) {
  std::string out;
  for (char c : id) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  }
  return out;
}

void read_source(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::Source s;
  s.loc = r.loc_of("id");
  r.id("id", s.id, true);
  r.str("name", s.name);
  r.one_of("adapter", s.adapter, k_adapters, true);
  if (r.str("endpoint", s.endpoint) && !s.endpoint.empty()) {
    // user:password@ in a URL is a secret in the repo: refuse it.
    size_t scheme = s.endpoint.find("://");
    size_t at = s.endpoint.find('@');
    size_t slash = scheme == std::string::npos ? std::string::npos : s.endpoint.find('/', scheme + 3);
    if (scheme != std::string::npos && at != std::string::npos && at > scheme && (slash == std::string::npos || at < slash)) {
      ctx.error(*r.get("endpoint"), "the endpoint has credentials in it; secrets come from the environment "
                                    "(TWINCTL_" + env_name(s.id) + "_TOKEN or _PASSWORD), never from the repo");
      s.endpoint.clear();
    }
  }
  r.string_list("topics", s.topics);
  r.string_map("mapping", s.mapping);
  r.string_map("status_aliases", s.status_aliases);
  r.string_map("zone_aliases", s.zone_aliases);
  r.string_map("options", s.options);
  out.sources.push_back(std::move(s));
}

void read_twin_header(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::Twin t;
  t.loc = ctx.loc(r.node());
  r.id("id", t.id, true);
  r.str("name", t.name);
  r.str("description", t.description);
  if (const YamlNode* d = r.get("defaults")) {
    MapReader dr(ctx, *d, "defaults",
                 {"stale_after", "cert_due_soon", "co2_kg_per_kwh", "status_aliases", "zone_aliases", "unit_aliases"});
    std::optional<util::Duration> dur;
    if (dr.duration("stale_after", dur) && dur) {
      t.defaults.stale_after = *dur;
    }
    dur.reset();
    if (dr.duration("cert_due_soon", dur) && dur) {
      t.defaults.cert_due_soon = *dur;
    }
    dr.number("co2_kg_per_kwh", t.defaults.co2_kg_per_kwh);
    dr.string_map("status_aliases", t.defaults.status_aliases);
    for (const auto& [from, to] : t.defaults.status_aliases) {
      if (std::find(k_statuses.begin(), k_statuses.end(), to) == k_statuses.end()) {
        ctx.error(*dr.get("status_aliases"), "status alias '" + from + "' maps to '" + to +
                                                 "', which is not a status (one of: " + quoted_list(k_statuses) + ")");
      }
    }
    dr.string_map("zone_aliases", t.defaults.zone_aliases);
    dr.string_map("unit_aliases", t.defaults.unit_aliases);
  }
  out.twins.push_back(std::move(t));
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
                    "certificates", "power_kw", "live"}),
       read_asset},
      {"Space", with_header({"id", "name", "type", "parent"}), read_space},
      {"Team", with_header({"id", "name", "lead", "email", "chat", "oncall"}), read_team},
      {"ZonePolicy", with_header({"zones", "conduits"}), read_zone_policy},
      {"DriftPolicy", with_header({"overrides", "volatile_fields"}), read_drift_policy},
      {"DetectorPolicy", with_header({"defaults", "types"}), read_detector_policy},
      {"IgnoreList", with_header({"suppressions"}), read_ignore_list},
      {"Source",
       with_header({"id", "name", "adapter", "endpoint", "topics", "mapping", "status_aliases", "zone_aliases",
                    "options"}),
       read_source},
      {"Twin", with_header({"id", "name", "description", "defaults"}), read_twin_header},
  };
  return k;
}

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
                                  "DetectorPolicy, IgnoreList, Source, Twin)");
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

FileResult read_file(const TwinFile& f) {
  FileResult out;
  Ctx ctx{f.path, out.errors};
  if (!f.error.empty()) {
    out.errors.push_back({{f.path, 0, 0}, f.error});
    return out;
  }
  std::vector<YamlNode> docs;
  try {
    docs = parse_yaml(f.content, f.path);
  } catch (const Error& e) {
    // parse_yaml's message already starts with path:line:column.
    std::string msg = e.what();
    std::string prefix = f.path + ":";
    SourceLocation loc{f.path, 1, 1};
    if (msg.rfind(prefix, 0) == 0) {
      size_t a = prefix.size();
      size_t b = msg.find(':', a);
      size_t c = b == std::string::npos ? b : msg.find(':', b + 1);
      if (c != std::string::npos) {
        loc.line = std::atoi(msg.substr(a, b - a).c_str());
        loc.column = std::atoi(msg.substr(b + 1, c - b - 1).c_str());
        msg = util::trim(msg.substr(c + 1));
      }
    }
    out.errors.push_back({loc, msg});
    return out;
  }
  bool any = false;
  for (const YamlNode& doc : docs) {
    if (doc.is_null()) {
      continue; // an empty document between two '---' is harmless
    }
    any = true;
    read_document(ctx, doc, out);
  }
  if (!any) {
    out.errors.push_back({{f.path, 1, 1}, "the file has no YAML document (it is empty)"});
  }
  return out;
}

// read_file for a worker thread: nothing may escape it (an exception leaving a
// std::thread calls std::terminate). Running out of memory on one file is that
// file's error, exit 2 with its name; the limits of parse_yaml make it unlikely.
FileResult read_file_guarded(const TwinFile& f) {
  std::string msg;
  try {
    return read_file(f);
  } catch (const std::bad_alloc&) {
    msg = "not enough memory to read this file";
  } catch (const std::exception& e) {
    msg = std::string("could not read this file: ") + e.what();
  } catch (...) {
    msg = "could not read this file";
  }
  FileResult out; // small: allocating it after the failed allocation was freed is fine
  out.errors.push_back({{f.path, 1, 1}, msg});
  return out;
}

// Moves `from` onto the end of `to` and frees `from` at once, so the moved-from
// husks of a large collection (assets) do not live until the end of the load.
template <class T> void append(std::vector<T>& to, std::vector<T>& from) {
  std::move(from.begin(), from.end(), std::back_inserter(to));
  std::vector<T>().swap(from);
}

// Sorts by id and reports duplicates (the later one, pointing at the first).
// Sorts a permutation, applies it in place by following its cycles (each item
// moves about once: assets are large structs), then drops duplicates in place.
template <class T>
void sort_unique(std::vector<T>& items, const char* what, std::vector<Diagnostic>& errors) {
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return items[a].id < items[b].id; });
  // order[i] = the index of the item that belongs at i.
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) {
      continue;
    }
    T tmp = std::move(items[i]);
    size_t j = i;
    while (order[j] != i) {
      size_t from = order[j];
      items[j] = std::move(items[from]);
      order[j] = j;
      j = from;
    }
    items[j] = std::move(tmp);
    order[j] = j;
  }
  size_t out = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].id.empty()) {
      continue; // already reported as missing
    }
    if (out > 0 && items[out - 1].id == items[i].id) {
      errors.push_back({items[i].loc, std::string("duplicate ") + what + " id '" + items[i].id +
                                          "' (first defined at " + items[out - 1].loc.str() + ")"});
      continue;
    }
    if (out != i) {
      items[out] = std::move(items[i]);
    }
    ++out;
  }
  items.erase(items.begin() + static_cast<ptrdiff_t>(out), items.end());
}

} // namespace

LoadResult load_twin_files(std::vector<TwinFile> files, const std::string& twin_root, unsigned threads) {
  // Step 1: parse and convert each file on its own (the expensive part) in parallel.
  std::sort(files.begin(), files.end(), [](const TwinFile& a, const TwinFile& b) { return a.path < b.path; });
  std::vector<FileResult> results(files.size());
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, files.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      results[i] = read_file_guarded(files[i]);
      std::string().swap(files[i].content); // free the text as soon as it is parsed
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back(work);
  }
  work();
  for (std::thread& t : pool) {
    t.join();
  }

  // Step 2: merge in path order, so the result does not depend on scheduling.
  LoadResult out;
  model::Twin& twin = out.twin;
  twin.root = twin_root;
  std::vector<model::Twin> headers;
  std::vector<model::ZonePolicy> zone_policies;
  std::vector<model::DriftPolicy> drift_policies;
  std::vector<model::DetectorPolicy> detector_policies;
  size_t asset_count = 0;
  for (const FileResult& r : results) {
    asset_count += r.assets.size();
  }
  twin.assets.reserve(asset_count); // one allocation: no doubling of a vector of large structs
  for (FileResult& r : results) {
    append(out.errors, r.errors);
    append(twin.assets, r.assets);
    append(twin.spaces, r.spaces);
    append(twin.teams, r.teams);
    append(twin.sources, r.sources);
    append(headers, r.twins);
    append(zone_policies, r.zone_policies);
    append(drift_policies, r.drift_policies);
    append(detector_policies, r.detector_policies);
    for (model::IgnoreList& l : r.ignore_lists) {
      if (!twin.ignore_list.loc.known()) {
        twin.ignore_list.loc = l.loc;
      }
      append(twin.ignore_list.suppressions, l.suppressions);
    }
  }

  // Step 3: the singletons: one Twin header (in twin.yaml), at most one zone and drift policy.
  std::string twin_yaml = twin_root.empty() ? "twin.yaml" : twin_root + "/twin.yaml";
  for (model::Twin& h : headers) {
    if (h.loc.path != twin_yaml) {
      out.errors.push_back({h.loc, "a Twin document belongs in " + twin_yaml});
    } else if (!twin.loc.known()) {
      twin.id = h.id;
      twin.name = h.name;
      twin.description = h.description;
      twin.defaults = h.defaults;
      twin.loc = h.loc;
    } else {
      out.errors.push_back({h.loc, "more than one Twin document in " + twin_yaml});
    }
  }
  if (!twin.loc.known()) {
    out.errors.push_back({{twin_yaml, 1, 1}, twin_yaml + " has no 'kind: Twin' document"});
  }
  if (!zone_policies.empty()) {
    twin.zone_policy = std::move(zone_policies.front());
    for (size_t i = 1; i < zone_policies.size(); ++i) {
      out.errors.push_back({zone_policies[i].loc, "more than one ZonePolicy (the first is at " +
                                                      twin.zone_policy.loc.str() + ")"});
    }
  }
  if (!drift_policies.empty()) {
    twin.drift_policy = std::move(drift_policies.front());
    for (size_t i = 1; i < drift_policies.size(); ++i) {
      out.errors.push_back({drift_policies[i].loc, "more than one DriftPolicy (the first is at " +
                                                       twin.drift_policy.loc.str() + ")"});
    }
  }

  if (!detector_policies.empty()) {
    twin.detector_policy = std::move(detector_policies.front());
    for (size_t i = 1; i < detector_policies.size(); ++i) {
      out.errors.push_back({detector_policies[i].loc, "more than one DetectorPolicy (the first is at " +
                                                          twin.detector_policy.loc.str() + ")"});
    }
  }

  // Step 4: sorted collections with unique ids.
  sort_unique(twin.assets, "asset", out.errors);
  sort_unique(twin.spaces, "space", out.errors);
  sort_unique(twin.teams, "team", out.errors);
  sort_unique(twin.sources, "source", out.errors);
  sort_unique(twin.zone_policy.zones, "zone", out.errors);
  sort_unique(twin.zone_policy.conduits, "conduit", out.errors);

  std::sort(out.errors.begin(), out.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.path, a.loc.line, a.loc.column, a.message) <
           std::tie(b.loc.path, b.loc.line, b.loc.column, b.message);
  });
  return out;
}

std::vector<Diagnostic> load_ignore_file(const TwinFile& file, model::IgnoreList& out) {
  FileResult r = read_file(file);
  auto other = r.assets.size() + r.spaces.size() + r.teams.size() + r.sources.size() + r.zone_policies.size() +
               r.drift_policies.size() + r.detector_policies.size() + r.twins.size();
  if (other > 0) {
    r.errors.push_back({{file.path, 1, 1}, "an ignore file may only hold IgnoreList documents"});
  }
  for (model::IgnoreList& l : r.ignore_lists) {
    append(out.suppressions, l.suppressions);
  }
  return std::move(r.errors);
}

} // namespace twinctl::loaders
