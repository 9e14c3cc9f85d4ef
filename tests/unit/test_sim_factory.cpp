#include <catch2/catch.hpp>

#include "lib/loaders/twin_loader.hpp"
#include "lib/sim/factory.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/firmware.hpp"
#include "lib/util/values.hpp"
#include "lib/validate/validate.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace twinctl;

namespace {

using Files = std::map<std::string, std::string>;

// Runs the generator into memory, checking the sink contract on the way: the
// chunks of a file are consecutive and no file is empty.
Files generate(const sim::FactoryOptions &o) {
  Files files;
  std::string last;
  sim::generate_factory(o, [&](const std::string &path, std::string_view chunk) {
    if (path != last) {
      INFO(path);
      REQUIRE(files.count(path) == 0);
      last = path;
    }
    REQUIRE(!chunk.empty());
    files[path] += chunk;
  });
  return files;
}

Files generate(size_t assets, uint64_t seed = 1, double rate = 0.05, size_t per_file = 0) {
  sim::FactoryOptions o;
  o.assets = assets;
  o.seed = seed;
  o.drift_rate = rate;
  o.assets_per_file = per_file;
  return generate(o);
}

// Site `site` of a fleet of `sites`.
Files generate_site(size_t assets, size_t site, size_t sites, uint64_t seed = 1) {
  sim::FactoryOptions o;
  o.assets = assets;
  o.seed = seed;
  o.site = site;
  o.sites = sites;
  return generate(o);
}

// What a line-oriented scan of the generated asset YAML finds.
struct Scan {
  size_t docs = 0;
  std::vector<std::string> ids;
  std::vector<std::tuple<std::string, std::string, std::string>> rels; // source, type, target
};

Scan scan_assets(const Files &files) {
  Scan s;
  for (const auto &[path, text] : files) {
    if (path.rfind("assets/", 0) != 0) {
      continue;
    }
    std::string id;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      std::string line = text.substr(pos, end - pos);
      pos = end == std::string::npos ? text.size() : end + 1;
      if (line == "kind: Asset") {
        ++s.docs;
      } else if (line.rfind("id: ", 0) == 0) {
        id = line.substr(4);
        s.ids.push_back(id);
      } else if (line.rfind("  - {type: ", 0) == 0) {
        const size_t t = line.find(", target: ");
        const size_t e = line.find_first_of(",}", t + 10);
        s.rels.emplace_back(id, line.substr(11, t - 11), line.substr(t + 10, e - t - 10));
      }
    }
  }
  return s;
}

// True when the edges of `type` form a cycle (Kahn's algorithm).
bool has_cycle(const Scan &s, const std::string &type) {
  std::map<std::string, std::vector<std::string>> out;
  std::map<std::string, int> indegree;
  for (const auto &[from, t, to] : s.rels) {
    if (t == type) {
      out[from].push_back(to);
      ++indegree[to];
      indegree.emplace(from, 0);
    }
  }
  std::vector<std::string> ready;
  for (const auto &[n, d] : indegree) {
    if (d == 0) {
      ready.push_back(n);
    }
  }
  size_t seen = 0;
  while (!ready.empty()) {
    std::string n = ready.back();
    ready.pop_back();
    ++seen;
    for (const auto &m : out[n]) {
      if (--indegree[m] == 0) {
        ready.push_back(m);
      }
    }
  }
  return seen != indegree.size();
}

} // namespace

TEST_CASE("sim::generate_factory", "[sim]") {
  SECTION("the same seed gives byte-identical files") {
    CHECK(generate(300, 42) == generate(300, 42));
  }

  SECTION("a different seed gives a different factory") {
    const Files a = generate(300, 1), b = generate(300, 2);
    CHECK(a.at("live/snapshot.json") != b.at("live/snapshot.json"));
    CHECK(a.at("assets/line-01/line-01-c01.yaml") != b.at("assets/line-01/line-01-c01.yaml"));
  }

  SECTION("the asset count is exact and ids are unique") {
    for (size_t n : {20u, 21u, 61u, 199u, 500u, 1234u, 5003u}) {
      INFO("assets " << n);
      const Scan s = scan_assets(generate(n));
      CHECK(s.docs == n);
      CHECK(s.ids.size() == n);
      CHECK(std::set<std::string>(s.ids.begin(), s.ids.end()).size() == n);
      const auto truth = nlohmann::json::parse(generate(n).at("live/truth.json"));
      CHECK(truth["assets"] == n);
    }
  }

  SECTION("every relationship target is a generated asset; no POWERS or FEEDS_DATA cycle") {
    const Scan s = scan_assets(generate(2500, 9));
    const std::set<std::string> ids(s.ids.begin(), s.ids.end());
    std::set<std::string> types;
    for (const auto &[from, type, to] : s.rels) {
      INFO(from << " " << type << " " << to);
      CHECK(ids.count(to) == 1);
      types.insert(type);
    }
    CHECK(types == std::set<std::string>{"CONNECTS_TO", "FEEDS_DATA", "POWERS"});
    CHECK_FALSE(has_cycle(s, "POWERS"));
    CHECK_FALSE(has_cycle(s, "FEEDS_DATA"));
    CHECK(has_cycle(s, "CONNECTS_TO")); // switch rings are allowed and generated
  }

  SECTION("the truth lists every drift kind and every equivalent form") {
    for (size_t n : {20u, 60u, 3000u}) {
      INFO("assets " << n);
      const auto truth = nlohmann::json::parse(generate(n).at("live/truth.json"));
      CHECK(truth["format"] == "twinctl-truth/v1");
      std::set<std::string> kinds, fields;
      bool fault = false, behind = false, ahead = false;
      for (const auto &d : truth["drift"]) {
        kinds.insert(d["kind"].get<std::string>());
        if (d["kind"] != "changed") {
          continue;
        }
        const std::string field = d["field"], intended = d["intended"], live = d["live"];
        fields.insert(field);
        CHECK(intended != live);
        if (field == "status" && intended == "running" && live == "fault") {
          fault = true;
        }
        if (field == "firmware") {
          const util::FirmwareOrder c =
              util::compare_firmware(util::parse_firmware(live), util::parse_firmware(intended));
          CHECK((c == util::FirmwareOrder::behind || c == util::FirmwareOrder::ahead));
          (c == util::FirmwareOrder::behind ? behind : ahead) = true;
        }
        if (field == "ip") {
          CHECK(util::canonical_ip(live) != util::canonical_ip(intended));
        }
      }
      CHECK(kinds ==
            std::set<std::string>{"changed", "missing", "stale", "unmanaged", "unobserved"});
      CHECK(fields == std::set<std::string>{"config_checksum", "firmware", "ip", "status", "zone"});
      CHECK(fault);
      CHECK(behind);
      CHECK(ahead);
      CHECK(std::is_sorted(truth["drift"].begin(), truth["drift"].end(), [](auto &a, auto &b) {
        return a["asset"].template get<std::string>() < b["asset"].template get<std::string>();
      }));

      // Equivalent forms really are equal under a typed comparison.
      std::set<std::string> forms;
      const std::map<std::string, std::string> aliases{
          {"RUN", "running"}, {"STOP", "stopped"}, {"IDLE", "idle"}, {"MAINT", "maintenance"}};
      for (const auto &e : truth["equivalent"]) {
        const std::string field = e["field"], intended = e["intended"], live = e["live"];
        INFO(field << " " << intended << " " << live);
        CHECK(intended != live);
        if (field == "firmware") {
          CHECK(util::compare_firmware(util::parse_firmware(live), util::parse_firmware(intended)) ==
                util::FirmwareOrder::equal);
          forms.insert("firmware");
        } else if (field == "config_checksum") {
          CHECK(util::canonical_checksum(live) == util::canonical_checksum(intended));
          forms.insert("checksum");
        } else if (field == "ip") {
          CHECK(util::canonical_ip(live) == util::canonical_ip(intended));
          CHECK(util::canonical_ip(intended) == intended); // intended is written canonically
          forms.insert("ipv6");
        } else if (field == "status") {
          CHECK(aliases.at(live) == intended);
          forms.insert("status");
        }
      }
      CHECK(forms == std::set<std::string>{"checksum", "firmware", "ipv6", "status"});
    }
  }

  SECTION("the snapshot is twinctl-live/v1 and agrees with the truth") {
    const Files f = generate(1500, 5);
    const auto snap = nlohmann::json::parse(f.at("live/snapshot.json"));
    const auto truth = nlohmann::json::parse(f.at("live/truth.json"));
    CHECK(snap["format"] == "twinctl-live/v1");
    CHECK(snap["taken_at"] == "2026-05-04T09:42:00Z");
    const int64_t taken = *util::parse_timestamp("2026-05-04T09:42:00Z");

    std::map<std::string, std::string> kind_of; // asset -> drift kind
    std::set<std::string> unmanaged;
    for (const auto &d : truth["drift"]) {
      kind_of[d["asset"]] = d["kind"];
      if (d["kind"] == "unmanaged") {
        unmanaged.insert(d["asset"].get<std::string>());
      }
    }
    std::map<std::string, size_t> items;
    std::set<std::string> observed;
    for (const auto &o : snap["observations"]) {
      const std::string asset = o["asset"];
      CHECK(observed.insert(asset).second);
      ++items[o["source"]];
      const int64_t age = taken - *util::parse_timestamp(o["observed_at"].get<std::string>());
      INFO(asset);
      CHECK(age >= 0);
      CHECK((age > 15 * 60) == (kind_of[asset] == "stale"));
      CHECK(kind_of[asset] != "missing");
      CHECK(kind_of[asset] != "unobserved");
      for (const char *field : {"status", "ip", "firmware", "config_checksum", "zone"}) {
        CHECK(o["fields"].contains(field));
      }
    }
    std::set<std::string> unmatched;
    for (const auto &u : snap["unmatched"]) {
      unmatched.insert(u["ref"].get<std::string>());
      ++items[u["source"]];
    }
    CHECK(unmatched == unmanaged);
    size_t failed = 0;
    for (const auto &s : snap["sources"]) {
      INFO(s.dump());
      CHECK(s["items"] == items[s["name"]]);
      if (s["ok"] == false) {
        ++failed;
        CHECK(s["error"].is_string());
      } else {
        CHECK(s["error"].is_null());
      }
    }
    CHECK(failed == 1);
    const size_t unobserved = std::count_if(kind_of.begin(), kind_of.end(),
                                            [](const auto &k) { return k.second == "unobserved"; });
    const size_t missing = std::count_if(kind_of.begin(), kind_of.end(),
                                         [](const auto &k) { return k.second == "missing"; });
    CHECK(observed.size() + missing + unobserved == 1500);
  }

  SECTION("drift rate 0 gives a clean snapshot") {
    const Files f = generate(400, 3, 0.0);
    const auto truth = nlohmann::json::parse(f.at("live/truth.json"));
    CHECK(truth["drift"].empty());
    CHECK(truth["equivalent"].empty());
    const auto snap = nlohmann::json::parse(f.at("live/snapshot.json"));
    CHECK(snap["observations"].size() == 400);
    CHECK(snap["unmatched"].empty());
    for (const auto &s : snap["sources"]) {
      CHECK(s["ok"] == true);
    }
  }

  SECTION("assets per file: one per asset, or K per file") {
    const Files one = generate(120, 1, 0.05, 1);
    CHECK(one.count("assets/site/erp-01.yaml") == 1);
    CHECK(one.count("assets/line-01/plc-01-01.yaml") == 1);
    CHECK(scan_assets(one).docs == 120);
    const Files packed = generate(120, 1, 0.05, 50);
    CHECK(packed.count("assets/part-0001.yaml") == 1);
    CHECK(packed.count("assets/part-0003.yaml") == 1);
    CHECK(packed.count("assets/part-0004.yaml") == 0);
    CHECK(scan_assets(packed).docs == 120);
    // The layout of the files does not change the snapshot.
    CHECK(one.at("live/snapshot.json") == generate(120).at("live/snapshot.json"));
  }

  SECTION("the twin loads and validates without errors") {
    std::vector<loaders::TwinFile> files;
    for (const auto &[path, text] : generate(800, 11)) {
      if (path.size() > 5 && path.compare(path.size() - 5, 5, ".yaml") == 0) {
        files.push_back({path, text, ""});
      }
    }
    auto loaded = loaders::load_twin_files(std::move(files), "", 2);
    for (const auto &e : loaded.errors) {
      FAIL_CHECK(e.str());
    }
    CHECK(loaded.twin.assets.size() == 800);
    for (const auto &e : validate::check_structure(loaded.twin)) {
      FAIL_CHECK(e.str());
    }
    validate::PolicyOptions po;
    po.now = *util::parse_timestamp("2026-05-04T09:42:00Z");
    for (const auto &finding : validate::check_policy(loaded.twin, po)) {
      INFO(finding.asset << " " << finding.message);
      CHECK(
          (finding.rule == "TWIN201" || finding.rule == "TWIN202")); // no conduit or Purdue finding
    }
  }

  SECTION("invalid options are errors before anything is written") {
    sim::FactoryOptions o;
    bool wrote = false;
    auto sink = [&](const std::string &, std::string_view) { wrote = true; };
    o.assets = 5;
    CHECK_THROWS_AS(sim::generate_factory(o, sink), Error);
    o.assets = 60;
    o.drift_rate = 1.5;
    CHECK_THROWS_AS(sim::generate_factory(o, sink), Error);
    o.drift_rate = 0.05;
    o.now = "yesterday";
    CHECK_THROWS_AS(sim::generate_factory(o, sink), Error);
    CHECK_FALSE(wrote);
    o.now = "2026-05-04T11:42:00+02:00";
    CHECK(sim::check_factory_options(o) == *util::parse_timestamp("2026-05-04T09:42:00Z"));
  }
}

TEST_CASE("sim::generate_factory of a fleet", "[sim]") {
  SECTION("site ids sort in site order at every fleet size") {
    CHECK(sim::fleet_site_id(7, 40) == "site-07");
    CHECK(sim::fleet_site_id(7, 9) == "site-07");
    CHECK(sim::fleet_site_id(7, 120) == "site-007");
    CHECK(sim::fleet_site_id(120, 120) == "site-120");
  }

  SECTION("each site is its own twin: id, names, endpoints, assets and drift differ") {
    const Files one = generate_site(300, 1, 3), two = generate_site(300, 2, 3);
    CHECK(one.at("twin.yaml").find("\nid: site-01\n") != std::string::npos);
    CHECK(two.at("twin.yaml").find("\nid: site-02\n") != std::string::npos);
    CHECK(two.at("sources/ditto.yaml").find("ditto-b01.site-02.sim.invalid") != std::string::npos);
    CHECK(one.at("assets/line-01/line-01-c01.yaml") != two.at("assets/line-01/line-01-c01.yaml"));
    const auto t1 = nlohmann::json::parse(one.at("live/truth.json"));
    const auto t2 = nlohmann::json::parse(two.at("live/truth.json"));
    CHECK(t1["site"] == "site-01");
    CHECK(t2["site"] == "site-02");
    CHECK(t1["drift"] != t2["drift"]);
    // Device references carry the site, so sites sharing a broker or a Ditto never collide.
    const auto s2 = nlohmann::json::parse(two.at("live/snapshot.json"));
    for (const auto &o : s2["observations"]) {
      const std::string ref = o["ref"];
      INFO(ref);
      CHECK(ref.find("site-02") != std::string::npos);
    }
    CHECK(generate_site(300, 2, 3) == two);
    // Not the single twin of the same seed.
    CHECK(generate(300).at("live/snapshot.json") != one.at("live/snapshot.json"));
  }

  SECTION("a site outside the fleet is an error") {
    sim::FactoryOptions o;
    o.site = 4;
    o.sites = 3;
    CHECK_THROWS_AS(sim::check_factory_options(o), Error);
    o.sites = sim::k_factory_max_sites + 1;
    CHECK_THROWS_AS(sim::check_factory_options(o), Error);
  }
}
