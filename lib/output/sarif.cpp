// SARIF 2.1.0 for GitHub code scanning. GitHub reads only a
// subset of SARIF (docs: "SARIF support for code scanning"); the comments below
// say which GitHub rule each choice follows.
#include "lib/model/rules.hpp"
#include "lib/util/strings.hpp"
#include "lib/output/output.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace twinctl::output {

using util::plural;

namespace {

using nlohmann::json;

const char* k_sarif_schema = "https://json.schemastore.org/sarif-2.1.0.json";

// critical/high -> error, medium -> warning, low/info -> note.
const char* sarif_level(model::Severity s) {
  switch (s) {
  case model::Severity::critical:
  case model::Severity::high:
    return "error";
  case model::Severity::medium:
    return "warning";
  case model::Severity::low:
  case model::Severity::info:
    return "note";
  }
  return "warning";
}

// GitHub's security-severity score. GitHub translates a rule's score into its
// own severity: over 9.0 Critical, 7.0-8.9 High, 4.0-6.9 Medium, 0.1-3.9 Low,
// and reads it from the rule only, never from the result. GitHub has no level
// below Low, so info is Low too, with the lowest score (sorted last).
const char* security_severity(model::Severity s) {
  switch (s) {
  case model::Severity::critical:
    return "9.5";
  case model::Severity::high:
    return "8.0";
  case model::Severity::medium:
    return "5.5";
  case model::Severity::low:
    return "2.0";
  case model::Severity::info:
    return "0.1";
  }
  return "5.5";
}

// The severities, most severe first: the order of a rule's variants.
constexpr model::Severity k_variant_order[] = {model::Severity::critical, model::Severity::high,
                                               model::Severity::medium, model::Severity::low, model::Severity::info};

size_t variant_of(model::Severity s) { return static_cast<size_t>(model::Severity::critical) - static_cast<size_t>(s); }

// A repo-relative path as a URI reference: percent-encode everything but the
// unreserved characters and '/', so spaces and non-ASCII names stay valid URIs.
// An absolute path (a twin outside Git) becomes a file:// URI.
std::string path_to_uri(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size() + 8);
  if (!path.empty() && path[0] == '/') {
    out = "file://";
  }
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

// The descriptor of one variant of a rule: `TWIN103/critical` is rule TWIN103
// for findings whose effective severity (after the drift policy) is critical.
// GitHub takes an alert's severity from its rule's security-severity, so one
// descriptor per severity is the only way for a result's severity to show.
json rule_descriptor(const model::Rule& rule, model::Severity sev) {
  std::vector<std::string> tags = rule.tags;
  // Every twinctl finding can gate, so every rule is a security rule for GitHub
  // (its alerts have a security severity and are in the Security tab).
  if (std::find(tags.begin(), tags.end(), "security") == tags.end()) {
    tags.push_back("security");
  }
  const char* sev_name = model::to_string(sev);
  std::string markdown = "**" + rule.short_description + "**\n\n" + rule.full_description + "\n\n**What to do:** " +
                         rule.help + "\n\nSeverity: `" + sev_name + "` (security severity " + security_severity(sev) +
                         "). The rule's default is `" + model::to_string(rule.default_severity) +
                         "`, overridable per rule, asset class and criticality in `policy/drift.yaml`; each severity "
                         "is its own rule id (`" + rule.id + "/" + sev_name + "`). "
                         "Suppress a known finding in `policy/ignore.yaml` with a reason, an owner and an expiry.";
  json props = json::object();
  props["tags"] = std::move(tags);
  props["precision"] = "high";
  props["security-severity"] = security_severity(sev);
  props["twinctl-rule"] = rule.id;
  props["twinctl-severity"] = sev_name;
  return {
      {"id", rule.id + "/" + sev_name},
      // GitHub shows the name to filter by rule; it must differ from the id. The
      // variants of a rule share it, so filtering by name shows every severity.
      {"name", rule.name.empty() || rule.name == rule.id ? "twinctl-" + rule.id : rule.name},
      {"shortDescription", {{"text", rule.short_description}}},
      {"fullDescription", {{"text", rule.full_description}}},
      {"help", {{"text", rule.help}, {"markdown", markdown}}},
      {"defaultConfiguration", {{"level", sarif_level(sev)}}},
      {"properties", std::move(props)},
  };
}

// A descriptor for a rule id the catalogue does not know (should not happen,
// but a result must never point at a missing rule).
model::Rule unknown_rule(const std::string& id) {
  model::Rule r;
  r.id = id;
  r.name = "twinctl-" + id;
  r.short_description = "twinctl rule " + id;
  r.full_description = "A twinctl finding of rule " + id + ".";
  r.help = "See the finding's message and remediation.";
  r.default_severity = model::Severity::medium;
  return r;
}

// The per-result objects are built with operator[] and moves, not nested
// initializer lists: nlohmann copies each level of an initializer list, which
// made 25,000 results several times slower.
json physical_location(const std::string& path, int line, int column) {
  json artifact = json::object();
  artifact["uri"] = path_to_uri(path);
  json region = json::object();
  region["startLine"] = line > 0 ? line : 1;
  region["startColumn"] = column > 0 ? column : 1;
  json phys = json::object();
  phys["artifactLocation"] = std::move(artifact);
  phys["region"] = std::move(region);
  return phys;
}

json text_message(const std::string& text) {
  json m = json::object();
  m["text"] = text;
  return m;
}

// Where a finding points: its YAML location; a finding without one (an
// unmanaged device is in no file of the twin) points at twin.yaml, line 1.
json location_of(const report::Report& r, const model::SourceLocation& loc, const std::string& asset) {
  json l = json::object();
  if (loc.known()) {
    l["physicalLocation"] = physical_location(loc.path, loc.line, loc.column);
  } else {
    l["physicalLocation"] = physical_location(r.twin_yaml.empty() ? "twin.yaml" : r.twin_yaml, 1, 1);
  }
  if (!asset.empty()) {
    json logical = json::object();
    logical["name"] = asset;
    logical["fullyQualifiedName"] = r.site.empty() ? asset : r.site + "/" + asset;
    logical["kind"] = "resource";
    json list = json::array();
    list.push_back(std::move(logical));
    l["logicalLocations"] = std::move(list);
  }
  return l;
}

void set_if(json& j, const char* key, const std::string& v) {
  if (!v.empty()) {
    j[key] = v;
  }
}

json notification(const char* level, const std::string& text) {
  return {{"level", level}, {"message", {{"text", text}}}};
}

} // namespace

json to_sarif(const report::Report& r, const SarifOptions& opts) {
  // Rules: every severity variant of the whole catalogue, not only the rules
  // used. GitHub expects the rules of a tool to change only with the tool, not
  // with the results, and a fixed list keeps ruleIndex stable between runs
  // (13 rules x 5 severities: cheap, far below GitHub's 25,000).
  json rules = json::array();
  std::map<std::string, size_t> rule_index; // bare rule id -> index of its critical variant
  auto add_rule = [&](const model::Rule& rule) {
    rule_index[rule.id] = rules.size();
    for (model::Severity sev : k_variant_order) {
      rules.push_back(rule_descriptor(rule, sev));
    }
  };
  for (const model::Rule& rule : model::rules()) {
    add_rule(rule);
  }
  std::set<std::string> unknown;
  for (const model::Finding& f : r.findings) {
    if (!rule_index.count(f.rule)) {
      unknown.insert(f.rule);
    }
  }
  for (const std::string& id : unknown) {
    add_rule(unknown_rule(id));
  }

  // Results: suppressed findings are left out (GitHub ignores `suppressions` and
  // would open an alert). The findings are sorted most severe first, so keeping
  // the first max_results keeps the most severe.
  json results = json::array();
  results.get_ref<json::array_t&>().reserve(std::min(r.findings.size(), opts.max_results));
  size_t left_out = 0;
  for (const model::Finding& f : r.findings) {
    if (f.suppressed) {
      continue;
    }
    if (results.size() >= opts.max_results) {
      ++left_out;
      continue;
    }
    json res = json::object();
    // The variant of the finding's own severity (a drift policy may override the
    // rule's default), so GitHub shows the severity twinctl gates on.
    res["ruleId"] = f.rule + "/" + model::to_string(f.severity);
    res["ruleIndex"] = rule_index[f.rule] + variant_of(f.severity);
    res["level"] = sarif_level(f.severity);
    res["message"] = text_message(f.message.empty() ? f.rule + " " + f.asset + " " + f.field : f.message);
    json locations = json::array();
    locations.push_back(location_of(r, f.loc, f.asset));
    res["locations"] = std::move(locations);
    if (!f.fingerprint.empty()) {
      // GitHub uses only primaryLocationLineHash; ours comes from the finding's
      // identity (site/asset/field/rule), so the alert survives edits of the file.
      json fp = json::object();
      fp["primaryLocationLineHash"] = f.fingerprint + ":1";
      res["partialFingerprints"] = std::move(fp);
    }
    if (r.has_baseline) {
      res["baselineState"] = f.baseline_state == "unchanged" || f.baseline_state == "updated" ? f.baseline_state : "new";
    }
    json props = json::object();
    props["severity"] = model::to_string(f.severity);
    props["rule"] = f.rule;
    set_if(props, "kind", f.kind);
    set_if(props, "asset", f.asset);
    set_if(props, "field", f.field);
    set_if(props, "intended", f.intended);
    set_if(props, "live", f.live);
    set_if(props, "intendedNormalized", f.intended_norm);
    set_if(props, "liveNormalized", f.live_norm);
    set_if(props, "source", f.source);
    set_if(props, "observedAt", f.observed_at);
    set_if(props, "remediation", f.remediation);
    if (f.commit.known()) {
      json commit = json::object();
      commit["sha"] = f.commit.sha;
      commit["author"] = f.commit.author;
      commit["date"] = f.commit.date;
      props["lastCommit"] = std::move(commit);
    }
    res["properties"] = std::move(props);
    results.push_back(std::move(res));
  }

  // Baseline entries this run no longer has are NOT emitted as results with
  // baselineState "absent". GitHub code scanning ignores baselineState (it is not
  // among the properties it reads): an "absent" result would be ingested as an
  // open alert at its old location, i.e. a fixed finding would come back. GitHub
  // closes an alert by itself when the next upload of the same category lacks
  // it, which is what "absent" means. The entries are kept in the run's property
  // bag (ignored by GitHub, readable by other SARIF consumers) and counted in a note.
  json absent = json::array();
  for (const report::BaselineEntry& b : r.baseline_absent) {
    json e = {{"fingerprint", b.fingerprint}, {"rule", b.rule}, {"asset", b.asset}, {"field", b.field},
              {"message", b.message}};
    if (b.loc.known()) {
      e["location"] = b.loc.str();
    }
    absent.push_back(std::move(e));
  }

  json notifications = json::array();
  for (const model::Diagnostic& d : r.errors) {
    json n = notification("error", d.message);
    if (d.loc.known()) {
      n["locations"] = json::array({{{"physicalLocation", physical_location(d.loc.path, d.loc.line, d.loc.column)}}});
    }
    notifications.push_back(std::move(n));
  }
  if (r.incomplete) {
    std::string failed;
    for (const report::SourceStatus& s : r.sources) {
      if (!s.ok) {
        failed += (failed.empty() ? "" : ", ") + s.name + " (" + s.error + ")";
      }
    }
    notifications.push_back(notification(
        "error", "Incomplete run: live source(s) could not be read: " + (failed.empty() ? "unknown" : failed) + ". " +
                     plural(r.unobserved.size(), "intended asset is", "intended assets are") +
                     " unobserved; none is reported as missing."));
  }
  if (left_out > 0) {
    notifications.push_back(notification(
        "warning", plural(left_out, "result was", "results were") + " left out: at most " +
                       std::to_string(opts.max_results) +
                       " results are written per run (GitHub accepts 25,000); the most severe are kept. "
                       "The json output has all findings."));
  }
  if (!r.baseline_absent.empty()) {
    notifications.push_back(notification(
        "note", plural(r.baseline_absent.size(), "finding of the baseline is", "findings of the baseline are") +
                    " no longer present (listed in the run's properties.baselineAbsent)."));
  }

  json driver = {{"name", "twinctl"}, {"rules", std::move(rules)}};
  if (!r.tool_version.empty()) {
    driver["version"] = r.tool_version;
    driver["semanticVersion"] = r.tool_version;
  }

  json invocation = {{"executionSuccessful", !r.incomplete && r.errors.empty()},
                     {"toolExecutionNotifications", std::move(notifications)}};
  if (!r.generated_at.empty()) {
    invocation["endTimeUtc"] = r.generated_at;
  }

  json run_props = {{"site", r.site}, {"gateFailed", r.gate_failed},
                    {"failOn", r.fail_on ? model::to_string(*r.fail_on) : "none"}, {"incomplete", r.incomplete}};
  set_if(run_props, "command", r.command);
  set_if(run_props, "commit", r.commit);
  set_if(run_props, "ref", r.ref);
  if (r.coverage_percent) {
    run_props["coveragePercent"] = *r.coverage_percent;
  }
  if (r.has_baseline) {
    run_props["baselineAbsent"] = std::move(absent);
  }
  if (r.plan) {
    // PR mode: the results are the findings the change introduces, and only
    // those (uploaded for the pull request, GitHub shows them as its new alerts).
    run_props["base"] = r.plan->base_ref;
    set_if(run_props, "baseCommit", r.plan->base_commit);
    run_props["introduced"] = r.findings.size();
    run_props["resolved"] = r.plan->resolved.size();
  }

  json run = {
      {"tool", {{"driver", std::move(driver)}}},
      {"invocations", json::array({std::move(invocation)})},
      {"columnKind", "unicodeCodePoints"}, // libyaml counts characters
      {"results", std::move(results)},
      {"properties", std::move(run_props)},
  };
  // GitHub reads automationDetails.id as "category/run-id": the trailing slash
  // makes the whole value the category. Without --sarif-category it is left out.
  if (!opts.category.empty()) {
    run["automationDetails"] = {{"id", opts.category.back() == '/' ? opts.category : opts.category + "/"}};
  }
  return {{"$schema", k_sarif_schema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
}

void write_sarif(std::ostream& out, const report::Report& r, const SarifOptions& opts) {
  // replace: a stray invalid UTF-8 byte in a live value must not abort the output.
  dump_pretty(out, to_sarif(r, opts));
}

} // namespace twinctl::output
