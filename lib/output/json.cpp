#include "lib/output/output.hpp"
#include "lib/util/json_stream.hpp"

#include "lib/util/strings.hpp"

namespace twinctl::output {

namespace {

nlohmann::json location_json(const model::SourceLocation& l) {
  if (!l.known()) {
    return nullptr;
  }
  nlohmann::json j;
  j["path"] = l.path.str();
  j["line"] = l.line;
  j["column"] = l.column;
  return j;
}

// Findings are written as text straight away, one at a time: a DOM of 25,000
// findings costs ~10x the time and holds the whole document in memory. The
// text is what nlohmann's dump(2) gives (keys sorted, same escapes), which a
// test checks against a parse of the output.
class FindingWriter {
public:
  explicit FindingWriter(std::string& out) : m_out(out) {}

  // Laid out at an indent of 4, from its '{'.
  void write(const model::Finding& f) {
    m_out += "{";
    field("asset", f.asset);
    if (f.baseline_state == "updated") {
      field("baseline_observed", f.baseline_observed);
    }
    if (!f.baseline_state.empty()) {
      field("baseline_state", f.baseline_state);
    }
    field("field", f.field);
    field("fingerprint", f.fingerprint);
    if (!f.history_state.empty()) {
      open("history");
      raw("open_days", std::to_string(f.open_days), 8);
      field("opened_at", f.opened_at, 8);
      field("state", f.history_state, 8);
      close();
    }
    nullable("intended", f.intended);
    nullable("intended_normalized", f.intended_norm);
    field("kind", f.kind);
    if (f.commit.known()) {
      open("last_commit");
      field("author", f.commit.author, 8);
      field("date", f.commit.date, 8);
      field("sha", f.commit.sha, 8);
      close();
    } else {
      raw("last_commit", "null");
    }
    nullable("live", f.live);
    nullable("live_normalized", f.live_norm);
    if (f.loc.known()) {
      open("location");
      raw("column", std::to_string(f.loc.column), 8);
      raw("line", std::to_string(f.loc.line), 8);
      field("path", f.loc.path.str(), 8);
      close();
    } else {
      raw("location", "null");
    }
    field("message", f.message);
    nullable("observed_at", f.observed_at);
    field("remediation", f.remediation);
    field("rule", f.rule);
    field("severity", model::to_string(f.severity));
    nullable("source", f.source);
    raw("suppressed", f.suppressed ? "true" : "false");
    if (f.suppressed) {
      open("suppression");
      nullable("expires", f.suppression_expires, 8);
      nullable("owner", f.suppression_owner, 8);
      field("reason", f.suppression_reason, 8);
      nullable("ticket", f.suppression_ticket, 8);
      close();
    }
    m_out += "\n    }";
  }

private:
  void key(std::string_view k, int indent) {
    m_out += m_first[m_depth] ? "\n" : ",\n";
    m_first[m_depth] = false;
    m_out.append(static_cast<size_t>(indent), ' ');
    m_out += '"';
    m_out += k;
    m_out += "\": ";
  }
  void raw(std::string_view k, std::string_view v, int indent = 6) {
    key(k, indent);
    m_out += v;
  }
  void field(std::string_view k, std::string_view v, int indent = 6) {
    key(k, indent);
    string(v);
  }
  void nullable(std::string_view k, std::string_view v, int indent = 6) {
    if (v.empty()) {
      raw(k, "null", indent);
    } else {
      field(k, v, indent);
    }
  }
  void open(std::string_view k) {
    key(k, 6);
    m_out += '{';
    m_first[++m_depth] = true;
  }
  void close() {
    m_out += "\n      }";
    --m_depth;
  }
  void string(std::string_view s) {
    if (!util::is_utf8(s)) { // rare: let nlohmann replace the bad bytes
      m_out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    static const char* const k_hex = "0123456789abcdef";
    m_out += '"';
    for (char c : s) {
      switch (c) {
      case '"': m_out += "\\\""; break;
      case '\\': m_out += "\\\\"; break;
      case '\b': m_out += "\\b"; break;
      case '\f': m_out += "\\f"; break;
      case '\n': m_out += "\\n"; break;
      case '\r': m_out += "\\r"; break;
      case '\t': m_out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          m_out += "\\u00";
          m_out += k_hex[(c >> 4) & 0xf];
          m_out += k_hex[c & 0xf];
        } else {
          m_out += c;
        }
      }
    }
    m_out += '"';
  }

  std::string& m_out;
  bool m_first[2] = {true, true};
  int m_depth = 0;
};

nlohmann::json history_json(const report::HistorySummary& h) {
  nlohmann::json resolved = nlohmann::json::array();
  for (const report::ResolvedFinding& f : h.resolved) {
    resolved.push_back({{"fingerprint", f.fingerprint},
                        {"rule", f.rule},
                        {"severity", f.severity},
                        {"asset", f.asset},
                        {"field", f.field},
                        {"message", f.message},
                        {"opened_at", f.opened_at},
                        {"open_days", f.open_days}});
  }
  return {{"db", h.db},
          {"run_id", h.run_id},
          {"previous_run", h.previous_run ? nlohmann::json(h.previous_run) : nlohmann::json()},
          {"new", h.new_count},
          {"open", h.open_count},
          {"reopened", h.reopened_count},
          {"carried", h.carried},
          {"resolved", std::move(resolved)}};
}

nlohmann::json audit_json(const report::Audit& a) {
  nlohmann::json incidents = nlohmann::json::array();
  for (const report::AuditIncident& i : a.incidents) {
    incidents.push_back({{"id", i.id},
                         {"rank", i.rank},
                         {"roots", i.roots},
                         {"score", i.score},
                         {"affected", i.affected},
                         {"explanation", i.explanation},
                         {"team", i.team}});
  }
  nlohmann::json due = nlohmann::json::array();
  for (const report::DueItem& d : a.due) {
    due.push_back({{"asset", d.asset},
                   {"kind", d.kind},
                   {"item", d.item},
                   {"due_on", d.due_on},
                   {"days_left", d.days_left}});
  }
  nlohmann::json contacts = nlohmann::json::array();
  for (const model::Team& t : a.contacts) {
    contacts.push_back({{"team", t.id},
                        {"name", t.name},
                        {"lead", t.lead},
                        {"email", t.email},
                        {"chat", t.chat},
                        {"oncall", t.oncall}});
  }
  return {{"failed", a.failed},
          {"alerting", a.alerting},
          {"incidents", std::move(incidents)},
          {"isolated", a.isolated},
          {"due", std::move(due)},
          {"contacts", std::move(contacts)},
          {"history", a.history ? history_json(*a.history) : nlohmann::json()}};
}

// The document without its findings (an empty array in their place).
nlohmann::json header_json(const report::Report& r) {
  nlohmann::json by_sev = nlohmann::json::object();
  for (int s = 4; s >= 0; --s) {
    by_sev[model::to_string(static_cast<model::Severity>(s))] = r.by_severity[static_cast<size_t>(s)];
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const model::Diagnostic& d : r.errors) {
    errors.push_back({{"location", location_json(d.loc)}, {"message", d.message}});
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
      {"findings", nlohmann::json::array()}, // written by FindingWriter
  };
  if (r.audit) {
    j["audit"] = audit_json(*r.audit);
  }
  if (r.plan) {
    // PR mode: `findings` are those the change introduces; `resolved` (streamed) those it resolves.
    j["plan"] = {{"base_ref", r.plan->base_ref},
                 {"base_commit", r.plan->base_commit.empty() ? nlohmann::json() : nlohmann::json(r.plan->base_commit)},
                 {"base_note", r.plan->base_note.empty() ? nlohmann::json() : nlohmann::json(r.plan->base_note)},
                 {"introduced", r.findings.size()},
                 {"resolved", r.plan->resolved.size()},
                 {"unchanged", r.plan->unchanged}};
    j["resolved"] = nlohmann::json::array(); // written by FindingWriter
  }
  if (r.has_baseline) {
    nlohmann::json absent = nlohmann::json::array();
    for (const report::BaselineEntry& b : r.baseline_absent) {
      nlohmann::json e;
      e["fingerprint"] = b.fingerprint;
      e["rule"] = b.rule;
      e["asset"] = b.asset;
      e["field"] = b.field;
      e["message"] = b.message;
      e["location"] = location_json(b.loc);
      absent.push_back(std::move(e));
    }
    j["baseline_absent"] = std::move(absent);
  }
  return j;
}

} // namespace

void dump_pretty(std::ostream& out, const nlohmann::json& doc) {
  // What operator<< does, but with error_handler_t::replace (dump() would build the whole text first).
  nlohmann::detail::serializer<nlohmann::json> s(nlohmann::detail::output_adapter<char>(out), ' ',
                                                 nlohmann::json::error_handler_t::replace);
  s.dump(doc, true, false, 2);
  out << '\n';
}

void write_json(std::ostream& out, const report::Report& r) {
  // Live values may hold invalid UTF-8: it is replaced rather than failing the whole output.
  std::string text;
  auto writer = [&text](const std::vector<model::Finding>& list) {
    return [&text, &list](util::JsonElementOut& o, size_t i) {
      text.clear();
      FindingWriter(text).write(list[i]);
      o.text(text);
    };
  };
  std::vector<util::StreamedArray> streamed = {{"findings", r.findings.size(), writer(r.findings)}};
  if (r.plan) {
    streamed.push_back({"resolved", r.plan->resolved.size(), writer(r.plan->resolved)});
  }
  util::write_json_streamed(out, header_json(r), streamed);
}

} // namespace twinctl::output
