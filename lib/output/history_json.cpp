#include "lib/output/history_output.hpp"
#include "lib/output/output.hpp"

#include <nlohmann/json.hpp>

namespace twinctl::output {

namespace {

using nlohmann::json;

json opt(const std::string& s) { return s.empty() ? json() : json(s); }

json run_json(const history::RunRow& r) {
  return {{"id", r.id},
          {"started_at", r.started_at},
          {"site", r.site},
          {"site_name", r.site_name},
          {"commit", opt(r.commit)},
          {"ref", opt(r.ref)},
          {"live", r.live},
          {"exit_code", r.exit_code},
          {"incomplete", r.incomplete},
          {"coverage_percent", r.coverage ? json(*r.coverage) : json()},
          {"assets", r.assets},
          {"open",
           {{"critical", r.by_severity[0]},
            {"high", r.by_severity[1]},
            {"medium", r.by_severity[2]},
            {"low", r.by_severity[3]},
            {"info", r.by_severity[4]}}},
          {"suppressed", r.suppressed},
          {"new", r.new_count},
          {"resolved", r.resolved_count}};
}

json finding_json(const history::FindingRow& f) {
  json location;
  if (!f.file.empty()) {
    location = {{"path", f.file}, {"line", f.file_line ? json(*f.file_line) : json()}};
  }
  return {{"fingerprint", f.fingerprint},
          {"state", f.state},
          {"rule", f.rule},
          {"kind", f.kind},
          {"severity", f.severity},
          {"asset", f.asset},
          {"field", f.field},
          {"message", f.message},
          {"site", f.site},
          {"zone", f.zone},
          {"line", f.line},
          {"team", f.team},
          {"location", location},
          {"first_seen", {{"run", f.first_seen_run}, {"at", f.first_seen_at}}},
          {"last_seen", {{"run", f.last_seen_run}, {"at", f.last_seen_at}}},
          {"resolved", f.resolved_run ? json{{"run", *f.resolved_run}, {"at", f.resolved_at}} : json()},
          {"opened_at", f.opened_at},
          {"reopened", f.reopened},
          {"suppressed", f.suppressed}};
}

json resolve_json(const std::vector<history::ResolveStats>& rows) {
  json out = json::array();
  for (const history::ResolveStats& r : rows) {
    out.push_back({{"key", r.key},
                   {"resolved", r.resolved},
                   {"mean_days_to_resolve", r.resolved ? json(r.mean_days) : json()},
                   {"open", r.open}});
  }
  return out;
}

} // namespace

void write_history_json(std::ostream& out, const history::HistoryView& v) {
  json doc = {{"schema_version", 1},
              {"tool", {{"name", "twinctl"}, {"version", TWINCTL_VERSION}}},
              {"command", "history " + v.command},
              {"db", v.db}};
  if (v.command == "list") {
    json runs = json::array();
    for (const history::RunRow& r : v.runs) {
      runs.push_back(run_json(r));
    }
    doc["runs"] = std::move(runs);
  } else if (v.command == "show" && v.run) {
    json findings = json::array(), sources = json::array(), incidents = json::array(), due = json::array();
    for (const history::FindingRow& f : v.run->findings) {
      findings.push_back(finding_json(f));
    }
    for (const history::SourceRow& s : v.run->sources) {
      sources.push_back({{"name", s.name}, {"ok", s.ok}, {"error", opt(s.error)}, {"items", s.items}});
    }
    for (const history::IncidentRow& i : v.run->incidents) {
      incidents.push_back({{"rank", i.rank},
                           {"root", i.root},
                           {"score", i.score},
                           {"affected", i.affected},
                           {"explanation", i.explanation},
                           {"team", i.team}});
    }
    for (const history::DueRow& d : v.run->due) {
      due.push_back(
          {{"asset", d.asset}, {"kind", d.kind}, {"item", d.item}, {"due_on", d.due_on}, {"days_left", d.days_left}});
    }
    doc["run"] = run_json(v.run->run);
    doc["sources"] = std::move(sources);
    doc["findings"] = std::move(findings);
    doc["incidents"] = std::move(incidents);
    doc["due"] = std::move(due);
  } else if (v.command == "findings") {
    json findings = json::array();
    for (const history::FindingRow& f : v.findings) {
      findings.push_back(finding_json(f));
    }
    doc["findings"] = std::move(findings);
  } else if (v.command == "prune" && v.pruned) {
    doc["pruned"] = {{"runs", v.pruned->runs_deleted}, {"findings", v.pruned->findings_deleted}};
  } else if (v.command == "migrate" && v.migrated) {
    json tables = json::object();
    for (const auto& [table, rows] : v.migrated->tables) {
      tables[table] = rows;
    }
    doc["migrated"] = {{"from", v.migrated->from}, {"to", v.migrated->to}, {"rows", std::move(tables)}};
  } else if (v.command == "stats" && v.stats) {
    doc["stats"] = {{"runs", v.stats->runs},
                    {"findings", v.stats->findings},
                    {"open", v.stats->open},
                    {"by_severity", resolve_json(v.stats->by_severity)},
                    {"by_team", resolve_json(v.stats->by_team)}};
  }
  dump_pretty(out, doc);
}

} // namespace twinctl::output
