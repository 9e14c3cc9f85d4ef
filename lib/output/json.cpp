#include "lib/output/output.hpp"

namespace twinctl::output {

namespace {

// A string, or null when empty.
nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); }

nlohmann::json location_json(const model::SourceLocation& l) {
  if (!l.known()) {
    return nullptr;
  }
  nlohmann::json j;
  j["path"] = l.path;
  j["line"] = l.line;
  j["column"] = l.column;
  return j;
}

// Built with operator[] and moves: nested initializer lists copy every level,
// which is what made 25,000 findings slow.
nlohmann::json finding_json(const model::Finding& f) {
  nlohmann::json j;
  j["fingerprint"] = f.fingerprint;
  j["rule"] = f.rule;
  j["severity"] = model::to_string(f.severity);
  j["kind"] = f.kind;
  j["asset"] = f.asset;
  j["field"] = f.field;
  j["message"] = f.message;
  j["intended"] = or_null(f.intended);
  j["live"] = or_null(f.live);
  j["intended_normalized"] = or_null(f.intended_norm);
  j["live_normalized"] = or_null(f.live_norm);
  j["source"] = or_null(f.source);
  j["observed_at"] = or_null(f.observed_at);
  j["remediation"] = f.remediation;
  j["location"] = location_json(f.loc);
  if (f.commit.known()) {
    nlohmann::json& c = j["last_commit"];
    c["sha"] = f.commit.sha;
    c["author"] = f.commit.author;
    c["date"] = f.commit.date;
  } else {
    j["last_commit"] = nullptr;
  }
  j["suppressed"] = f.suppressed;
  if (f.suppressed) {
    nlohmann::json& s = j["suppression"];
    s["reason"] = f.suppression_reason;
    s["owner"] = or_null(f.suppression_owner);
    s["ticket"] = or_null(f.suppression_ticket);
    s["expires"] = or_null(f.suppression_expires);
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
    findings.push_back(finding_json(f)); // a temporary: moved, not copied
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
      {"errors", std::move(errors)},
  };
  j["findings"] = std::move(findings); // not in the initializer list: that would copy it
  return j;
}

void dump_pretty(std::ostream& out, const nlohmann::json& doc) {
  // What operator<< does, but with error_handler_t::replace (dump() would build the whole text first).
  nlohmann::detail::serializer<nlohmann::json> s(nlohmann::detail::output_adapter<char>(out), ' ',
                                                 nlohmann::json::error_handler_t::replace);
  s.dump(doc, true, false, 2);
  out << '\n';
}

void write_json(std::ostream& out, const report::Report& r) {
  // Live values may hold invalid UTF-8: replace it rather than fail the whole output.
  dump_pretty(out, to_json(r));
}

} // namespace twinctl::output
