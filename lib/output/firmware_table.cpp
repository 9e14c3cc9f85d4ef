#include "lib/output/firmware_output.hpp"
#include "lib/output/markdown_text.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>

namespace twinctl::output {

namespace {

std::string pad(const std::string& s, size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

std::string contact(const model::Twin& twin, const std::string& id) {
  const model::Team* t = twin.find_team(id);
  if (!t) {
    return id;
  }
  std::string s = t->name.empty() ? id : t->name;
  const std::string& reach = !t->oncall.empty() ? t->oncall : !t->lead.empty() ? t->lead : t->email;
  return reach.empty() ? s : s + " (" + reach + ")";
}

// At most `w` characters: longer text ends in "..." (vendor and model names can be long).
std::string cut(const std::string& s, size_t w) { return s.size() <= w ? s : s.substr(0, w - 3) + "..."; }

} // namespace

void write_firmware_status_table(std::ostream& out, const firmware::Status& s, bool with_live) {
  size_t wv = 7, wm = 6, wn = 7;
  for (const firmware::ModelVersions& m : s.models) {
    wv = std::max(wv, std::min<size_t>(m.vendor.size(), 20) + 1);
    wm = std::max(wm, std::min<size_t>(m.model.size(), 32) + 1);
    wn = std::max(wn, std::min<size_t>(m.newest.size(), 20) + 1);
  }
  out << pad("VENDOR", wv) << pad("MODEL", wm) << pad("CLASS", 8) << pad("NEWEST", wn) << "INTENDED (assets)"
      << (with_live ? "  |  LIVE (assets)" : "") << "\n";
  for (const firmware::ModelVersions& m : s.models) {
    std::string intended, live;
    for (const auto& [v, n] : m.intended) {
      intended += (intended.empty() ? "" : ", ") + v + " (" + std::to_string(n) + ")";
    }
    for (const auto& [v, n] : m.live) {
      live += (live.empty() ? "" : ", ") + v + " (" + std::to_string(n) + ")";
    }
    out << pad(util::visible(cut(m.vendor.empty() ? "-" : m.vendor, 20)), wv)
        << pad(util::visible(cut(m.model.empty() ? "-" : m.model, 32)), wm) << pad(m.asset_class, 8)
        << pad(util::visible(cut(m.newest.empty() ? "-" : m.newest, 20)), wn)
        << util::visible(intended.empty() ? "-" : intended) << (with_live ? "  |  " + util::visible(live.empty() ? "-" : live) : "")
        << "\n";
  }
  std::vector<const firmware::AssetFirmware*> behind;
  for (const firmware::AssetFirmware& f : s.assets) {
    if (!f.behind_newest.empty() || (with_live && !f.live_vs_intended.empty() && f.live_vs_intended != "equal")) {
      behind.push_back(&f);
    }
  }
  out << "\n";
  if (behind.empty()) {
    out << "No asset is behind: every intended firmware is its model's newest"
        << (with_live ? ", and every device runs its intended firmware" : "") << ".\n";
    return;
  }
  out << pad("ASSET", 20) << pad("INTENDED", 14) << (with_live ? pad("LIVE", 14) : "") << "STATE\n";
  for (const firmware::AssetFirmware* f : behind) {
    std::string state;
    if (with_live && !f->live_vs_intended.empty() && f->live_vs_intended != "equal") {
      state = "live is " + f->live_vs_intended + (f->live_vs_intended == "behind" || f->live_vs_intended == "ahead" ? " the twin" : " from the twin");
    }
    if (!f->behind_newest.empty()) {
      state += (state.empty() ? "" : "; ") + std::string("twin: ") + f->behind_newest + " " + f->newest;
    }
    out << pad(util::visible(f->asset), 20) << pad(util::visible(f->intended.empty() ? "-" : f->intended), 14)
        << (with_live ? pad(util::visible(f->live ? *f->live : "-"), 14) : "") << util::visible(state) << "\n";
  }
}

void write_rollout_table(std::ostream& out, const firmware::Plan& p, const model::Twin& twin) {
  size_t n = 0;
  for (const firmware::Wave& w : p.waves) {
    n += w.assets.size();
  }
  out << "Rollout of firmware " << util::visible(p.to) << ": " << util::plural(long(n), "asset", "assets") << " in "
      << util::plural(long(p.waves.size()), "wave", "waves") << ".\n\n";
  for (const firmware::Wave& w : p.waves) {
    std::vector<std::string> calls;
    for (const std::string& t : w.teams) {
      calls.push_back(contact(twin, t));
    }
    out << "Wave " << w.number << " (" << (w.line.empty() ? "no line" : util::visible(w.line)) << "): "
        << util::visible(util::join(w.assets, ", ")) << "\n";
    if (!calls.empty()) {
      out << "  call: " << util::visible(util::join(calls, "; ")) << "\n";
    }
  }
  for (const std::string& c : p.constraints) {
    out << "  kept apart: " << util::visible(c) << "\n";
  }
  if (!p.already.empty()) {
    out << "\nAlready at " << util::visible(p.to) << ": " << util::visible(util::join(p.already, ", ")) << "\n";
  }
  if (!p.downgrade.empty()) {
    out << "Skipped, the twin has a newer firmware (not a downgrade): " << util::visible(util::join(p.downgrade, ", "))
        << "\n";
  }
}

void write_rollout_markdown(std::ostream& out, const firmware::Plan& p, const model::Twin& twin) {
  out << "## Firmware rollout: " << markdown_text(p.to) << "\n\n";
  for (const firmware::Wave& w : p.waves) {
    std::vector<std::string> calls;
    for (const std::string& t : w.teams) {
      calls.push_back(markdown_text(contact(twin, t)));
    }
    out << "- [ ] **Wave " << w.number << "** (" << (w.line.empty() ? "no line" : markdown_text(w.line)) << "): ";
    for (size_t i = 0; i < w.assets.size(); ++i) {
      out << (i ? ", " : "") << markdown_text(w.assets[i]);
    }
    out << (calls.empty() ? "" : " — call " + util::join(calls, "; ")) << "\n";
  }
  if (!p.constraints.empty()) {
    out << "\nKept apart to keep redundancy:\n\n";
    for (const std::string& c : p.constraints) {
      out << "- " << markdown_text(c) << "\n";
    }
  }
}

} // namespace twinctl::output
