#include "lib/drift/drift.hpp"

#include "lib/model/rules.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/firmware.hpp"
#include "lib/util/values.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace twinctl::drift {

using model::Asset;
using model::Finding;
using model::Observation;

namespace {

// --- typed normalisation ----------------------------------------------------

std::string alias_of(const std::string& live, const std::map<std::string, std::string>& aliases) {
  if (auto it = aliases.find(live); it != aliases.end()) {
    return it->second;
  }
  std::string lower = util::to_lower(live);
  for (const auto& [from, to] : aliases) {
    if (util::to_lower(from) == lower) {
      return to;
    }
  }
  return lower;
}

std::string short_checksum(const std::string& c) {
  size_t colon = c.find(':');
  return colon != std::string::npos && c.size() > colon + 13 ? c.substr(0, colon + 13) + "…" : c;
}

} // namespace

Comparison compare_field(const std::string& field, const std::string& intended, const std::string& live,
                         const std::map<std::string, std::string>& aliases) {
  Comparison c;
  // The common case: the very same text normalises to the same value (status
  // and zone excepted: their live vocabulary goes through aliases).
  if (intended == live && field != "status" && field != "zone") {
    c.intended_norm = intended;
    c.live_norm = live;
    return c;
  }
  if (field == "status" || field == "zone") {
    c.intended_norm = util::to_lower(util::trim(intended));
    c.live_norm = alias_of(util::trim(live), aliases);
  } else if (field == "ip") {
    auto a = util::canonical_ip(util::trim(intended));
    auto b = util::canonical_ip(util::trim(live));
    c.intended_norm = a ? *a : intended;
    c.live_norm = b ? *b : util::trim(live);
    if (!b) {
      c.note = "not an IP address";
    }
  } else if (field == "firmware") {
    util::Firmware a = util::parse_firmware(util::trim(intended));
    util::Firmware b = util::parse_firmware(util::trim(live));
    c.intended_norm = a.text;
    c.live_norm = b.text;
    util::FirmwareOrder order = util::compare_firmware(b, a);
    c.equal = order == util::FirmwareOrder::equal;
    if (order != util::FirmwareOrder::equal && order != util::FirmwareOrder::unordered) {
      c.note = util::to_string(order); // behind, ahead, different build
    }
    return c;
  } else if (field == "config_checksum") {
    auto a = util::canonical_checksum(util::trim(intended));
    auto b = util::canonical_checksum(util::trim(live));
    c.intended_norm = a ? *a : intended;
    c.live_norm = b ? *b : util::to_lower(util::trim(live));
    if (a && b && a->substr(0, a->find(':')) != b->substr(0, b->find(':'))) {
      c.note = "different algorithms";
    }
  } else {
    c.intended_norm = util::trim(intended);
    c.live_norm = util::trim(live);
  }
  c.equal = c.intended_norm == c.live_norm;
  return c;
}

namespace {

// Which binding of an asset a source's adapter reads.
std::string binding_kind(const std::string& adapter) {
  if (adapter == "ditto") {
    return "ditto";
  }
  if (adapter == "aws-shadow") {
    return "aws";
  }
  if (adapter == "azure-twin") {
    return "azure";
  }
  if (adapter == "sparkplug") {
    return "sparkplug";
  }
  if (adapter == "plain-json" || adapter == "tasmota" || adapter == "homie" || adapter == "mqtt") {
    return "mqtt";
  }
  return ""; // generic, file, twinctl-live: could report any asset
}

// A source is expected to report an asset when it could identify it: the asset
// has no binding (matched by id), the adapter is generic, or the asset has a
// binding of the adapter's kind.
bool responsible(const model::LiveSource& s, const Asset& a) {
  std::string kind = binding_kind(s.adapter);
  if (kind.empty() || a.live.empty()) {
    return true;
  }
  return a.live.count(kind) > 0 || (kind == "sparkplug" && a.live.count("mqtt") > 0);
}

const char* k_fields[] = {"status", "ip", "firmware", "config_checksum", "zone"};

const char* rule_for(const std::string& field) {
  if (field == "status") {
    return "TWIN101";
  }
  if (field == "ip") {
    return "TWIN102";
  }
  if (field == "firmware") {
    return "TWIN103";
  }
  if (field == "config_checksum") {
    return "TWIN104";
  }
  return "TWIN105";
}

// The steps of one drift computation share this context.
struct Ctx {
  Ctx(const model::Twin& t, const model::LiveSnapshot& l) : twin(t), live(l) {}
  const model::Twin& twin;
  const model::LiveSnapshot& live;
  int64_t ref_time = 0;
  std::set<std::string> volatile_fields;
  std::unordered_map<std::string, std::vector<const Observation*>> by_asset;
  std::vector<const model::LiveSource*> ok_sources;
  std::vector<const model::LiveSource*> failed_sources;
  std::map<std::string, const model::LiveSource*> source_by_name;
  // aliases_for's answers by (field, source): built once, not per comparison.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> aliases;
  DriftResult result;
};


// Status and zone vocabularies: the source's own table first, then the twin's.
const std::map<std::string, std::string>& aliases_for(Ctx& ctx, const std::string& field, const std::string& source) {
  auto [it, fresh] = ctx.aliases.try_emplace({field, source});
  std::map<std::string, std::string>& out = it->second;
  if (!fresh) {
    return out;
  }
  const model::Source* s = ctx.twin.find_source(source);
  if (field == "status") {
    if (s) {
      out = s->status_aliases;
    }
    out.insert(ctx.twin.defaults.status_aliases.begin(), ctx.twin.defaults.status_aliases.end());
  } else if (field == "zone") {
    if (s) {
      out = s->zone_aliases;
    }
    out.insert(ctx.twin.defaults.zone_aliases.begin(), ctx.twin.defaults.zone_aliases.end());
  }
  return out;
}

// The freshest observed value of a field. `online: false` is status offline,
// whatever status the device last reported: a Sparkplug DDEATH after a birth
// that said running, or an Azure twin Disconnected with "running" in its
// reported properties, is a device that is not running now.
} // namespace

std::optional<LiveValue> live_value(const std::vector<const Observation*>& obs, const std::string& field) {
  std::optional<LiveValue> best;
  for (const Observation* o : obs) {
    std::string v;
    if (field == "status" && o->online && !*o->online) {
      v = "offline";
    } else if (auto it = o->fields.find(field); it != o->fields.end() && !util::trim(it->second).empty()) {
      v = it->second;
    } else {
      continue;
    }
    if (!best || o->observed_at > best->obs->observed_at) {
      best = LiveValue{v, o};
    }
  }
  return best;
}

namespace {

std::string describe(const std::string& field, const std::string& value) {
  return field == "config_checksum" ? short_checksum(value) : value;
}

// Step: compare each intended field with its freshest live value.
void compare_asset(Ctx& ctx, const Asset& a, const std::vector<const Observation*>& obs) {
  for (const char* field_c : k_fields) {
    std::string field = field_c;
    if (ctx.volatile_fields.count(field)) {
      continue;
    }
    std::string intended;
    model::SourceLocation loc = a.loc;
    if (field == "zone") {
      intended = a.zone;
      if (a.zone_loc.known()) {
        loc = a.zone_loc;
      }
    } else if (auto it = a.expected.find(field); it != a.expected.end()) {
      intended = it->second.value;
      loc = it->second.loc;
    }
    if (intended.empty()) {
      continue;
    }
    std::optional<LiveValue> lv = live_value(obs, field);
    if (!lv) {
      continue; // the source does not report this field: nothing to compare
    }
    Comparison c = compare_field(field, intended, lv->value, aliases_for(ctx, field, lv->obs->source));
    if (c.equal) {
      continue;
    }
    model::Severity dflt = model::find_rule(rule_for(field))->default_severity;
    if (field == "status") {
      dflt = c.intended_norm == "running" && (c.live_norm == "fault" || c.live_norm == "offline")
                 ? model::Severity::high
                 : model::Severity::medium;
    } else if (field == "firmware" && a.criticality == "safety") {
      dflt = model::Severity::high;
    }
    Finding f = model::make_finding(ctx.twin, rule_for(field), dflt, &a, a.id, field, "changed", loc);
    f.intended = intended;
    f.live = lv->value;
    f.intended_norm = c.intended_norm;
    f.live_norm = c.live_norm;
    f.source = lv->obs->source;
    f.observed_at = lv->obs->observed_at;
    std::string label = field == "config_checksum" ? "config checksum" : field;
    f.message = label + " is " + describe(field, lv->value) + ", intended " + describe(field, intended) +
                (c.note.empty() ? "" : " (" + c.note + ")");
    if (util::to_lower(util::trim(lv->value)) != c.live_norm && field != "config_checksum" && field != "firmware") {
      f.message += " [live '" + lv->value + "' reads as '" + c.live_norm + "']";
    }
    ctx.result.findings.push_back(std::move(f));
  }
}

// Step: an observation older than stale_after (against the snapshot's time) cannot be trusted.
void check_stale(Ctx& ctx, const Asset& a, const std::vector<const Observation*>& obs) {
  const Observation* freshest = nullptr;
  int64_t freshest_t = 0;
  for (const Observation* o : obs) {
    auto t = util::parse_timestamp(o->observed_at);
    if (t && (!freshest || *t > freshest_t)) {
      freshest = o;
      freshest_t = *t;
    }
  }
  if (!freshest) {
    return;
  }
  int64_t limit = util::approx_seconds(ctx.twin.defaults.stale_after);
  int64_t age = ctx.ref_time - freshest_t;
  if (limit <= 0 || age <= limit) {
    return;
  }
  Finding f = model::make_finding(ctx.twin, "TWIN108", model::find_rule("TWIN108")->default_severity, &a, a.id,
                                  "observed_at", "stale", a.loc);
  f.live = freshest->observed_at;
  f.source = freshest->source;
  f.observed_at = freshest->observed_at;
  f.intended = "within " + ctx.twin.defaults.stale_after.text;
  int64_t minutes = age / 60;
  f.message = "last observed " + freshest->observed_at + ", " +
              (minutes >= 120 ? std::to_string(minutes / 60) + " h" : std::to_string(minutes) + " min") +
              " before the live state was read (stale_after " + ctx.twin.defaults.stale_after.text + ")";
  ctx.result.findings.push_back(std::move(f));
}

} // namespace

DriftResult compute_drift(const model::Twin& twin, const model::LiveSnapshot& live, const DriftOptions& opts) {
  Ctx ctx(twin, live);
  auto taken = util::parse_timestamp(live.taken_at);
  ctx.ref_time = taken ? *taken : opts.now;
  ctx.volatile_fields.insert(twin.drift_policy.volatile_fields.begin(), twin.drift_policy.volatile_fields.end());

  // Step 1: sources, split into those read and those that failed.
  for (const model::LiveSource& s : live.sources) {
    (s.ok ? ctx.ok_sources : ctx.failed_sources).push_back(&s);
    ctx.source_by_name[s.name] = &s;
  }
  ctx.result.incomplete = !ctx.failed_sources.empty();

  // Step 2: observations by asset; those matching no intended asset are unmanaged devices.
  std::map<std::string, std::vector<const Observation*>> unmanaged; // by ref, sorted
  for (const Observation& o : live.observations) {
    if (!o.asset.empty() && twin.find_asset(o.asset)) {
      ctx.by_asset[o.asset].push_back(&o);
    } else {
      unmanaged[o.asset.empty() ? o.ref : o.asset].push_back(&o);
    }
  }

  // Step 3: each intended asset is observed, missing, unobserved, or not in scope of any source read.
  for (const Asset& a : twin.assets) {
    std::string status = a.expected.count("status") ? a.expected.at("status").value : "";
    bool expects_presence = status != "decommissioned" && status != "offline";
    bool has_intent = !a.expected.empty() || !a.live.empty();
    auto it = ctx.by_asset.find(a.id);
    if (it != ctx.by_asset.end()) {
      ++ctx.result.monitored;
      ++ctx.result.observed;
      compare_asset(ctx, a, it->second);
      check_stale(ctx, a, it->second);
      continue;
    }
    if (!has_intent || !expects_presence) {
      continue;
    }
    std::vector<std::string> failed;
    for (const model::LiveSource* s : ctx.failed_sources) {
      if (responsible(*s, a)) {
        failed.push_back(s->name);
      }
    }
    bool any_ok = std::any_of(ctx.ok_sources.begin(), ctx.ok_sources.end(),
                              [&](const model::LiveSource* s) { return responsible(*s, a); });
    if (!failed.empty()) {
      // Fail closed: a source that could have reported it failed, so it is not "missing".
      ++ctx.result.monitored;
      ctx.result.unobserved.push_back({a.id, util::join(failed, ", ")});
      continue;
    }
    if (!any_ok) {
      continue; // no source read in this run could identify it
    }
    ++ctx.result.monitored;
    Finding f = model::make_finding(ctx.twin, "TWIN106", model::find_rule("TWIN106")->default_severity, &a, a.id, "",
                                    "missing", a.loc);
    std::vector<std::string> names;
    for (const model::LiveSource* s : ctx.ok_sources) {
      if (responsible(*s, a)) {
        names.push_back(s->name);
      }
    }
    f.intended = status.empty() ? "present" : status;
    f.live = "not observed";
    f.source = util::join(names, ", ");
    f.message = "not observed by any source that was read (" + f.source + ")";
      ctx.result.findings.push_back(std::move(f));
  }

  // Step 4: unmanaged devices, one finding per device identity.
  for (const auto& [ref, obs] : unmanaged) {
    const Observation* o = obs.front();
    Finding f = model::make_finding(twin, "TWIN107", model::find_rule("TWIN107")->default_severity, nullptr, ref, "",
                                    "unmanaged", twin.loc);
    f.live = ref;
    f.source = o->source;
    f.observed_at = o->observed_at;
    std::vector<std::string> facts;
    for (const char* k : {"ip", "firmware", "status"}) {
      if (auto it = o->fields.find(k); it != o->fields.end()) {
        facts.push_back(std::string(k) + " " + it->second);
      }
    }
    f.message = "device '" + ref + "' seen by " + o->source + " is not in the twin" +
                (facts.empty() ? "" : " (" + util::join(facts, ", ") + ")");
    ctx.result.findings.push_back(std::move(f));
  }

  std::sort(ctx.result.unobserved.begin(), ctx.result.unobserved.end(),
            [](const model::Unobserved& a, const model::Unobserved& b) { return a.asset < b.asset; });
  if (ctx.result.monitored > 0) {
    ctx.result.coverage_percent = 100.0 * static_cast<double>(ctx.result.observed) /
                                  static_cast<double>(ctx.result.monitored);
  }
  return std::move(ctx.result);
}

} // namespace twinctl::drift
