#include <catch2/catch.hpp>

#include "helpers.hpp"

#include "lib/model/rules.hpp"
#include "lib/output/output.hpp"
#include "lib/report/report.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using twinctl::model::Finding;
using twinctl::model::Severity;
using twinctl::report::Report;
namespace output = twinctl::output;
using nlohmann::json;

namespace {

Finding make_finding(const std::string& rule, Severity sev, const std::string& asset, const std::string& field,
                     const std::string& path, int line, int column = 3) {
  Finding f;
  f.rule = rule;
  f.severity = sev;
  f.kind = "changed";
  f.asset = asset;
  f.field = field;
  f.message = asset + " " + field + " differs";
  f.remediation = "Fix it.";
  f.loc = {path, line, column};
  f.fingerprint = twinctl::model::fingerprint("plant-a", asset, field, rule);
  return f;
}

// Counts and the gate, as the real pipeline sets them (an empty twin: no suppressions).
void gate(Report& r, std::optional<Severity> fail_on = Severity::high) {
  twinctl::model::Twin twin;
  twin.id = r.site;
  twinctl::report::GateOptions opts;
  opts.fail_on = fail_on;
  twinctl::report::apply_gate(r, twin, opts);
}

Report base_report() {
  Report r;
  r.command = "drift";
  r.tool_version = "0.1.0";
  r.generated_at = "2026-05-04T09:42:00Z";
  r.site = "plant-a";
  r.site_name = "Plant A — Bremen";
  r.twin_root = "twins/plant-a";
  r.commit = "0123456789abcdef0123456789abcdef01234567";
  r.asset_count = 42;
  r.twin_yaml = "twins/plant-a/twin.yaml";
  r.taken_at = "2026-05-04T09:41:00Z";
  return r;
}

// Several severities, a suppressed finding, an unmanaged device without a
// location, a baseline (new, unchanged, absent), an incomplete run with a
// failed source, and values with |<>&" newlines and non-ASCII.
Report rich_report() {
  Report r = base_report();
  Finding unmanaged = make_finding("TWIN107", Severity::critical, "rogue|<dev>&\"x\"", "", "", 0);
  unmanaged.kind = "unmanaged";
  unmanaged.loc = {};
  unmanaged.message = "Unbekanntes Gerät „rogue“ at 10.20.3.99\nsecond line with `code` and 100% | pipe";
  unmanaged.live = "10.20.3.99";
  unmanaged.source = "ditto-main";
  r.findings.push_back(unmanaged);

  r.findings.push_back(make_finding("TWIN105", Severity::critical, "press-07", "zone", "twins/plant-a/assets/press-07.yaml", 9));
  Finding ip = make_finding("TWIN102", Severity::high, "plc-01", "ip", "twins/plant-a/assets/plc-01.yaml", 7);
  ip.intended = "10.0.0.1";
  ip.live = "10.0.0.9|<b>bold</b> & \"quoted\"";
  ip.baseline_state = "unchanged";
  ip.commit = {"89abcdef0123456789abcdef0123456789abcdef", "Ada Lovelace", "2026-01-02T03:04:05Z"};
  r.findings.push_back(ip);

  Finding cfg = make_finding("TWIN104", Severity::high, "plc-02", "config_checksum", "twins/plant-a/assets/plc-02.yaml", 11);
  cfg.suppressed = true;
  cfg.suppression_reason = "vendor | <maintenance> & \"test\"";
  cfg.suppression_owner = "controls";
  cfg.suppression_ticket = "OT-1234";
  cfg.suppression_expires = "2026-12-31";
  r.findings.push_back(cfg);

  // A drift policy raised this one above the rule's default (medium).
  Finding status = make_finding("TWIN101", Severity::high, "conveyor-3", "status", "twins/plant-a/assets/conveyor-3.yaml", 8);
  status.intended = "running";
  status.live = "fault";
  status.baseline_state = "new";
  r.findings.push_back(status);

  Finding fw = make_finding("TWIN103", Severity::medium, "hmi-01", "firmware", "twins/plant-a/assets/line 2/hmi-01.yaml", 12);
  fw.intended = "4.2.1";
  fw.live = "4.2.0";
  fw.message = "firmware behind: `4.2.0` < `4.2.1` [*bold*] _x_";
  r.findings.push_back(fw);

  r.findings.push_back(make_finding("TWIN202", Severity::low, "press-07", "certificate:PV-INSP-2024-03",
                                    "twins/plant-a/assets/press-07.yaml", 30));
  r.findings.push_back(make_finding("TWIN108", Severity::info, "sensor-2", "observed_at",
                                    "twins/plant-a/assets/sensor-2.yaml", 1, 1));

  r.has_baseline = true;
  for (Finding& f : r.findings) {
    if (f.baseline_state.empty() && !f.suppressed) {
      f.baseline_state = "new";
    }
  }
  r.baseline_absent.push_back({"00000000deadbeef", "TWIN102", "plc-09", "ip", "plc-09 ip differs",
                               {"twins/plant-a/assets/plc-09.yaml", 7, 3}});

  r.sources.push_back({"ditto-main", "ditto", "https://ditto.example/api/2", true, 40, ""});
  r.sources.push_back({"mqtt-line2", "plain-json", "mqtt://broker:1883/plant/+/state", false, 0,
                       "connection refused <broker:1883>"});
  r.incomplete = true;
  r.unobserved.push_back({"sensor-9", "mqtt-line2"});
  r.unobserved.push_back({"sensor-|10", "mqtt-line2"});
  r.coverage_percent = 87.5;
  r.monitored = 8;
  r.observed = 7;
  gate(r);
  return r;
}

// N findings spread over the severities, all with a location.
Report many_findings(size_t n) {
  Report r = base_report();
  static const Severity sevs[] = {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info};
  static const char* rules[] = {"TWIN105", "TWIN102", "TWIN103", "TWIN202", "TWIN108"};
  r.findings.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string asset = "asset-" + std::to_string(i);
    Finding f = make_finding(rules[i % 5], sevs[i % 5], asset, "field|<" + std::to_string(i) + ">",
                             "assets/" + asset + ".yaml", 5);
    f.intended = "intended value " + std::to_string(i);
    f.live = "live value " + std::to_string(i);
    r.findings.push_back(std::move(f));
  }
  gate(r);
  return r;
}

std::string source_dir() {
  const char* env = std::getenv("TWINCTL_SOURCE_DIR");
  return env && *env ? env : TWINCTL_SOURCE_DIR;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Validates `doc` against `schema` with /usr/bin/python3 and jsonschema (the
// validator class picked from the schema's $schema). Returns the exit code;
// the problems go to INFO.
int python_validate(const twinctl::test::TempDir& dir, const std::string& schema, const std::string& doc_text,
                    const std::string& name) {
  REQUIRE(std::filesystem::exists("/usr/bin/python3"));
  INFO("schema " << schema);
  REQUIRE(std::filesystem::exists(schema)); // a missing schema must fail, never skip
  dir.write(name, doc_text);
  dir.write("validate.py", "import json, sys\n"
                           "from jsonschema.validators import validator_for\n"
                           "schema = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                           "doc = json.load(open(sys.argv[2], encoding='utf-8'))\n"
                           "cls = validator_for(schema)\n"
                           "cls.check_schema(schema)\n"
                           "errs = list(cls(schema).iter_errors(doc))\n"
                           "for e in errs[:20]:\n"
                           "    print(cls.__name__, '/'.join(map(str, e.absolute_path)), e.message[:300])\n"
                           "sys.exit(1 if errs else 0)\n");
  std::string cmd = "/usr/bin/python3 '" + (dir / "validate.py") + "' '" + schema + "' '" + (dir / name) + "' > '" +
                    (dir / (name + ".log")) + "' 2>&1";
  int rc = std::system(cmd.c_str());
  INFO(read_file(dir / (name + ".log")));
  CHECK(rc == 0);
  return rc;
}

const json& only_run(const json& sarif) {
  REQUIRE(sarif.at("runs").size() == 1);
  return sarif["runs"][0];
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) {
    ++n;
  }
  return n;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

} // namespace

TEST_CASE("output::to_sarif", "[output]") {
  Report r = rich_report();
  json sarif = output::to_sarif(r, {});
  const json& run = only_run(sarif);

  SECTION("log, tool and rules follow GitHub's rules") {
    CHECK(sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
    CHECK(sarif["version"] == "2.1.0");
    const json& driver = run["tool"]["driver"];
    CHECK(driver["name"] == "twinctl");
    CHECK(driver["semanticVersion"] == "0.1.0");
    const json& rules = driver["rules"];
    // The whole catalogue, each rule once per severity: TWIN103/critical ... TWIN103/info.
    REQUIRE(rules.size() == twinctl::model::rules().size() * 5);
    std::set<std::string> ids;
    for (const json& rule : rules) {
      INFO(rule.dump());
      ids.insert(rule["id"].get<std::string>());
      CHECK(rule["name"] != rule["id"]);
      CHECK(!rule["shortDescription"]["text"].get<std::string>().empty());
      CHECK(!rule["fullDescription"]["text"].get<std::string>().empty());
      CHECK(!rule["help"]["text"].get<std::string>().empty());
      CHECK(!rule["help"]["markdown"].get<std::string>().empty());
      CHECK(rule["properties"]["precision"] == "high");
      const json& tags = rule["properties"]["tags"];
      CHECK(std::count(tags.begin(), tags.end(), "security") == 1);
      std::string id = rule["id"];
      const twinctl::model::Rule* cat = twinctl::model::find_rule(id.substr(0, id.find('/')));
      REQUIRE(cat);
      // Every variant is a security rule whose score GitHub shows as the variant's severity.
      std::string sev = id.substr(id.find('/') + 1);
      static const std::map<std::string, std::pair<std::string, std::string>> k_score = {
          {"critical", {"9.5", "error"}}, {"high", {"8.0", "error"}}, {"medium", {"5.5", "warning"}},
          {"low", {"2.0", "note"}}, {"info", {"0.1", "note"}}};
      REQUIRE(k_score.count(sev));
      CHECK(rule["properties"]["security-severity"] == k_score.at(sev).first);
      CHECK(rule["defaultConfiguration"]["level"] == k_score.at(sev).second);
      CHECK(rule["name"] == cat->name);
    }
    CHECK(ids.size() == rules.size());
    const json* zone = nullptr;
    for (const json& rule : rules) {
      if (rule["id"] == "TWIN105/critical") {
        zone = &rule;
      }
    }
    REQUIRE(zone);
    CHECK((*zone)["name"] == "zone-drift");
    CHECK((*zone)["defaultConfiguration"]["level"] == "error");
    CHECK(!run.contains("automationDetails"));
  }

  SECTION("results: repo-relative locations, fingerprints, levels, no suppressed ones") {
    const json& results = run["results"];
    REQUIRE(results.size() == 7); // 8 findings, one suppressed
    const json& rules = run["tool"]["driver"]["rules"];
    for (const json& res : results) {
      INFO(res.dump());
      CHECK(rules[res["ruleIndex"].get<size_t>()]["id"] == res["ruleId"]);
      // GitHub reads the severity from the rule only: the result's rule is the variant of its own severity.
      CHECK(res["ruleId"] == res["properties"]["rule"].get<std::string>() + "/" +
                                 res["properties"]["severity"].get<std::string>());
      const json& phys = res["locations"][0]["physicalLocation"];
      std::string uri = phys["artifactLocation"]["uri"];
      CHECK(uri.rfind("twins/plant-a/", 0) == 0);
      CHECK(phys["region"]["startLine"].get<int>() >= 1);
      CHECK(phys["region"]["startColumn"].get<int>() >= 1);
      CHECK(res["partialFingerprints"]["primaryLocationLineHash"].get<std::string>().size() == 18);
      CHECK(!res.contains("suppressions"));
      CHECK(res["properties"]["asset"] != "plc-02"); // the suppressed one
      CHECK(res["locations"][0]["logicalLocations"][0]["kind"] == "resource");
    }
    // Most severe first; the unmanaged device points at twin.yaml line 1.
    CHECK(results[0]["properties"]["severity"] == "critical");
    CHECK(results[1]["properties"]["severity"] == "critical");
    const json& rogue = results[1];
    REQUIRE(rogue["ruleId"] == "TWIN107/critical");
    CHECK(rogue["level"] == "error");
    CHECK(rogue["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "twins/plant-a/twin.yaml");
    CHECK(rogue["locations"][0]["physicalLocation"]["region"]["startLine"] == 1);
    CHECK(rogue["message"]["text"] == r.findings[1].message); // newline and UTF-8 kept
    CHECK(rogue["locations"][0]["logicalLocations"][0]["name"] == "rogue|<dev>&\"x\"");
    // The finding's own severity, not the rule's default.
    bool saw_status = false, saw_space = false;
    for (const json& res : results) {
      if (res["ruleId"] == "TWIN101/high") {
        saw_status = true;
        CHECK(res["level"] == "error");
        CHECK(res["properties"]["severity"] == "high");
      }
      if (res["ruleId"] == "TWIN103/medium") {
        saw_space = true;
        CHECK(res["level"] == "warning");
        CHECK(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
              "twins/plant-a/assets/line%202/hmi-01.yaml");
      }
      if (res["ruleId"] == "TWIN202/low" || res["ruleId"] == "TWIN108/info") {
        CHECK(res["level"] == "note");
      }
    }
    CHECK(saw_status);
    CHECK(saw_space);
  }

  SECTION("baseline: new and unchanged results, absent ones kept out of the results") {
    std::set<std::string> states;
    for (const json& res : run["results"]) {
      REQUIRE(res.contains("baselineState"));
      states.insert(res["baselineState"].get<std::string>());
      CHECK(res["baselineState"] != "absent");
      if (res["ruleId"] == "TWIN102/high") {
        CHECK(res["baselineState"] == "unchanged");
      }
    }
    CHECK(states == std::set<std::string>{"new", "unchanged"});
    const json& absent = run["properties"]["baselineAbsent"];
    REQUIRE(absent.size() == 1);
    CHECK(absent[0]["fingerprint"] == "00000000deadbeef");
    CHECK(contains(run["invocations"][0]["toolExecutionNotifications"].dump(), "no longer present"));

    Report no_baseline = many_findings(3);
    const json plain = output::to_sarif(no_baseline, {}); // kept alive: the loop walks a part of it
    for (const json& res : plain["runs"][0]["results"]) {
      CHECK(!res.contains("baselineState"));
    }
  }

  SECTION("an incomplete run is not successful and names the failed source") {
    const json& inv = run["invocations"][0];
    CHECK(inv["executionSuccessful"] == false);
    std::string notes = inv["toolExecutionNotifications"].dump();
    CHECK(contains(notes, "mqtt-line2"));
    CHECK(contains(notes, "connection refused"));

    Report complete = many_findings(3);
    CHECK(output::to_sarif(complete, {})["runs"][0]["invocations"][0]["executionSuccessful"] == true);
  }

  SECTION("the result limit keeps the most severe and says how many were left out") {
    output::SarifOptions opts;
    opts.max_results = 3;
    json limited = output::to_sarif(r, opts);
    const json& results = limited["runs"][0]["results"];
    REQUIRE(results.size() == 3);
    CHECK(results[0]["properties"]["severity"] == "critical");
    CHECK(results[1]["properties"]["severity"] == "critical");
    CHECK(results[2]["properties"]["severity"] == "high");
    bool found = false;
    for (const json& n : limited["runs"][0]["invocations"][0]["toolExecutionNotifications"]) {
      std::string text = n["message"]["text"];
      if (contains(text, "left out")) {
        found = true;
        CHECK(contains(text, "4 results were left out")); // 7 unsuppressed - 3
        CHECK(n["level"] == "warning");
      }
    }
    CHECK(found);
  }

  SECTION("a severity raised by the drift policy is the severity GitHub shows") {
    // The example policy raises TWIN103 to critical for safety PLCs: the rule's
    // default (medium, 5.5) must not be what code scanning shows.
    Report raised = base_report();
    raised.findings.push_back(make_finding("TWIN103", Severity::critical, "plc-safety-01", "firmware",
                                           "twins/plant-a/assets/plc-safety-01.yaml", 9));
    raised.findings.push_back(make_finding("TWIN201", Severity::high, "press-07", "certificate:PI-1",
                                           "twins/plant-a/assets/press-07.yaml", 20));
    gate(raised);
    json doc = output::to_sarif(raised, {});
    const json& rules = doc["runs"][0]["tool"]["driver"]["rules"];
    const json& results = doc["runs"][0]["results"];
    REQUIRE(results.size() == 2);
    const json& fw = rules[results[0]["ruleIndex"].get<size_t>()];
    CHECK(fw["id"] == "TWIN103/critical");
    CHECK(fw["properties"]["security-severity"] == "9.5");
    CHECK(results[0]["level"] == "error");
    // An expired certificate is a security alert too (it had no score before).
    const json& cert = rules[results[1]["ruleIndex"].get<size_t>()];
    CHECK(cert["id"] == "TWIN201/high");
    CHECK(cert["properties"]["security-severity"] == "8.0");
    // The rules are the same whatever the results: ruleIndex is stable between runs.
    CHECK(rules == output::to_sarif(many_findings(5), {})["runs"][0]["tool"]["driver"]["rules"]);
  }

  SECTION("a category becomes automationDetails.id") {
    output::SarifOptions opts;
    opts.category = "twinctl-drift/plant-a";
    CHECK(output::to_sarif(r, opts)["runs"][0]["automationDetails"]["id"] == "twinctl-drift/plant-a/");
  }

  SECTION("the output is deterministic") {
    std::ostringstream a, b;
    output::write_sarif(a, r, {});
    output::write_sarif(b, rich_report(), {});
    CHECK(a.str() == b.str());
  }

  SECTION("it validates against the official SARIF 2.1.0 schema") {
    twinctl::test::TempDir dir;
    std::ostringstream s;
    output::write_sarif(s, r, {});
    std::string schema = source_dir() + "/tests/schema/sarif-schema-2.1.0.json";
    python_validate(dir, schema, s.str(), "rich.sarif");

    output::SarifOptions opts;
    opts.max_results = 3;
    opts.category = "drift";
    std::ostringstream limited;
    output::write_sarif(limited, r, opts);
    python_validate(dir, schema, limited.str(), "limited.sarif");

    // The script the CLI golden tests use: schema and GitHub's rules.
    std::string script = source_dir() + "/tests/schema/validate_sarif.py";
    REQUIRE(std::filesystem::exists(script));
    std::string cmd = "/usr/bin/python3 '" + script + "' '" + (dir / "rich.sarif") + "' --schema '" + schema + "' > '" +
                      (dir / "script.log") + "' 2>&1";
    int rc = std::system(cmd.c_str());
    INFO(read_file(dir / "script.log"));
    CHECK(rc == 0);
  }
}

TEST_CASE("output::to_json matches schemas/report.schema.json", "[output]") {
  twinctl::test::TempDir dir;
  std::string schema = source_dir() + "/schemas/report.schema.json";
  std::ostringstream s;
  output::write_json(s, rich_report());
  python_validate(dir, schema, s.str(), "rich.json");

  Report validate_like = base_report();
  validate_like.command = "validate";
  validate_like.commit.clear();
  validate_like.errors.push_back({{"twins/plant-a/assets/x.yaml", 3, 1}, "unknown key 'ipp'"});
  validate_like.errors.push_back({{}, "no twin.yaml found"});
  gate(validate_like, std::nullopt);
  std::ostringstream v;
  output::write_json(v, validate_like);
  python_validate(dir, schema, v.str(), "validate.json");
}

TEST_CASE("output::write_json writes findings as nlohmann's dump(2) would", "[output]") {
  Report r = rich_report();
  Finding odd = make_finding("TWIN101", Severity::high, "press-\"7\"", "status", "assets/p.yaml", 4);
  odd.live = std::string("tab\there, nl\n, bell\x07, back\\slash, caf\xc3\xa9, bad \xff byte");
  odd.suppressed = true;
  odd.suppression_reason = "vendor \"maintenance\"";
  odd.baseline_state = "new";
  r.findings.push_back(odd);
  std::ostringstream out;
  output::write_json(out, r);
  json parsed = json::parse(out.str());
  REQUIRE(parsed["findings"].size() == r.findings.size());
  CHECK(out.str() == parsed.dump(2) + "\n"); // same keys, order, indentation and escapes
  CHECK(parsed["findings"].back()["live"] == "tab\there, nl\n, bell\x07, back\\slash, caf\xc3\xa9, bad \xef\xbf\xbd byte");
}

TEST_CASE("output::write_markdown", "[output]") {
  SECTION("headline, counts, sources, gating table, collapsed sections") {
    Report r = rich_report();
    std::ostringstream s;
    output::write_markdown(s, r);
    std::string md = s.str();
    INFO(md);
    CHECK(md.rfind("## ⚠️", 0) == 0);
    CHECK(contains(md, "87.5% (7 of 8 monitored assets observed)"));
    CHECK(contains(md, "❌ mqtt-line2 (plain-json): FAILED: connection refused &lt;broker:1883&gt;"));
    CHECK(contains(md, "| critical | high | medium | low | info | suppressed | in baseline |"));
    // The gating table: the unchanged (baselined) and the suppressed findings are not in it.
    CHECK(contains(md, "| high | TWIN101 | conveyor-3 | status | running → fault | twins/plant-a/assets/conveyor-3.yaml:8 |"));
    CHECK(contains(md, "| critical | TWIN107 | rogue\\|&lt;dev&gt;&amp;\"x\" | — |"));
    CHECK(contains(md, "twins/plant-a/twin.yaml:1 |"));
    // Escaping: no raw HTML or pipes from values.
    CHECK(!contains(md, "<b>"));
    CHECK(!contains(md, "<dev>"));
    CHECK(!contains(md, "<maintenance>"));
    CHECK(contains(md, "10.0.0.9\\|&lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\""));
    CHECK(contains(md, "vendor \\| &lt;maintenance&gt; &amp; \"test\""));
    CHECK(contains(md, "<details><summary>1 suppressed finding"));
    CHECK(contains(md, "OT-1234"));
    CHECK(contains(md, "<details><summary>1 finding already in the baseline"));
    CHECK(contains(md, "<details><summary>1 finding of the baseline no longer present"));
    CHECK(contains(md, "<details><summary>2 unobserved assets"));
    CHECK(contains(md, "sensor-\\|10"));
    // Every table row has the same number of unescaped pipes as its header.
    for (const std::string& line : lines_of(md)) {
      if (contains(line, "→")) { // the gating table's rows and header
        size_t pipes = 0;
        for (size_t i = 0; i < line.size(); ++i) {
          pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
        }
        CHECK(pipes == 7);
      }
    }
  }

  SECTION("gate passed and gate failed headlines") {
    Report ok = many_findings(0);
    std::ostringstream a;
    output::write_markdown(a, ok);
    CHECK(a.str().rfind("## ✅", 0) == 0);
    CHECK(contains(a.str(), "No findings."));

    Report failed = many_findings(5);
    std::ostringstream b;
    output::write_markdown(b, failed);
    CHECK(b.str().rfind("## ❌", 0) == 0);
  }

  SECTION("50,000 findings stay under 1 MiB") {
    Report r = many_findings(50000);
    r.unobserved.resize(20000, {"sensor-x", "mqtt-line2"});
    std::ostringstream s;
    output::write_markdown(s, r);
    std::string md = s.str();
    CHECK(md.size() <= 1024 * 1024);
    CHECK(md.size() > 900 * 1024); // the room is used
    CHECK(contains(md, "more findings not shown"));
    CHECK(contains(md, "more unobserved assets not shown"));
    CHECK(contains(md, "</details>"));
  }
}

TEST_CASE("output::write_github", "[output]") {
  SECTION("at most 10 annotations per level, then a count and a summary") {
    Report r = base_report();
    for (int i = 0; i < 25; ++i) {
      r.findings.push_back(make_finding("TWIN102", Severity::high, "h-" + std::to_string(100 + i), "ip", "a/h.yaml", i + 1));
    }
    for (int i = 0; i < 15; ++i) {
      r.findings.push_back(make_finding("TWIN103", Severity::medium, "m-" + std::to_string(100 + i), "firmware", "a/m.yaml", i + 1));
    }
    for (int i = 0; i < 12; ++i) {
      r.findings.push_back(make_finding("TWIN202", Severity::low, "l-" + std::to_string(100 + i), "certificate:x", "a/l.yaml", i + 1));
    }
    Finding sup = make_finding("TWIN105", Severity::critical, "hidden", "zone", "a/s.yaml", 1);
    sup.suppressed = true;
    sup.suppression_reason = "known";
    r.findings.push_back(sup);
    gate(r);
    std::ostringstream s;
    output::write_github(s, r);
    std::vector<std::string> lines = lines_of(s.str());
    INFO(s.str());
    size_t errors = 0, warnings = 0, notices = 0;
    for (const std::string& l : lines) {
      errors += l.rfind("::error ", 0) == 0;
      warnings += l.rfind("::warning ", 0) == 0;
      notices += l.rfind("::notice ", 0) == 0;
    }
    CHECK(errors == 10);
    CHECK(warnings == 10);
    CHECK(notices == 10);
    CHECK(!contains(s.str(), "hidden")); // suppressed
    CHECK(contains(s.str(), "twinctl: 15 more error annotations not shown"));
    CHECK(contains(s.str(), "twinctl: 5 more warning annotations not shown"));
    CHECK(contains(s.str(), "twinctl: 2 more notice annotations not shown"));
    REQUIRE(!lines.empty());
    CHECK(lines.back() ==
          "twinctl drift: 52 findings (25 high, 15 medium, 12 low), 1 suppressed. Gate: FAILED (fail-on high).");
    CHECK(contains(s.str(), "::error file=a/h.yaml,line=1,col=3,title=TWIN102 ip-drift · h-100::[high] h-100 ip differs%0AFix it.\n"));
  }

  SECTION("escaping of data and properties; unmanaged devices point at twin.yaml") {
    Report r = rich_report();
    std::ostringstream s;
    output::write_github(s, r);
    std::string out = s.str();
    INFO(out);
    CHECK(contains(out, "::error file=twins/plant-a/twin.yaml,line=1,title=TWIN107 unmanaged-asset · rogue|<dev>&\"x\"::"
                        "[critical] Unbekanntes Gerät „rogue“ at 10.20.3.99\\nsecond line with `code` and 100%25 | pipe"));
    CHECK(contains(out, "::error title=twinctl%3A live source mqtt-line2 failed::"));
    CHECK(contains(out, "could not be read: connection refused <broker:1883>."));
    CHECK(!contains(out, "plc-02")); // suppressed
    CHECK(!contains(out, "plc-01")); // already in the baseline
    CHECK(contains(out, "Run INCOMPLETE"));
    for (const std::string& l : lines_of(out)) {
      CHECK(l.find('\r') == std::string::npos);
    }

    Report tricky = base_report();
    tricky.findings.push_back(make_finding("TWIN102", Severity::high, "a,b:c", "ip", "dir,x/y:z.yaml", 2));
    gate(tricky);
    std::ostringstream t;
    output::write_github(t, tricky);
    CHECK(contains(t.str(), "::error file=dir%2Cx/y%3Az.yaml,line=2,col=3,title=TWIN102 ip-drift · a%2Cb%3Ac::"));
  }
}

TEST_CASE("output::write_junit", "[output]") {
  Report r = rich_report();
  std::ostringstream s;
  output::write_junit(s, r);
  std::string xml = s.str();
  INFO(xml);

  SECTION("test cases, failures, skips and source errors") {
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"twinctl\"", 0) == 0);
    CHECK(contains(xml, "<testsuite name=\"twinctl drift\""));
    CHECK(count_of(xml, "<testcase ") == 10); // 8 findings + 2 sources
    // Gating: critical x2, high TWIN101 (the unchanged TWIN102 is skipped, TWIN104 suppressed).
    CHECK(count_of(xml, "<failure ") == 3);
    CHECK(count_of(xml, "<skipped ") == 2);
    CHECK(count_of(xml, "<error ") == 1);
    CHECK(contains(xml, " tests=\"10\" failures=\"3\" errors=\"1\" skipped=\"2\""));
    CHECK(contains(xml, "<testcase classname=\"TWIN101\" name=\"conveyor-3/status\"><failure message=\"conveyor-3 status "
                        "differs\" type=\"high\">"));
    CHECK(contains(xml, "<skipped message=\"suppressed: vendor | &lt;maintenance&gt; &amp; &quot;test&quot;\"/>"));
    CHECK(contains(xml, "<testcase classname=\"twinctl.sources\" name=\"mqtt-line2\"><error message=\"live source "
                        "mqtt-line2 (plain-json) could not be read: connection refused &lt;broker:1883&gt;\" "
                        "type=\"source-failed\"/></testcase>"));
    CHECK(contains(xml, "<testcase classname=\"twinctl.sources\" name=\"ditto-main\"/>"));
    CHECK(contains(xml, "name=\"rogue|&lt;dev&gt;&amp;&quot;x&quot;\""));
    CHECK(contains(xml, "Gerät „rogue“ at 10.20.3.99&#10;second line"));
    CHECK(!contains(xml, "<b>"));
    CHECK(!contains(xml, "<dev>"));
  }

  SECTION("balanced tags") {
    std::vector<std::string> stack;
    for (size_t p = xml.find('<'); p != std::string::npos; p = xml.find('<', p + 1)) {
      size_t end = xml.find('>', p);
      REQUIRE(end != std::string::npos);
      std::string tag = xml.substr(p + 1, end - p - 1);
      if (tag[0] == '?') {
        continue;
      }
      if (tag[0] == '/') {
        REQUIRE(!stack.empty());
        CHECK(stack.back() == tag.substr(1));
        stack.pop_back();
      } else if (tag.back() != '/') {
        stack.push_back(tag.substr(0, tag.find(' ')));
      }
      // No raw '<' or '"' inside a tag: attribute values are escaped.
      CHECK(tag.find('<') == std::string::npos);
      CHECK(count_of(tag, "\"") % 2 == 0);
    }
    CHECK(stack.empty());
  }

  SECTION("Python's XML parser accepts it") {
    twinctl::test::TempDir dir;
    dir.write("junit.xml", xml);
    std::string cmd = "/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; "
                      "t = E.parse(sys.argv[1]); assert len(t.getroot().findall(\".//testcase\")) == 10' '" +
                      (dir / "junit.xml") + "'";
    CHECK(std::system(cmd.c_str()) == 0);
  }
}

TEST_CASE("output::write_baseline", "[output]") {
  Report r = rich_report();
  std::ostringstream s;
  output::write_baseline(s, r);
  json b = json::parse(s.str());
  CHECK(b["format"] == "twinctl-baseline/v1");
  CHECK(b["site"] == "plant-a");
  CHECK(b["generated_at"] == "2026-05-04T09:42:00Z");
  const json& findings = b["findings"];
  REQUIRE(findings.size() == 7); // every unsuppressed finding, new and unchanged
  for (size_t i = 1; i < findings.size(); ++i) {
    CHECK(findings[i - 1]["fingerprint"].get<std::string>() < findings[i]["fingerprint"].get<std::string>());
  }
  for (const json& f : findings) {
    CHECK(f["asset"] != "plc-02"); // suppressed
    if (f["rule"] == "TWIN107") {
      CHECK(f["location"] == json{{"path", "twins/plant-a/twin.yaml"}, {"line", 1}, {"column", 1}});
    }
  }
  twinctl::test::TempDir dir;
  python_validate(dir, source_dir() + "/schemas/baseline.schema.json", s.str(), "baseline.json");
}

TEST_CASE("output: 25,000 findings render as SARIF and JSON", "[output]") {
  Report r = many_findings(25000);
  std::ostringstream sarif, js;
  output::write_sarif(sarif, r, {});
  output::write_json(js, r);
  json parsed = json::parse(sarif.str());
  CHECK(parsed["runs"][0]["results"].size() == 25000);
  CHECK(parsed["runs"][0]["invocations"][0]["toolExecutionNotifications"].empty());
  CHECK(js.str().size() > 25000 * 100);
  CHECK(json::parse(js.str())["findings"].size() == 25000);

  r.findings.push_back(make_finding("TWIN108", Severity::info, "zz-last", "observed_at", "assets/zz.yaml", 1));
  json over = output::to_sarif(r, {});
  CHECK(over["runs"][0]["results"].size() == 25000);
  CHECK(over["runs"][0]["invocations"][0]["toolExecutionNotifications"].size() == 1);
}
