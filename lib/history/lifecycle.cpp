#include "lib/history/lifecycle.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace twinctl::history {

bool from_live_state(const std::string& kind) { return kind != "policy" && kind != "expiry"; }

Lifecycle advance(const std::vector<Known>& known, const std::vector<Seen>& seen, bool live_complete, int64_t now) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < known.size(); ++i) {
    index.emplace(known[i].fingerprint, i);
  }
  auto days = [now](int64_t since) { return std::max<int64_t>(0, (now - since) / 86400); };

  Lifecycle out;
  std::unordered_set<std::string> present;
  for (const Seen& s : seen) {
    present.insert(s.fingerprint);
    auto it = index.find(s.fingerprint);
    Verdict v;
    if (it == index.end()) {
      v.state = "new";
      v.opened_at = now;
    } else if (known[it->second].open) {
      v.state = "open";
      v.opened_at = known[it->second].opened_at;
    } else {
      v.state = "reopened";
      v.opened_at = now;
    }
    v.open_days = days(v.opened_at);
    out.seen.push_back(std::move(v));
  }
  // Open findings this run did not see: resolved if the run looked, else carried.
  for (size_t i = 0; i < known.size(); ++i) {
    const Known& k = known[i];
    if (!k.open || present.count(k.fingerprint)) {
      continue;
    }
    (live_complete || !from_live_state(k.kind) ? out.resolved : out.carried).push_back(i);
  }
  return out;
}

} // namespace twinctl::history
