#include "lib/output/output.hpp"

namespace twinctl::output {

namespace {

nlohmann::json location_json(const model::SourceLocation& l) {
  if (!l.known()) {
    return nullptr;
  }
  return {{"path", l.path}, {"line", l.line}, {"column", l.column}};
}

nlohmann::json finding_json(const model::Finding& f) {
  nlohmann::json j = {
      {"fingerprint", f.fingerprint},
      {"rule", f.rule},
      {"severity", model::to_string(f.severity)},
      {"kind", f.kind},
      {"asset", f.asset},
      {"field", f.field},
      {"message", f.message},
      {"intended", f.intended.empty() ? nlohmann::json() : nlohmann::json(f.intended)},
      {"live", f.live.empty() ? nlohmann::json() : nlohmann::json(f.live)},
      {"intended_normalized", f.intended_norm.empty() ? nlohmann::json() : nlohmann::json(f.intended_norm)},
      {"live_normalized", f.live_norm.empty() ? nlohmann::json() : nlohmann::json(f.live_norm)},
      {"source", f.source.empty() ? nlohmann::json() : nlohmann::json(f.source)},
      {"observed_at", f.observed_at.empty() ? nlohmann::json() : nlohmann::json(f.observed_at)},
      {"remediation", f.remediation},
      {"location", location_json(f.loc)},
      {"last_commit", f.commit.known() ? nlohmann::json{{"sha", f.commit.sha},
                                                        {"author", f.commit.author},
                                                        {"date", f.commit.date}}
                                       : nlohmann::json()},
      {"suppressed", f.suppressed},
  };
  if (f.suppressed) {
    j["suppression"] = {{"reason", f.suppression_reason},
                        {"owner", f.suppression_owner.empty() ? nlohmann::json() : nlohmann::json(f.suppression_owner)},
                        {"ticket", f.suppression_ticket.empty() ? nlohmann::json() : nlohmann::json(f.suppression_ticket)},
                        {"expires", f.suppression_expires.empty() ? nlohmann::json() : nlohmann::json(f.suppression_expires)}};
  }
  if (!f.baseline_state.empty()) {
    j["baseline_state"] = f.baseline_state;
  }
  return j;
}

} // namespace

nlohmann::json to_json(const report::Report& r) {
  nlohmann::json by_sev = nlohmann::json::object();
  for (int s = 4; s >= 0; --s) {
    by_sev[model::to_string(static_cast<model::Severity>(s))] = r.by_severity[static_cast<size_t>(s)];
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const model::Diagnostic& d : r.errors) {
    errors.push_back({{"location", location_json(d.loc)}, {"message", d.message}});
  }
  nlohmann::json findings = nlohmann::json::array();
  for (const model::Finding& f : r.findings) {
    findings.push_back(finding_json(f));
  }
  nlohmann::json sources = nlohmann::json::array();
  for (const report::SourceStatus& s : r.sources) {
    sources.push_back({{"name", s.name},
                       {"adapter", s.adapter},
                       {"ok", s.ok},
                       {"items", s.items},
                       {"error", s.error.empty() ? nlohmann::json() : nlohmann::json(s.error)}});
  }
  nlohmann::json unobserved = nlohmann::json::array();
  for (const model::Unobserved& u : r.unobserved) {
    unobserved.push_back({{"asset", u.asset}, {"sources", u.sources}});
  }
  nlohmann::json j = {
      {"schema_version", 1},
      {"tool", {{"name", "twinctl"}, {"version", r.tool_version}}},
      {"command", r.command},
      {"generated_at", r.generated_at},
      {"twin",
       {{"site", r.site},
        {"name", r.site_name},
        {"root", r.twin_root},
        {"commit", r.commit.empty() ? nlohmann::json() : nlohmann::json(r.commit)},
        {"ref", r.ref.empty() ? nlohmann::json() : nlohmann::json(r.ref)},
        {"assets", r.asset_count},
        {"spaces", r.space_count},
        {"teams", r.team_count}}},
      {"sources", sources},
      {"taken_at", r.taken_at.empty() ? nlohmann::json() : nlohmann::json(r.taken_at)},
      {"coverage_percent", r.coverage_percent ? nlohmann::json(*r.coverage_percent) : nlohmann::json()},
      {"monitored", r.monitored},
      {"observed", r.observed},
      {"unobserved", unobserved},
      {"incomplete", r.incomplete},
      {"summary",
       {{"findings", r.findings.size()},
        {"gating", by_sev},
        {"suppressed", r.suppressed},
        {"baselined", r.baselined},
        {"by_kind", r.by_kind},
        {"errors", r.errors.size()}}},
      {"gate",
       {{"fail_on", r.fail_on ? model::to_string(*r.fail_on) : "none"}, {"failed", r.gate_failed}}},
      {"errors", errors},
      {"findings", findings},
  };
  return j;
}

void write_json(std::ostream& out, const report::Report& r) {
  // Live values may hold invalid UTF-8: replace it rather than fail the whole output.
  out << to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

} // namespace twinctl::output
