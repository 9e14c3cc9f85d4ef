#include "lib/validate/validate.hpp"

#include "lib/model/rules.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/values.hpp"

#include <algorithm>
#include <unordered_map>

namespace twinctl::validate {

using model::Asset;
using model::Diagnostic;
using model::Finding;
using model::Twin;

namespace {

template <class T> std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const T& i : items) {
    ids.push_back(i.id);
  }
  return ids;
}

// "unknown team 'x' (did you mean 'y'?)"
std::string unknown(const char* what, const std::string& id, const std::vector<std::string>& candidates) {
  std::string hint = util::closest(id, candidates);
  return std::string("unknown ") + what + " '" + id + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)");
}

// Finds cycles among edges of one relationship type with an iterative DFS
// (no recursion: a million assets must not overflow the stack).
void find_cycles(const Twin& twin, const std::string& type, std::vector<Diagnostic>& out) {
  const size_t n = twin.assets.size();
  std::unordered_map<std::string, size_t> index;
  index.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    index.emplace(twin.assets[i].id, i);
  }
  std::vector<std::vector<std::pair<size_t, const model::Relationship*>>> adj(n);
  for (size_t i = 0; i < n; ++i) {
    for (const model::Relationship& r : twin.assets[i].relationships) {
      auto it = r.type == type ? index.find(r.target) : index.end();
      if (it != index.end()) {
        adj[i].push_back({it->second, &r});
      }
    }
  }
  enum : uint8_t { white, grey, black };
  std::vector<uint8_t> colour(n, white);
  std::vector<size_t> parent(n, SIZE_MAX);
  for (size_t s = 0; s < n; ++s) {
    if (colour[s] != white) {
      continue;
    }
    std::vector<std::pair<size_t, size_t>> stack{{s, 0}}; // node, next edge
    colour[s] = grey;
    while (!stack.empty()) {
      auto& [u, next] = stack.back();
      if (next == adj[u].size()) {
        colour[u] = black;
        stack.pop_back();
        continue;
      }
      auto [v, rel] = adj[u][next++];
      if (colour[v] == white) {
        colour[v] = grey;
        parent[v] = u;
        stack.push_back({v, 0});
      } else if (colour[v] == grey) {
        // u -> v closes a cycle: v -> ... -> u -> v.
        std::vector<std::string> path{twin.assets[v].id};
        std::vector<std::string> back;
        for (size_t w = u; w != v && w != SIZE_MAX; w = parent[w]) {
          back.push_back(twin.assets[w].id);
        }
        path.insert(path.end(), back.rbegin(), back.rend());
        path.push_back(twin.assets[v].id);
        out.push_back({rel->loc, type + " cycle: " + util::join(path, " -> ") +
                                     " (power and data must flow one way; a cycle makes failures "
                                     "propagate forever)"});
      }
    }
  }
}

void check_space_parents(const Twin& twin, std::vector<Diagnostic>& out) {
  for (const model::Space& s : twin.spaces) {
    // Walk up at most as many steps as there are spaces: more means a loop.
    const model::Space* cur = &s;
    for (size_t steps = 0; cur && !cur->parent.empty(); ++steps) {
      if (steps > twin.spaces.size()) {
        out.push_back({s.loc, "space '" + s.id + "' is its own ancestor (parent loop)"});
        break;
      }
      cur = twin.find_space(cur->parent);
    }
  }
}

Finding make_finding(const Twin& twin, const std::string& rule, const Asset* asset, const std::string& field,
                     std::string message, const model::SourceLocation& loc) {
  Finding f = model::make_finding(twin, rule, model::find_rule(rule)->default_severity, asset,
                                  asset ? asset->id : "", field, "policy", loc);
  f.message = std::move(message);
  return f;
}

// "today", "1 day ago", "in 3 days": calendar days (util::days_between), as the audit counts them.
std::string days_phrase(int64_t from, int64_t to, const char* before, const char* after) {
  int64_t days = util::days_between(from, to);
  if (days == 0) {
    return "today";
  }
  return before + std::to_string(days) + (days == 1 ? " day" : " days") + after;
}

// Something done every `interval` (a calibration, a maintenance task), last on
// `last`: `rules.overdue` once the next date has passed, `rules.soon` within
// `soon` of it. The due date goes in `intended` (the audit's due list reads it).
struct DueRules {
  const char* overdue;
  const char* soon;
};
void check_interval(const Twin& twin, const Asset& a, DueRules rules, const std::string& field, const std::string& what,
                    const char* done, const std::string& last, const model::Duration& interval,
                    const model::Duration& soon, const model::SourceLocation& loc, int64_t now, std::vector<Finding>& out) {
  auto on = util::parse_date(last);
  if (!on) {
    return;
  }
  const int64_t due = util::add_duration(*on, interval);
  const std::string due_date = util::format_date(due);
  std::string message;
  const char* rule = nullptr;
  if (due <= now) {
    rule = rules.overdue;
    message = what + " was due on " + due_date + " (" + days_phrase(due, now, "", " overdue") + "; " + done + " " +
              last + ", interval " + interval.text + ")";
  } else if (due <= util::add_duration(now, soon)) {
    rule = rules.soon;
    message = what + " is due on " + due_date + " (" + days_phrase(now, due, "in ", "") + ")";
  } else {
    return;
  }
  Finding f = make_finding(twin, rule, &a, field, std::move(message), loc);
  f.intended = due_date;
  out.push_back(std::move(f));
}

void check_expiry(const Twin& twin, const Asset& a, int64_t now, std::vector<Finding>& out) {
  const int64_t soon = util::add_duration(now, twin.defaults.cert_due_soon);
  for (const model::Certificate& c : a.certificates) {
    auto expires = util::parse_date(c.expires);
    if (!expires) {
      continue;
    }
    std::string field = "certificate:" + c.id;
    std::string what = (c.kind.empty() ? "certificate" : c.kind + " certificate") + " " + c.id;
    if (*expires <= now) {
      Finding f = make_finding(twin, "TWIN201", &a, field,
                               what + " expired on " + c.expires + " (" + days_phrase(*expires, now, "", " ago") + ")", c.loc);
      f.intended = c.expires;
      out.push_back(std::move(f));
    } else if (*expires <= soon) {
      Finding f = make_finding(twin, "TWIN202", &a, field,
                               what + " expires on " + c.expires + " (" + days_phrase(now, *expires, "in ", "") + ")", c.loc);
      f.intended = c.expires;
      out.push_back(std::move(f));
    }
  }
  for (const model::Sensor& s : a.sensors) {
    if (s.calibration) {
      check_interval(twin, a, {"TWIN201", "TWIN202"}, "calibration:" + s.id, "calibration of sensor " + s.id,
                     "calibrated", s.calibration->calibrated_on, s.calibration->interval, twin.defaults.cert_due_soon,
                     s.calibration->loc, now, out);
    }
  }
  for (const model::Maintenance& m : a.maintenance) {
    check_interval(twin, a, {"TWIN203", "TWIN204"}, m.task.empty() ? "maintenance" : "maintenance:" + m.task,
                   m.task.empty() ? "maintenance" : "maintenance task " + m.task, "last done", m.last, m.interval,
                   twin.defaults.maintenance_due_soon, m.loc, now, out);
  }
}

// Purdue levels in order; 3.5 (the IDMZ) sits between 3 and 4.
int purdue_rank(double level) {
  static const double k_levels[] = {0, 1, 2, 3, 3.5, 4, 5};
  for (int i = 0; i < 7; ++i) {
    if (k_levels[i] == level) {
      return i;
    }
  }
  return -1;
}

std::string level_text(double l) {
  std::string s = std::to_string(l);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') {
    s.pop_back();
  }
  return s;
}

bool conduit_allows(const model::ZonePolicy& p, const std::string& from, const std::string& to) {
  for (const model::Conduit& c : p.conduits) {
    if ((c.from == from && c.to == to) || (c.bidirectional && c.from == to && c.to == from)) {
      return true;
    }
  }
  return false;
}

} // namespace

std::optional<double> purdue_level_of(const Twin& twin, const Asset& a) {
  if (a.purdue_level) {
    return a.purdue_level;
  }
  const model::Zone* z = twin.find_zone(a.zone);
  return z ? z->purdue_level : std::nullopt;
}

std::vector<Diagnostic> check_structure(const Twin& twin) {
  std::vector<Diagnostic> out;
  // Candidate lists for "did you mean", built lazily: only errors need them.
  std::vector<std::string> space_ids, team_ids, zone_ids, asset_ids;
  auto lazy = [](std::vector<std::string>& ids, auto& items) -> const std::vector<std::string>& {
    if (ids.empty()) {
      ids = ids_of(items);
    }
    return ids;
  };
  for (const Asset& a : twin.assets) {
    if (!a.located_in.empty() && !twin.find_space(a.located_in)) {
      out.push_back({a.loc, "asset '" + a.id + "': located_in: " + unknown("space", a.located_in, lazy(space_ids, twin.spaces))});
    }
    if (!a.owned_by.empty() && !twin.find_team(a.owned_by)) {
      out.push_back({a.loc, "asset '" + a.id + "': owned_by: " + unknown("team", a.owned_by, lazy(team_ids, twin.teams))});
    }
    const model::Zone* zone = nullptr;
    if (!a.zone.empty()) {
      zone = twin.find_zone(a.zone);
      if (!zone) {
        out.push_back({a.loc, "asset '" + a.id + "': zone: " + unknown("zone", a.zone, lazy(zone_ids, twin.zone_policy.zones)) +
                                  (twin.zone_policy.loc.known() ? "" : "; the twin has no ZonePolicy")});
      }
    }
    auto ip = a.expected.find("ip");
    if (zone && ip != a.expected.end() && !zone->subnets.empty()) {
      bool inside = std::any_of(zone->subnets.begin(), zone->subnets.end(),
                                [&](const std::string& cidr) { return util::ip_in_cidr(ip->second.value, cidr); });
      if (!inside) {
        out.push_back({ip->second.loc, "asset '" + a.id + "': ip " + ip->second.value + " is outside the subnets of zone '" +
                                           zone->id + "' (" + util::join(zone->subnets, ", ") + ")"});
      }
    }
    for (const model::Relationship& r : a.relationships) {
      if (!r.target.empty() && !twin.find_asset(r.target)) {
        out.push_back({r.loc, "asset '" + a.id + "': " + r.type + " target: " + unknown("asset", r.target, lazy(asset_ids, twin.assets))});
      }
    }
  }
  for (const model::Space& s : twin.spaces) {
    if (!s.parent.empty() && !twin.find_space(s.parent)) {
      out.push_back({s.loc, "space '" + s.id + "': parent: " + unknown("space", s.parent, lazy(space_ids, twin.spaces))});
    }
  }
  for (const model::Conduit& c : twin.zone_policy.conduits) {
    for (const std::string* z : {&c.from, &c.to}) {
      if (!z->empty() && !twin.find_zone(*z)) {
        out.push_back({c.loc, "conduit '" + c.id + "': " + unknown("zone", *z, lazy(zone_ids, twin.zone_policy.zones))});
      }
    }
  }
  check_space_parents(twin, out);
  find_cycles(twin, "POWERS", out);
  find_cycles(twin, "FEEDS_DATA", out);
  std::sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.path, a.loc.line, a.loc.column, a.message) <
           std::tie(b.loc.path, b.loc.line, b.loc.column, b.message);
  });
  return out;
}

std::vector<Finding> check_policy(const Twin& twin, const PolicyOptions& opts) {
  std::vector<Finding> out;
  for (const Asset& a : twin.assets) {
    check_expiry(twin, a, opts.now, out);
    for (const model::Relationship& r : a.relationships) {
      if (r.type != "FEEDS_DATA") {
        continue;
      }
      const Asset* b = twin.find_asset(r.target);
      if (!b) {
        continue;
      }
      std::string field = "relationship:FEEDS_DATA:" + b->id;
      if (!a.zone.empty() && !b->zone.empty() && a.zone != b->zone &&
          !conduit_allows(twin.zone_policy, a.zone, b->zone)) {
        Finding f = make_finding(twin, "TWIN301", &a, field,
                                 "data flow " + a.id + " -> " + b->id + " crosses from zone " + a.zone + " to " +
                                     b->zone + " and no conduit allows it",
                                 r.loc);
        f.intended = a.zone + " -> " + b->zone;
        out.push_back(std::move(f));
      }
      auto la = purdue_level_of(twin, a);
      auto lb = purdue_level_of(twin, *b);
      if (la && lb && std::abs(purdue_rank(*la) - purdue_rank(*lb)) > 1) {
        Finding f = make_finding(twin, "TWIN302", &a, field,
                                 "data flow " + a.id + " (level " + level_text(*la) + ") -> " + b->id + " (level " +
                                     level_text(*lb) + ") skips Purdue levels",
                                 r.loc);
        f.intended = "level " + level_text(*la) + " -> level " + level_text(*lb);
        out.push_back(std::move(f));
      }
    }
  }
  return out;
}

} // namespace twinctl::validate
