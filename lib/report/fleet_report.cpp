#include "lib/report/fleet_report.hpp"

#include "lib/util/time.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace twinctl::report {

FleetReport build_fleet_report(const FleetData &data, const FleetOptions &opts) {
  FleetReport r;
  r.title = opts.title.empty() ? "Fleet report" : opts.title;
  r.tool_version = opts.tool_version;
  int64_t newest = 0;
  for (const std::vector<RunRecord> &runs : data.sites) {
    if (!runs.empty())
      newest = std::max(newest, util::parse_timestamp(runs.back().started_at).value_or(0));
  }
  const int64_t now = opts.now.value_or(newest);
  r.generated_at = util::format_timestamp(now);

  std::set<std::string> dates;
  for (const std::vector<RunRecord> &runs : data.sites) {
    if (runs.empty())
      continue;
    FleetSite s;
    s.latest = runs.back();
    const int64_t total_now = total(s.latest.open);
    if (runs.size() > 1)
      s.change = total_now - total(runs[runs.size() - 2].open);
    for (size_t i = runs.size() - std::min(runs.size(), opts.recent_runs); i < runs.size(); ++i)
      s.recent.push_back(total(runs[i].open));
    int64_t at = util::parse_timestamp(s.latest.started_at).value_or(now);
    s.age_days = now > at ? (now - at) / 86400 : 0;
    if (auto h = data.health.find(s.latest.id); h != data.health.end())
      s.health = h->second;
    for (size_t k = 0; k < 5; ++k)
      r.open[k] += s.latest.open[k];
    r.new_count += s.latest.new_count + s.latest.reopened_count;
    r.resolved_count += s.latest.resolved_count;
    r.incomplete += s.latest.incomplete;
    r.stale += s.age_days > 1;
    for (const RunRecord &run : runs)
      dates.insert(run.started_at.substr(0, 10));
    r.sites.push_back(std::move(s));
  }
  r.open_total = total(r.open);
  std::sort(r.sites.begin(), r.sites.end(), [](const FleetSite &a, const FleetSite &b) {
    return more_severe(a.latest.open, a.latest.site, b.latest.open, b.latest.site);
  });

  std::map<std::pair<std::string, std::string>, SeverityCounts> by_asset;
  for (const FleetOpenFinding &f : data.open) {
    if (!f.asset.empty())
      ++by_asset[{f.site, f.asset}][size_t(f.severity)];
  }
  for (const auto &[key, counts] : by_asset)
    r.assets.push_back({key.first, key.second, counts});
  r.assets_open = int64_t(r.assets.size());
  std::sort(r.assets.begin(), r.assets.end(), [](const FleetAsset &a, const FleetAsset &b) {
    if (a.open != b.open)
      return more_severe(a.open, "", b.open, "");
    return std::tie(a.asset, a.site) < std::tie(b.asset, b.site);
  });
  r.assets.resize(std::min(r.assets.size(), opts.max_assets));

  // The last trend_days days with a run: each site counts with its latest run up to that day.
  std::vector<std::string> days(dates.begin(), dates.end());
  days.erase(days.begin(), days.end() - int64_t(std::min(days.size(), opts.trend_days)));
  for (const std::string &day : days) {
    FleetTrendPoint p;
    p.date = day;
    for (const std::vector<RunRecord> &runs : data.sites) {
      auto last = std::find_if(runs.rbegin(), runs.rend(),
                               [&day](const RunRecord &run) { return run.started_at.substr(0, 10) <= day; });
      if (last == runs.rend())
        continue;
      ++p.sites;
      for (size_t k = 0; k < 5; ++k)
        p.open[k] += last->open[k];
    }
    r.trend.push_back(p);
  }
  return r;
}

} // namespace twinctl::report
