// Builds small twins in code for the graph and RCA tests: assets, typed
// relationships, redundancy, spaces and teams; no files.
#pragma once

#include "lib/graph/graph.hpp"
#include "lib/model/twin.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace twinctl::test {

class TwinBuilder {
public:
  TwinBuilder& asset(const std::string& id, const std::string& cls = "machine", const std::string& space = "",
                     const std::string& team = "") {
    model::Asset a;
    a.id = id;
    a.name = id;
    a.asset_class = cls;
    a.located_in = space;
    a.owned_by = team;
    m_twin.assets.push_back(a);
    return *this;
  }
  // A relationship declared on `from`, as in YAML.
  TwinBuilder& rel(const std::string& from, const std::string& type, const std::string& to) {
    find(from).relationships.push_back({type, to, "", {}});
    return *this;
  }
  TwinBuilder& redundancy(const std::string& id, const std::string& type, int k) {
    find(id).redundancy[type] = k;
    return *this;
  }
  TwinBuilder& power(const std::string& id, double kw) {
    find(id).power_kw = kw;
    return *this;
  }
  TwinBuilder& space(const std::string& id, const std::string& type, const std::string& parent = "") {
    m_twin.spaces.push_back({id, id, type, parent, {}});
    return *this;
  }
  TwinBuilder& team(const std::string& id, const std::string& oncall) {
    model::Team t;
    t.id = id;
    t.name = id;
    t.oncall = oncall;
    m_twin.teams.push_back(t);
    return *this;
  }
  model::Twin build() {
    model::Twin t = m_twin;
    t.id = "plant-t";
    auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
    std::sort(t.assets.begin(), t.assets.end(), by_id);
    std::sort(t.spaces.begin(), t.spaces.end(), by_id);
    std::sort(t.teams.begin(), t.teams.end(), by_id);
    return t;
  }

private:
  model::Asset& find(const std::string& id) {
    return *std::find_if(m_twin.assets.begin(), m_twin.assets.end(), [&](const auto& a) { return a.id == id; });
  }
  model::Twin m_twin;
};

inline graph::NodeId node(const graph::AssetGraph& g, const std::string& id) { return *g.find(id); }

} // namespace twinctl::test
