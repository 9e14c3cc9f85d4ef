#include "lib/model/twin.hpp"

#include <algorithm>

namespace twinctl::model {

namespace {

// Collections sorted by id: binary search.
template <class T>
const T* find_sorted(const std::vector<T>& items, const std::string& id) {
  auto it = std::lower_bound(items.begin(), items.end(), id,
                             [](const T& item, const std::string& key) { return item.id < key; });
  if (it == items.end() || it->id != id) {
    return nullptr;
  }
  return &*it;
}

} // namespace

const Asset* Twin::find_asset(const std::string& key) const { return find_sorted(assets, key); }
const Space* Twin::find_space(const std::string& key) const { return find_sorted(spaces, key); }

const Space* Twin::enclosing(const Asset& a, std::string_view type) const {
  const Space* s = find_space(a.located_in);
  for (size_t depth = 0; s && depth <= spaces.size(); ++depth) { // a parent loop ends here too
    if (s->type == type) {
      return s;
    }
    s = s->parent.empty() ? nullptr : find_space(s->parent);
  }
  return nullptr;
}
const Team* Twin::find_team(const std::string& key) const { return find_sorted(teams, key); }

const Zone* Twin::find_zone(const std::string& key) const { return find_sorted(zone_policy.zones, key); }

const Source* Twin::find_source(const std::string& key) const {
  for (const Source& s : sources) {
    if (s.id == key) {
      return &s;
    }
  }
  return nullptr;
}

CommitInfo Twin::commit_of(const std::string& path) const {
  auto it = file_commits.find(path);
  return it == file_commits.end() ? CommitInfo{} : it->second;
}

ReadingNames::ReadingNames(const Twin& twin) {
  for (const Asset& a : twin.assets) {
    m_by_name.emplace(a.id, &a);
  }
  for (const Asset& a : twin.assets) {
    for (const auto& [kind, binding] : a.live) {
      m_by_name.emplace(binding, &a);
    }
  }
}

const Asset* ReadingNames::asset(std::string_view machine) const {
  auto it = m_by_name.find(machine);
  return it == m_by_name.end() ? nullptr : it->second;
}

const Sensor* reading_sensor(const Asset& a, std::string_view name) {
  const Sensor* by_type = nullptr;
  for (const Sensor& s : a.sensors) {
    if (s.id == name) {
      return &s;
    }
    if (!by_type && s.type == name) {
      by_type = &s;
    }
  }
  return by_type;
}

} // namespace twinctl::model
