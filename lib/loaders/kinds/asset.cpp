// Reads `kind: Asset` documents: identity, place, owner, zone, expected state, relationships,
// redundancy, sensors (range, thresholds, calibration), certificates, power, live bindings.
#include "lib/loaders/kinds/documents.hpp"

#include "lib/util/values.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace twinctl::loaders::kinds {

namespace {

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

// One plan: {task, last, interval}. `named`: the asset has several plans, so
// each needs a task id to tell them apart.
void read_maintenance(const Ctx& ctx, const YamlNode& node, bool named, model::Asset& a) {
  MapReader r(ctx, node, "maintenance", {"task", "last", "interval"});
  if (!r.ok()) {
    return;
  }
  model::Maintenance m;
  m.loc = ctx.loc(node);
  r.id("task", m.task, named);
  r.date("last", m.last, true);
  std::optional<util::Duration> interval;
  if (r.duration("interval", interval, true) && interval) {
    m.interval = *interval;
  }
  for (const model::Maintenance& other : a.maintenance) {
    if (!m.task.empty() && other.task == m.task) {
      ctx.error(node, "duplicate maintenance task '" + m.task + "' in asset '" + a.id + "'");
      return;
    }
  }
  a.maintenance.push_back(std::move(m));
}

// production: {ideal_cycle, good | total, reject, status}: the sensors named must be the asset's.
void read_production(const Ctx& ctx, const YamlNode& node, model::Asset& a) {
  MapReader r(ctx, node, "production", {"ideal_cycle", "good", "total", "reject", "status"});
  if (!r.ok()) {
    return;
  }
  model::Production p;
  p.loc = ctx.loc(node);
  // Seconds (2.5) or an ISO 8601 duration (PT12S); fast lines cycle in fractions of a second.
  if (const YamlNode* c = r.get("ideal_cycle"); c && c->is_scalar() && !c->value.empty() && c->value[0] == 'P') {
    std::optional<util::Duration> d;
    if (r.duration("ideal_cycle", d) && d) {
      p.ideal_cycle_s = double(util::approx_seconds(*d));
    }
  } else {
    std::optional<double> s;
    if (r.number("ideal_cycle", s, true) && s) {
      p.ideal_cycle_s = *s;
    }
  }
  if (r.get("ideal_cycle") && !(p.ideal_cycle_s > 0 && p.ideal_cycle_s < 86400 * 7)) {
    ctx.error(*r.get("ideal_cycle"), "ideal_cycle must be more than 0 s and less than a week");
  }
  r.id("good", p.good);
  r.id("total", p.total);
  r.id("reject", p.reject);
  r.id("status", p.status);
  if (p.good.empty() == p.total.empty()) {
    ctx.error(node, "production needs one part counter: 'good' (good parts) or 'total' (all parts)");
  }
  for (const std::string* id : {&p.good, &p.total, &p.reject, &p.status}) {
    if (!id->empty() && std::none_of(a.sensors.begin(), a.sensors.end(), [&](const model::Sensor& s) { return s.id == *id; })) {
      ctx.error(node, "production names sensor '" + *id + "', which asset '" + a.id + "' does not have");
    }
  }
  a.production = std::move(p);
}

} // namespace

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
  // maintenance: one plan as a mapping, or several as a list (each with a task id).
  if (const YamlNode* m = r.get("maintenance")) {
    if (m->is_seq()) {
      for (const YamlNode& item : *r.list("maintenance")) {
        read_maintenance(ctx, item, m->children.size() > 1, a);
      }
    } else {
      read_maintenance(ctx, *m, false, a);
    }
  }
  if (const YamlNode* p = r.get("production")) {
    read_production(ctx, *p, a);
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

} // namespace twinctl::loaders::kinds
