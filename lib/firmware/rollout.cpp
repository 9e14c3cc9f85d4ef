#include "lib/firmware/rollout.hpp"

#include "lib/drift/drift.hpp"
#include "lib/util/firmware.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace twinctl::firmware {

namespace {

int criticality_rank(const std::string& c) { return c == "low" ? 0 : c == "medium" ? 1 : c == "high" ? 2 : 3; }

bool newer(const std::string& a, const std::string& b) {
  return util::compare_firmware(util::parse_firmware(a), util::parse_firmware(b)) == util::FirmwareOrder::ahead;
}

std::string line_of(const model::Twin& twin, const model::Asset& a) {
  const model::Space* s = twin.find_space(a.located_in);
  for (int depth = 0; s && depth < 64; ++depth) {
    if (s->type == "line") {
      return s->id;
    }
    s = s->parent.empty() ? nullptr : twin.find_space(s->parent);
  }
  return "";
}

} // namespace

std::string distance(const std::string& a, const std::string& b) {
  const util::Firmware fa = util::parse_firmware(a), fb = util::parse_firmware(b);
  if (util::compare_firmware(fa, fb) != util::FirmwareOrder::behind) {
    return "";
  }
  static const char* k_names[] = {"major", "minor"};
  const size_t n = std::max(fa.release.size(), fb.release.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string x = i < fa.release.size() ? fa.release[i] : "0";
    const std::string y = i < fb.release.size() ? fb.release[i] : "0";
    if (x == y) {
      continue;
    }
    // Numbers without leading zeros: a longer one is larger; the gap when it fits in 9 digits.
    std::string gap;
    if (x.size() <= 9 && y.size() <= 9) {
      const long d = std::stol(y) - std::stol(x);
      gap = std::to_string(d) + " ";
      return gap + (i < 2 ? k_names[i] : "patch") + (d == 1 ? " version behind" : " versions behind");
    }
    return std::string(i < 2 ? k_names[i] : "patch") + " versions behind";
  }
  return "behind (same release, older build)";
}

Status firmware_status(const model::Twin& twin, const model::LiveSnapshot* live) {
  Status st;
  std::map<std::string, std::vector<const model::Observation*>> obs;
  if (live) {
    for (const model::Observation& o : live->observations) {
      if (!o.asset.empty()) {
        obs[o.asset].push_back(&o);
      }
    }
  }
  std::map<std::pair<std::string, std::string>, ModelVersions> models;
  for (const model::Asset& a : twin.assets) {
    AssetFirmware f;
    f.asset = a.id;
    f.asset_class = a.asset_class;
    f.vendor = a.vendor;
    f.model = a.model;
    f.line = line_of(twin, a);
    f.team = a.owned_by;
    if (auto it = a.expected.find("firmware"); it != a.expected.end()) {
      f.intended = it->second.value;
      f.loc = it->second.loc;
    }
    if (auto o = obs.find(a.id); o != obs.end()) {
      if (auto v = drift::live_value(o->second, "firmware")) {
        f.live = v->value;
      }
    }
    if (f.intended.empty() && !f.live) {
      continue;
    }
    if (f.live && !f.intended.empty()) {
      f.live_vs_intended = util::to_string(
          util::compare_firmware(util::parse_firmware(*f.live), util::parse_firmware(f.intended)));
      st.live_behind += f.live_vs_intended == "behind";
      st.live_ahead += f.live_vs_intended == "ahead";
      st.live_other += f.live_vs_intended == "different" || f.live_vs_intended == "different build";
    }
    ModelVersions& m = models[{a.vendor, a.model}];
    m.vendor = a.vendor;
    m.model = a.model;
    m.asset_class = a.asset_class;
    if (!f.intended.empty()) {
      ++m.intended[f.intended];
      if (m.newest.empty() || newer(f.intended, m.newest)) {
        m.newest = f.intended;
      }
    }
    if (f.live) {
      ++m.live[*f.live];
    }
    st.assets.push_back(std::move(f));
  }
  for (AssetFirmware& f : st.assets) {
    ModelVersions& m = models.at({f.vendor, f.model});
    f.newest = m.newest;
    if (!f.intended.empty()) {
      f.behind_newest = distance(f.intended, m.newest);
      m.behind += !f.behind_newest.empty();
    }
  }
  for (auto& [key, m] : models) {
    st.models.push_back(std::move(m));
  }
  return st;
}

Plan plan_rollout(const model::Twin& twin, const graph::AssetGraph& g, const Selector& sel, const std::string& to,
                  size_t wave_size) {
  Plan plan;
  plan.to = to;
  const util::Firmware target = util::parse_firmware(to);
  struct Candidate {
    graph::NodeId node;
    std::string line;
    int rank;
  };
  std::vector<Candidate> todo;
  for (graph::NodeId n = 0; n < g.nodes(); ++n) {
    const model::Asset& a = g.asset(n);
    if ((!sel.asset_class.empty() && a.asset_class != sel.asset_class) ||
        (!sel.vendor.empty() && util::to_lower(a.vendor) != util::to_lower(sel.vendor)) ||
        (!sel.model.empty() && util::to_lower(a.model) != util::to_lower(sel.model))) {
      continue;
    }
    if (!sel.assets.empty() && std::none_of(sel.assets.begin(), sel.assets.end(), [&](const std::string& glob) {
          return util::glob_match(glob, a.id);
        })) {
      continue;
    }
    auto it = a.expected.find("firmware");
    if (it != a.expected.end()) {
      const util::FirmwareOrder o = util::compare_firmware(util::parse_firmware(it->second.value), target);
      if (o == util::FirmwareOrder::equal) {
        plan.already.push_back(a.id);
        continue;
      }
      if (o == util::FirmwareOrder::ahead) {
        plan.downgrade.push_back(a.id);
        continue;
      }
    }
    todo.push_back({n, line_of(twin, a), criticality_rank(a.criticality)});
  }
  // Lines by id with no line last; least critical first, then id (node order is id order).
  std::stable_sort(todo.begin(), todo.end(), [](const Candidate& x, const Candidate& y) {
    return std::make_tuple(x.line.empty(), x.line, x.rank, x.node) < std::make_tuple(y.line.empty(), y.line, y.rank, y.node);
  });

  std::set<std::string> said;
  size_t line_first = 0; // index in plan.waves of the current line's first wave
  std::string current = "\x01";
  for (const Candidate& c : todo) {
    if (c.line != current) {
      current = c.line;
      line_first = plan.waves.size();
    }
    const model::Asset& a = g.asset(c.node);
    // The groups the asset belongs to: each consumer it feeds with redundancy, per edge type.
    auto fits = [&](const Wave& w) {
      if (wave_size > 0 && w.assets.size() >= wave_size) {
        return false;
      }
      for (size_t e = g.out.begin(c.node); e < g.out.end(c.node); ++e) {
        const graph::NodeId consumer = g.out.targets[e];
        const graph::EdgeType type = g.out.types[e];
        const size_t tolerance = g.tolerance[consumer][size_t(type)];
        const size_t feeders = g.feeders(consumer, type);
        if (tolerance == 0 || feeders < 2) {
          continue; // no redundancy: the consumer stops for any feeder's update anyway
        }
        size_t down = 0;
        std::string other;
        for (size_t f = g.in.begin(consumer); f < g.in.end(consumer); ++f) {
          if (g.in.types[f] == type &&
              std::find(w.assets.begin(), w.assets.end(), g.asset(g.in.targets[f]).id) != w.assets.end()) {
            ++down;
            other = g.asset(g.in.targets[f]).id;
          }
        }
        if (down >= tolerance) {
          std::string why = a.id + " and " + other + " both " + graph::to_string(type) + " " +
                            g.asset(consumer).id + " (needs " + std::to_string(feeders - tolerance) + " of " +
                            std::to_string(feeders) + "): not in the same wave";
          if (said.insert(why).second) {
            plan.constraints.push_back(why);
          }
          return false;
        }
      }
      return true;
    };
    size_t w = line_first;
    while (w < plan.waves.size() && !fits(plan.waves[w])) {
      ++w;
    }
    if (w == plan.waves.size()) {
      Wave nw;
      nw.number = int(plan.waves.size()) + 1;
      nw.line = c.line;
      plan.waves.push_back(std::move(nw));
    }
    plan.waves[w].assets.push_back(a.id);
    if (!a.owned_by.empty() &&
        std::find(plan.waves[w].teams.begin(), plan.waves[w].teams.end(), a.owned_by) == plan.waves[w].teams.end()) {
      plan.waves[w].teams.push_back(a.owned_by);
    }
  }
  for (Wave& w : plan.waves) {
    std::sort(w.teams.begin(), w.teams.end());
  }
  return plan;
}

} // namespace twinctl::firmware

namespace twinctl::firmware {

std::string replace_value(const std::string& text, int line, int column, const std::string& value) {
  size_t pos = 0;
  for (int l = 1; l < line && pos != std::string::npos; ++l) {
    pos = text.find('\n', pos);
    pos = pos == std::string::npos ? pos : pos + 1;
  }
  const size_t eol = pos == std::string::npos ? pos : text.find('\n', pos);
  const size_t key = pos == std::string::npos ? pos : pos + size_t(column - 1);
  auto fail = [&](const char* why) {
    return Error("line " + std::to_string(line) + ": cannot set the firmware here (" + why + "); edit it by hand");
  };
  if (key == std::string::npos || key >= text.size() || (eol != std::string::npos && key >= eol)) {
    throw fail("no such position");
  }
  size_t colon = text.find(':', key);
  if (colon == std::string::npos || (eol != std::string::npos && colon > eol)) {
    throw fail("no 'key: value' pair");
  }
  size_t start = text.find_first_not_of(" \t", colon + 1);
  const size_t line_end = eol == std::string::npos ? text.size() : eol;
  if (start == std::string::npos || start >= line_end) {
    throw fail("the value is not on the key's line");
  }
  size_t end;
  const char c = text[start];
  if (c == '"' || c == '\'') {
    end = start + 1;
    while (end < line_end && !(text[end] == c && (c == '\'' || text[end - 1] != '\\'))) {
      ++end;
    }
    if (end >= line_end) {
      throw fail("an unterminated quoted value");
    }
    ++end;
  } else if (c == '|' || c == '>' || c == '[' || c == '{' || c == '&' || c == '*' || c == '!') {
    throw fail("not a plain value");
  } else {
    end = start;
    while (end < line_end && text[end] != ',' && text[end] != '}' && text[end] != '\r' &&
           !(text[end] == '#' && (text[end - 1] == ' ' || text[end - 1] == '\t'))) {
      ++end;
    }
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) {
      --end;
    }
  }
  std::string quoted = "\"";
  for (char ch : value) {
    if (ch == '"' || ch == '\\') {
      quoted += '\\';
    }
    quoted += ch;
  }
  quoted += '"';
  return text.substr(0, start) + quoted + text.substr(end);
}

} // namespace twinctl::firmware
