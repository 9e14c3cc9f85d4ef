#include <catch2/catch.hpp>

#include "lib/loaders/twin_loader.hpp"

#include <algorithm>
#include <string>
#include <tuple>

using namespace twinctl;
using loaders::load_twin_files;
using loaders::LoadResult;
using loaders::TwinFile;
using Catch::Matchers::Contains;

namespace {

const std::string k_twin_yaml = "apiVersion: twinctl/v1\n"
                                "kind: Twin\n"
                                "id: plant-t\n"
                                "name: Test plant\n"
                                "defaults:\n"
                                "  stale_after: PT5M\n"
                                "  co2_kg_per_kwh: 0.38\n"
                                "  status_aliases: {RUN: running, \"OFF\": offline}\n";

// Line numbers matter: the tests below check locations in this file.
const std::string k_press = "apiVersion: twinctl/v1\n"                                       // 1
                            "kind: Asset\n"                                                  // 2
                            "id: press-01\n"                                                 // 3
                            "name: Press 1\n"                                                // 4
                            "class: machine\n"                                               // 5
                            "criticality: high\n"                                            // 6
                            "located_in: cell-1\n"                                           // 7
                            "owned_by: maintenance\n"                                        // 8
                            "zone: control\n"                                                // 9
                            "purdue_level: 1\n"                                              // 10
                            "vendor: Schuler\n"                                              // 11
                            "tags: [press, servo]\n"                                         // 12
                            "expected:\n"                                                    // 13
                            "  status: running\n"                                            // 14
                            "  ip: 10.0.1.31\n"                                              // 15
                            "  firmware: \"4.12.3\"\n"                                       // 16
                            "  config_checksum: md5:0123456789abcdef0123456789abcdef\n"      // 17
                            "relationships:\n"                                               // 18
                            "  - {type: FEEDS_DATA, target: plc-01, protocol: PROFINET}\n"   // 19
                            "  - type: POWERS\n"                                             // 20
                            "    target: drive-01\n"                                         // 21
                            "redundancy: {POWERS: 2}\n"                                      // 22
                            "sensors:\n"                                                     // 23
                            "  - id: temp\n"                                                 // 24
                            "    type: temperature\n"                                        // 25
                            "    unit: Cel\n"                                                // 26
                            "    range: {min: -20, max: 180}\n"                              // 27
                            "    thresholds: {high_warn: 110, high_alarm: 130, hysteresis: 3}\n" // 28
                            "    calibration: {certificate: CAL-1, calibrated_on: 2026-01-10, interval: P12M}\n" // 29
                            "    interval: PT10S\n"                                          // 30
                            "certificates:\n"                                                // 31
                            "  - {id: PI-1, kind: safety-inspection, issuer: TUV, issued: 2026-03-04, expires: 2027-03-04}\n" // 32
                            "power_kw: 250\n"                                                // 33
                            "live: {mqtt: plant/press-01}\n";                                // 34

// Two assets in one file, and a space and a team in another: multi-document files.
const std::string k_line = "apiVersion: twinctl/v1\nkind: Asset\nid: plc-01\nname: PLC 1\nclass: plc\n"
                           "---\n"
                           "apiVersion: twinctl/v1\nkind: Asset\nid: drive-01\nname: Drive 1\nclass: drive\n"
                           "---\n";
const std::string k_org = "apiVersion: twinctl/v1\nkind: Space\nid: cell-1\ntype: cell\n"
                          "---\n"
                          "apiVersion: twinctl/v1\nkind: Team\nid: maintenance\nname: Maintenance\n";

std::vector<TwinFile> good_files() {
  return {{"plant/twin.yaml", k_twin_yaml, ""},
          {"plant/assets/press-01.yaml", k_press, ""},
          {"plant/assets/line.yaml", k_line, ""},
          {"plant/org.yaml", k_org, ""}};
}

std::string asset_yaml(const std::string& id, const std::string& extra = "") {
  return "apiVersion: twinctl/v1\nkind: Asset\nid: " + id + "\nname: " + id + "\nclass: machine\n" + extra;
}

LoadResult load(std::vector<TwinFile> files, unsigned threads = 1) {
  return load_twin_files(std::move(files), "plant", threads);
}

// The errors as "path:line:column: message" lines, for readable failures.
std::vector<std::string> error_lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const model::Diagnostic& d : r.errors) {
    out.push_back(d.str());
  }
  return out;
}

bool located(const model::SourceLocation& loc, const std::string& path, int line, int column) {
  return loc.path == path && loc.line == line && loc.column == column;
}

} // namespace

TEST_CASE("loaders::load_twin_files", "[loaders]") {
  SECTION("a good twin gives the model") {
    LoadResult r = load(good_files());
    INFO(Catch::Detail::stringify(error_lines(r)));
    REQUIRE(r.errors.empty());
    const model::Twin& t = r.twin;
    CHECK(t.id == "plant-t");
    CHECK(t.name == "Test plant");
    CHECK(t.root == "plant");
    CHECK(t.loc.path == "plant/twin.yaml");

    // Defaults: given ones are read, the others keep their default.
    CHECK(t.defaults.stale_after.seconds == 300);
    CHECK(t.defaults.stale_after.text == "PT5M");
    CHECK(t.defaults.cert_due_soon.days == 30);
    CHECK(t.defaults.co2_kg_per_kwh == Approx(0.38));
    CHECK(t.defaults.status_aliases.at("RUN") == "running");
    CHECK(t.defaults.status_aliases.at("OFF") == "offline");

    // Collections are sorted by id.
    REQUIRE(t.assets.size() == 3);
    CHECK(t.assets[0].id == "drive-01");
    CHECK(t.assets[1].id == "plc-01");
    CHECK(t.assets[2].id == "press-01");
    REQUIRE(t.spaces.size() == 1);
    CHECK(t.spaces[0].type == "cell");
    REQUIRE(t.teams.size() == 1);
    CHECK(t.teams[0].name == "Maintenance");

    const model::Asset* drive = t.find_asset("drive-01");
    REQUIRE(drive);
    CHECK(drive->criticality == "medium");
    CHECK(located(drive->loc, "plant/assets/line.yaml", 9, 1));

    const model::Asset* a = t.find_asset("press-01");
    REQUIRE(a);
    const std::string path = "plant/assets/press-01.yaml";
    CHECK(located(a->loc, path, 3, 1));
    CHECK(a->name == "Press 1");
    CHECK(a->asset_class == "machine");
    CHECK(a->criticality == "high");
    CHECK(a->located_in == "cell-1");
    CHECK(a->owned_by == "maintenance");
    CHECK(a->zone == "control");
    CHECK(a->purdue_level == Approx(1));
    CHECK(a->vendor == "Schuler");
    CHECK(a->tags == std::vector<std::string>{"press", "servo"});

    // Expected values, each at the line and column of its key.
    REQUIRE(a->expected.size() == 4);
    CHECK(a->expected.at("status").value == "running");
    CHECK(located(a->expected.at("status").loc, path, 14, 3));
    CHECK(a->expected.at("ip").value == "10.0.1.31");
    CHECK(located(a->expected.at("ip").loc, path, 15, 3));
    CHECK(a->expected.at("firmware").value == "4.12.3");
    CHECK(located(a->expected.at("firmware").loc, path, 16, 3));
    CHECK(a->expected.at("config_checksum").value == "md5:0123456789abcdef0123456789abcdef");
    CHECK(located(a->expected.at("config_checksum").loc, path, 17, 3));

    REQUIRE(a->relationships.size() == 2);
    CHECK(a->relationships[0].type == "FEEDS_DATA");
    CHECK(a->relationships[0].target == "plc-01");
    CHECK(a->relationships[0].protocol == "PROFINET");
    CHECK(located(a->relationships[0].loc, path, 19, 5));
    CHECK(a->relationships[1].type == "POWERS");
    CHECK(a->relationships[1].target == "drive-01");
    CHECK(located(a->relationships[1].loc, path, 20, 5));
    CHECK(a->redundancy.at("POWERS") == 2);

    REQUIRE(a->sensors.size() == 1);
    const model::Sensor& s = a->sensors[0];
    CHECK(s.id == "temp");
    CHECK(s.type == "temperature");
    CHECK(s.unit == "Cel");
    CHECK(located(s.loc, path, 24, 5));
    CHECK(s.range_min == Approx(-20));
    CHECK(s.range_max == Approx(180));
    CHECK(s.thresholds.high_warn == Approx(110));
    CHECK(s.thresholds.high_alarm == Approx(130));
    CHECK_FALSE(s.thresholds.low_alarm);
    CHECK(s.thresholds.hysteresis == Approx(3));
    REQUIRE(s.calibration);
    CHECK(s.calibration->certificate == "CAL-1");
    CHECK(s.calibration->calibrated_on == "2026-01-10");
    CHECK(s.calibration->interval.months == 12);
    CHECK(located(s.calibration->loc, path, 29, 18));
    REQUIRE(s.interval);
    CHECK(s.interval->seconds == 10);

    REQUIRE(a->certificates.size() == 1);
    const model::Certificate& c = a->certificates[0];
    CHECK(c.id == "PI-1");
    CHECK(c.kind == "safety-inspection");
    CHECK(c.issuer == "TUV");
    CHECK(c.issued == "2026-03-04");
    CHECK(c.expires == "2027-03-04");
    CHECK(located(c.loc, path, 32, 6));
    CHECK(a->power_kw == Approx(250));
    CHECK(a->live.at("mqtt") == "plant/press-01");
  }

  SECTION("an unknown key gets a did-you-mean, or the allowed keys") {
    std::vector<TwinFile> files = good_files();
    files.push_back({"plant/assets/x.yaml", asset_yaml("x", "locatd_in: cell-1\ncolour: red\n"), ""});
    LoadResult r = load(files);
    REQUIRE(r.errors.size() == 2);
    CHECK(located(r.errors[0].loc, "plant/assets/x.yaml", 6, 1));
    CHECK(r.errors[0].message == "unknown key 'locatd_in' in Asset (did you mean 'located_in'?)");
    CHECK(located(r.errors[1].loc, "plant/assets/x.yaml", 7, 1));
    CHECK_THAT(r.errors[1].message, Contains("unknown key 'colour' in Asset (allowed: apiVersion, kind, id, name"));
  }

  SECTION("a duplicate id across files is reported once, at the later file") {
    std::vector<TwinFile> files = good_files();
    // Given in reverse order: the loader orders files by path.
    files.push_back({"plant/assets/b.yaml", asset_yaml("dup", "vendor: B\n"), ""});
    files.push_back({"plant/assets/a.yaml", asset_yaml("dup", "vendor: A\n"), ""});
    LoadResult r = load(files);
    REQUIRE(r.errors.size() == 1);
    CHECK(located(r.errors[0].loc, "plant/assets/b.yaml", 3, 1));
    CHECK(r.errors[0].message == "duplicate asset id 'dup' (first defined at plant/assets/a.yaml:3:1)");
    REQUIRE(r.twin.find_asset("dup"));
    CHECK(r.twin.find_asset("dup")->vendor == "A");
    CHECK(r.twin.assets.size() == 4);
  }

  SECTION("errors are sorted by path, line and column") {
    std::vector<TwinFile> files = good_files();
    files.push_back({"plant/assets/z.yaml", asset_yaml("z", "expected: {ip: 999.1.1.1}\n"), ""});
    files.push_back({"plant/assets/m.yaml", asset_yaml("m", "power_kw: lots\ncriticality: extreme\n"), ""});
    files.push_back({"plant/assets/a.yaml", "apiVersion: twinctl/v1\nkind: Asset\nid: A!\n", ""});
    LoadResult r = load(files);
    INFO(Catch::Detail::stringify(error_lines(r)));
    REQUIRE(r.errors.size() == 6);
    CHECK(std::is_sorted(r.errors.begin(), r.errors.end(), [](const auto& x, const auto& y) {
      return std::tie(x.loc.path, x.loc.line, x.loc.column) < std::tie(y.loc.path, y.loc.line, y.loc.column);
    }));
    CHECK(r.errors.front().loc.path == "plant/assets/a.yaml");
    CHECK(located(r.errors.back().loc, "plant/assets/z.yaml", 6, 16));
    CHECK(r.errors.back().message == "'999.1.1.1' is not a valid IPv4 or IPv6 address");
  }

  SECTION("YAML errors keep the location parse_yaml gave them") {
    std::vector<TwinFile> files = good_files();
    files.push_back({"plant/assets/bad.yaml", "apiVersion: twinctl/v1\nkind: Asset\ntags: [a, b\nid: x\n", ""});
    LoadResult r = load(files);
    REQUIRE(r.errors.size() == 1);
    CHECK(located(r.errors[0].loc, "plant/assets/bad.yaml", 4, 3));
    CHECK_THAT(r.errors[0].message, Contains("did not find expected ',' or ']'"));
    CHECK(r.errors[0].message.find("bad.yaml") == std::string::npos);
  }

  SECTION("a file that could not be read is an error at its path") {
    std::vector<TwinFile> files = good_files();
    files.push_back({"plant/assets/link.yaml", "", "symlink to '../../etc/x.yaml' leaves the repository"});
    LoadResult r = load(files);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].loc.path == "plant/assets/link.yaml");
    CHECK(r.errors[0].message == "symlink to '../../etc/x.yaml' leaves the repository");
  }

  SECTION("multi-document files: empty documents are skipped, an empty file is an error") {
    std::vector<TwinFile> files = good_files();
    files.push_back({"plant/assets/two.yaml", "---\n" + asset_yaml("t1") + "---\n---\n" + asset_yaml("t2"), ""});
    files.push_back({"plant/assets/empty.yaml", "# nothing here\n", ""});
    LoadResult r = load(files);
    REQUIRE(r.errors.size() == 1);
    CHECK(located(r.errors[0].loc, "plant/assets/empty.yaml", 1, 1));
    CHECK(r.errors[0].message == "the file has no YAML document (it is empty)");
    REQUIRE(r.twin.find_asset("t2"));
    CHECK(located(r.twin.find_asset("t2")->loc, "plant/assets/two.yaml", 11, 1));
  }

  SECTION("the Twin document lives in twin.yaml only") {
    std::vector<TwinFile> files = good_files();
    files.push_back({"plant/assets/extra.yaml", asset_yaml("e") + "---\n" + k_twin_yaml, ""});
    LoadResult r = load(files);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].loc.path == "plant/assets/extra.yaml");
    CHECK(r.errors[0].message == "a Twin document belongs in plant/twin.yaml");

    files = good_files();
    files.erase(files.begin());
    r = load(files);
    REQUIRE(r.errors.size() == 1);
    CHECK(located(r.errors[0].loc, "plant/twin.yaml", 1, 1));
    CHECK_THAT(r.errors[0].message, Contains("has no 'kind: Twin' document"));
  }

  SECTION("the result does not depend on the number of threads") {
    std::vector<TwinFile> files = good_files();
    for (int i = 0; i < 200; ++i) {
      std::string id = "m-" + std::to_string(i % 150); // 50 duplicates
      std::string extra = i % 7 == 0 ? "expected: {firmware: \"\"}\n" : "tags: [t" + std::to_string(i) + "]\n";
      files.push_back({"plant/assets/gen-" + std::to_string(1000 + i) + ".yaml", asset_yaml(id, extra), ""});
    }
    files.push_back({"plant/assets/broken.yaml", "a: [\n", ""});
    LoadResult one = load(files, 1);
    LoadResult four = load(files, 4);
    CHECK(one.errors.size() == 50 + 29 + 1);
    CHECK(error_lines(one) == error_lines(four));
    REQUIRE(one.twin.assets.size() == four.twin.assets.size());
    for (size_t i = 0; i < one.twin.assets.size(); ++i) {
      const model::Asset& x = one.twin.assets[i];
      const model::Asset& y = four.twin.assets[i];
      CHECK(x.id == y.id);
      CHECK(x.loc.str() == y.loc.str());
      CHECK(x.tags == y.tags);
    }
  }
}
