#include "lib/report/report.hpp"

#include "lib/model/rules.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <map>
#include <set>

namespace twinctl::report {

void describe_twin(Report& r, const model::Twin& twin) {
  r.site = twin.id;
  r.site_name = twin.name;
  r.twin_root = twin.root;
  r.commit = twin.commit;
  r.ref = twin.ref;
  r.asset_count = twin.assets.size();
  r.space_count = twin.spaces.size();
  r.team_count = twin.teams.size();
  r.twin_yaml = twin.loc.path;
}

namespace {

bool matches(const model::Suppression& s, const model::Finding& f, const model::Twin& twin) {
  if (!s.rule.empty() && s.rule != f.rule) {
    return false;
  }
  if (!s.asset.empty() && !util::glob_match(s.asset, f.asset)) {
    return false;
  }
  if (!s.field.empty() && !util::glob_match(s.field, f.field)) {
    return false;
  }
  if (!s.value.empty() && !util::glob_match(s.value, f.live)) {
    return false;
  }
  if (!s.asset_class.empty() || !s.zone.empty()) {
    const model::Asset* a = twin.find_asset(f.asset);
    if (!a || (!s.asset_class.empty() && a->asset_class != s.asset_class) ||
        (!s.zone.empty() && !util::glob_match(s.zone, a->zone))) {
      return false;
    }
  }
  return true;
}

std::string selector_text(const model::Suppression& s) {
  std::vector<std::string> parts;
  auto add = [&](const char* k, const std::string& v) {
    if (!v.empty()) {
      parts.push_back(std::string(k) + "=" + v);
    }
  };
  add("asset", s.asset);
  add("class", s.asset_class);
  add("zone", s.zone);
  add("rule", s.rule);
  add("field", s.field);
  add("value", s.value);
  return util::join(parts, " ");
}

} // namespace

void apply_gate(Report& r, const model::Twin& twin, const GateOptions& opts) {
  // Expired suppressions stop hiding anything and become findings themselves.
  std::vector<const model::Suppression*> active;
  for (const model::Suppression& s : twin.ignore_list.suppressions) {
    auto expires = util::parse_date(s.expires);
    // A suppression is good through the whole of its expiry day.
    if (expires && *expires + 86400 <= opts.now) {
      std::string field = "suppression:" + selector_text(s);
      model::Finding f = model::make_finding(twin, "TWIN901", model::find_rule("TWIN901")->default_severity,
                                             nullptr, s.asset, field, "policy", s.loc);
      f.message = "suppression (" + selector_text(s) + ") expired on " + s.expires + ": " + s.reason +
                  (s.owner.empty() ? "" : " [owner " + s.owner + "]") + (s.ticket.empty() ? "" : " [" + s.ticket + "]");
      f.intended = s.expires;
      r.findings.push_back(std::move(f));
    } else {
      active.push_back(&s);
    }
  }
  for (model::Finding& f : r.findings) {
    if (f.rule == "TWIN901") {
      continue; // a suppression cannot hide its own expiry
    }
    for (const model::Suppression* s : active) {
      if (matches(*s, f, twin)) {
        f.suppressed = true;
        f.suppression_reason = s->reason;
        f.suppression_owner = s->owner;
        f.suppression_ticket = s->ticket;
        f.suppression_expires = s->expires;
        break;
      }
    }
  }
  if (opts.baseline) {
    apply_baseline(r, *opts.baseline);
  }
  model::sort_findings(r.findings);
  r.fail_on = opts.fail_on;
  recount(r);
}

void recount(Report& r) {
  r.by_severity = {};
  r.suppressed = 0;
  r.baselined = 0;
  r.gate_failed = false;
  r.by_kind.clear();
  for (const model::Finding& f : r.findings) {
    ++r.by_kind[f.kind];
    if (f.suppressed) {
      ++r.suppressed;
      continue;
    }
    if (f.baseline_state == "unchanged") {
      ++r.baselined;
      continue;
    }
    ++r.by_severity[static_cast<size_t>(f.severity)];
    if (r.fail_on && f.severity >= *r.fail_on) {
      r.gate_failed = true;
    }
  }
}

std::optional<model::Severity> parse_fail_on(const std::string& s) {
  if (s == "none") {
    return std::nullopt;
  }
  if (auto sev = model::parse_severity(s)) {
    return sev;
  }
  throw Error("--fail-on: '" + s + "' is not one of critical, high, medium, low, info, none");
}

} // namespace twinctl::report

namespace twinctl::report {

std::string baseline_value(const model::Finding& f) {
  if (f.kind != "changed") {
    return "";
  }
  return f.live_norm.empty() ? f.live : f.live_norm;
}

void apply_baseline(Report& r, const std::vector<BaselineEntry>& baseline) {
  r.has_baseline = true;
  r.baseline_without_values = false;
  std::set<std::string> seen;
  std::map<std::string, const BaselineEntry*> known;
  for (const BaselineEntry& e : baseline) {
    known.emplace(e.fingerprint, &e);
    r.baseline_without_values = r.baseline_without_values || !e.observed;
  }
  for (model::Finding& f : r.findings) {
    auto it = known.find(f.fingerprint);
    if (it == known.end()) {
      f.baseline_state = "new";
    } else if (!it->second->observed || *it->second->observed == baseline_value(f)) {
      f.baseline_state = "unchanged";
    } else {
      f.baseline_state = "updated";
      f.baseline_observed = *it->second->observed;
    }
    seen.insert(f.fingerprint);
  }
  r.baseline_absent.clear();
  for (const BaselineEntry& e : baseline) {
    if (!seen.count(e.fingerprint)) {
      r.baseline_absent.push_back(e);
    }
  }
}

} // namespace twinctl::report
