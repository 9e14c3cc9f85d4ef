#include "lib/health/health.hpp"

#include "lib/model/rules.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace twinctl::health {

namespace {

std::string num(double v, int decimals = 0) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The id of the space of `type` the asset sits in, else "".
std::string space_of(const model::Twin& twin, const model::Asset& a, const char* type) {
  const model::Space* s = twin.enclosing(a, type);
  return s ? s->id : "";
}

double criticality_weight(const std::string& c) {
  return c == "safety" ? 4 : c == "high" ? 3 : c == "low" ? 1 : 2;
}

struct FindingTally {
  size_t count = 0;
  const model::Finding* worst = nullptr;
  void add(const model::Finding& f) {
    ++count;
    if (!worst || f.severity > worst->severity) {
      worst = &f;
    }
  }
};

// The finding's field, or its rule's name when it has none (a missing asset).
std::string what_of(const model::Finding& f) {
  if (!f.field.empty()) {
    return f.field;
  }
  const model::Rule* r = model::find_rule(f.rule);
  return r ? r->name : "";
}

Component drift_component(const FindingTally& t, bool checked) {
  Component c{"drift", Weights::drift, 0, checked, ""};
  if (!checked) {
    c.why = "not checked (no live state)";
    return c;
  }
  if (t.count == 0) {
    c.why = "no open drift";
    return c;
  }
  static const double points[] = {0, 4, 10, 20, 30}; // info low medium high critical
  c.penalty = std::min(c.weight, points[int(t.worst->severity)] + 2.0 * double(t.count - 1));
  c.why = util::plural(long(t.count), "open finding", "open findings") + ", worst " +
          model::to_string(t.worst->severity) + " (" + t.worst->rule + " " + what_of(*t.worst) + ")";
  return c;
}

// " (hydraulic-overhaul)" for a field "maintenance:hydraulic-overhaul"; "" for "maintenance".
std::string item_of(const model::Finding& f) {
  const size_t colon = f.field.find(':');
  return colon == std::string::npos ? "" : " (" + f.field.substr(colon + 1) + ")";
}

// Overdue (`over`) takes the whole weight, due soon 3 points.
Component due_component(const char* name, double weight, const FindingTally& over, const FindingTally& soon,
                        const char* what) {
  Component c{name, weight, 0, true, ""};
  if (over.count > 0) {
    c.penalty = weight;
    c.why = util::plural(long(over.count), std::string(what) + " overdue", std::string(what) + "s overdue") +
            item_of(*over.worst);
  } else if (soon.count > 0) {
    c.penalty = 3;
    c.why = util::plural(long(soon.count), std::string(what) + " due soon", std::string(what) + "s due soon") +
            item_of(*soon.worst);
  } else {
    c.why = std::string("nothing ") + what + " due";
  }
  return c;
}

struct ActiveAlert {
  const model::Alert* raise;
  int64_t since;
};

Component alerts_component(const std::vector<ActiveAlert>* active, bool given, int64_t now) {
  Component c{"alerts", Weights::alerts, 0, given, ""};
  if (!given) {
    c.why = "no alert stream given";
    return c;
  }
  if (!active || active->empty()) {
    c.why = "no active alert";
    return c;
  }
  double worst = 0;
  int64_t oldest = now;
  const model::Alert* worst_alert = nullptr;
  for (const ActiveAlert& a : *active) {
    const double p = a.raise->severity == "critical" ? 20 : a.raise->severity == "warning" ? 10 : 2;
    if (p > worst) {
      worst = p;
      worst_alert = a.raise;
    }
    oldest = std::min(oldest, a.since);
  }
  const double age_h = double(now - oldest) / 3600.0;
  c.penalty = std::min(c.weight, worst + 2.0 * double(active->size() - 1) + (age_h > 24 ? 5 : 0));
  c.why = util::plural(long(active->size()), "active alert", "active alerts") + ", worst " + worst_alert->severity +
          " (" + worst_alert->detector + (worst_alert->sensor.empty() ? "" : " on " + worst_alert->sensor) +
          "), oldest " + (age_h >= 48 ? num(age_h / 24) + " days" : num(age_h) + " h") + " old";
  return c;
}

Component availability_component(const double* availability, bool planned) {
  Component c{"availability", Weights::availability, 0, availability != nullptr, ""};
  if (!availability) {
    c.why = "no status readings";
    return c;
  }
  // Full weight at 75 % or less: a machine down a quarter of the time is as unhealthy as it gets here.
  c.penalty = c.weight * std::min(1.0, (1 - *availability) / 0.25);
  c.why = num(*availability * 100, 1) +
          (planned ? " % of planned production time running (OEE availability)" : " % of the observed time up");
  return c;
}

Component degradation_component(const std::vector<SensorTrend>* trends, std::optional<double> risk) {
  Component c{"degradation", Weights::degradation, 0, risk.has_value(), ""};
  if (!risk) {
    c.why = trends && !trends->empty() ? "too few readings to fit a trend" : "no readings of a sensor with an alarm limit";
    return c;
  }
  c.penalty = c.weight * *risk;
  c.why = trends->front().sensor + " " + trend_phrase(trends->front()) + "; risk " + num(*risk, 2);
  return c;
}

} // namespace

Limits limits_of(const model::Sensor& s) {
  return {s.thresholds.high_alarm, s.thresholds.low_alarm};
}

std::string trend_phrase(const SensorTrend& st) {
  const TrendResult& t = st.trend;
  if (!t.enough) {
    return "too few readings (" + std::to_string(t.points) + " of " + std::to_string(TrendFit::k_min_points) +
           " buckets)";
  }
  if (!t.limit) {
    return "no alarm limit";
  }
  const std::string limit = num(*t.limit, std::fabs(*t.limit) < 10 ? 2 : 0) + (st.unit.empty() ? "" : " " + st.unit);
  if (t.past) {
    return std::string("past its ") + (t.high_side ? "high" : "low") + " alarm limit " + limit;
  }
  if (!t.trending) {
    return "no trend (level " + num(t.level, 1) + ", limit " + limit + ")";
  }
  auto days = [](double d) { return d < 1 ? num(d * 24) + " h" : num(d, d < 10 ? 1 : 0) + " days"; };
  std::string range = days(*t.earliest_days) + " to " + (t.latest_days ? days(*t.latest_days) : "never at the slowest");
  return "crosses " + limit + " in " + days(*t.crossing_days) + " (" + range + ")";
}

HealthReport assess(const model::Twin& twin, const Inputs& in, int64_t now) {
  HealthReport r;
  r.site = twin.id;
  r.site_name = twin.name;
  r.now = now;
  r.policy = twin.health_policy;

  // Findings by asset and component.
  struct Tallies {
    FindingTally drift, overdue, due_soon, maint_over, maint_soon;
  };
  std::map<std::string, Tallies> tallies;
  if (in.findings) {
    for (const model::Finding& f : *in.findings) {
      if (f.suppressed || f.asset.empty()) {
        continue;
      }
      Tallies& t = tallies[f.asset];
      if (f.rule.rfind("TWIN1", 0) == 0) {
        t.drift.add(f);
      } else if (f.rule == "TWIN201") {
        t.overdue.add(f);
      } else if (f.rule == "TWIN202") {
        t.due_soon.add(f);
      } else if (f.rule == "TWIN203") {
        t.maint_over.add(f);
      } else if (f.rule == "TWIN204") {
        t.maint_soon.add(f);
      }
    }
  }
  // Alerts active at `now`: the last raise of each (asset, sensor, detector) not cleared since.
  std::map<std::string, std::vector<ActiveAlert>> active;
  if (in.alerts) {
    std::map<std::tuple<std::string, std::string, std::string>, ActiveAlert> open;
    for (const model::Alert& a : *in.alerts) {
      auto ts = util::parse_timestamp(a.ts);
      if (!ts || *ts > now) {
        continue;
      }
      auto key = std::make_tuple(a.asset, a.sensor, a.detector);
      if (a.event == "raise") {
        // A raise while open (a severity change) keeps its start and takes the new severity.
        open.try_emplace(key, ActiveAlert{&a, *ts}).first->second.raise = &a;
      } else {
        open.erase(key);
      }
    }
    for (auto& [key, a] : open) {
      active[std::get<0>(key)].push_back(a);
    }
  }

  for (const model::Asset& a : twin.assets) {
    AssetHealth h;
    h.asset = a.id;
    h.name = a.name;
    h.criticality = a.criticality;
    h.line = space_of(twin, a, "line");
    h.cell = space_of(twin, a, "cell");
    h.team = a.owned_by;
    const Tallies t = tallies.count(a.id) ? tallies.at(a.id) : Tallies{};
    auto trends = in.trends.find(a.id);
    const std::vector<SensorTrend>* tr = trends == in.trends.end() ? nullptr : &trends->second;
    if (tr) {
      h.trends = *tr;
      std::stable_sort(h.trends.begin(), h.trends.end(), [](const SensorTrend& x, const SensorTrend& y) {
        return x.trend.risk.value_or(-1) > y.trend.risk.value_or(-1);
      });
      if (!h.trends.empty() && h.trends.front().trend.risk) {
        h.risk = h.trends.front().trend.risk;
      }
    }
    auto av = in.availability.find(a.id);
    auto act = active.find(a.id);
    h.components = {
        drift_component(t.drift, in.drift_checked),
        alerts_component(act == active.end() ? nullptr : &act->second, in.alerts != nullptr, now),
        availability_component(av == in.availability.end() ? nullptr : &av->second,
                               in.availability_planned.count(a.id) > 0),
        due_component("compliance", Weights::compliance, t.overdue, t.due_soon, "certificate or calibration"),
        due_component("maintenance", Weights::maintenance, t.maint_over, t.maint_soon, "maintenance task"),
        degradation_component(h.trends.empty() ? nullptr : &h.trends, h.risk),
    };
    double lost = 0;
    for (const Component& c : h.components) {
      lost += c.penalty;
    }
    h.score = std::max(0.0, std::round(100 - lost));
    h.warning = h.score < r.policy.warn_below;
    h.at_risk = h.risk && *h.risk > r.policy.risk_above;
    r.warnings += h.warning;
    r.at_risk += h.at_risk;
    r.assets.push_back(std::move(h));
  }

  // Roll-ups: the site, every line and every cell that holds assets.
  std::map<std::pair<std::string, std::string>, std::vector<const AssetHealth*>> groups;
  for (const AssetHealth& h : r.assets) {
    groups[{"site", twin.id}].push_back(&h);
    if (!h.line.empty()) {
      groups[{"line", h.line}].push_back(&h);
    }
    if (!h.cell.empty()) {
      groups[{"cell", h.cell}].push_back(&h);
    }
  }
  static const char* k_levels[] = {"site", "line", "cell"};
  for (const char* level : k_levels) {
    for (const auto& [key, members] : groups) {
      if (key.first != level) {
        continue;
      }
      Rollup u;
      u.level = level;
      u.id = key.second;
      const model::Space* sp = twin.find_space(u.id);
      u.name = u.level == "site" ? twin.name : sp ? sp->name : "";
      double sum = 0, weight = 0;
      for (const AssetHealth* h : members) {
        const double w = criticality_weight(h->criticality);
        sum += w * h->score;
        weight += w;
        u.warnings += h->warning;
        u.at_risk += h->at_risk;
        if (u.worst_asset.empty() || h->score < u.worst_score) {
          u.worst_asset = h->asset;
          u.worst_score = h->score;
        }
      }
      u.assets = members.size();
      u.score = weight > 0 ? std::round(sum / weight) : 100;
      r.rollups.push_back(std::move(u));
    }
  }
  return r;
}

} // namespace twinctl::health
