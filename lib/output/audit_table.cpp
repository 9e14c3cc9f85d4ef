// The audit sections of the table output, and the history tags every format shows.
#include "lib/output/output.hpp"

#include <cstdio>

namespace twinctl::output {

std::string history_tag(const model::Finding& f) {
  if (f.history_state == "open") {
    return "open " + std::to_string(f.open_days) + "d";
  }
  return f.history_state;
}

std::string history_line(const report::Report& r) {
  if (!r.audit || !r.audit->history) {
    return "";
  }
  const report::HistorySummary& h = *r.audit->history;
  std::string s = "History (run " + std::to_string(h.run_id) + "): " + std::to_string(h.new_count) + " new, " +
                  std::to_string(h.open_count) + " still open, " + std::to_string(h.reopened_count) + " reopened, " +
                  std::to_string(h.resolved.size()) + " resolved since ";
  s += h.previous_run ? "run " + std::to_string(h.previous_run) : std::string("(first run of this site)");
  s += ".";
  if (h.carried > 0) {
    s += " " + std::to_string(h.carried) + " open live-state findings were not checked (incomplete run) and stay open.";
  }
  return s;
}

void write_audit_table(std::ostream& out, const report::Report& r, const RenderOptions& opts) {
  const char* bold = opts.color ? "\x1b[1m" : "";
  const char* dim = opts.color ? "\x1b[2m" : "";
  const char* reset = opts.color ? "\x1b[0m" : "";
  const report::Audit& a = *r.audit;
  if (!a.incidents.empty() || !a.isolated.empty()) {
    out << "\n" << bold << "Incidents" << reset << " (" << a.failed << " failed, " << a.alerting << " alerting):\n";
    for (const report::AuditIncident& i : a.incidents) {
      std::string roots;
      for (const std::string& id : i.roots) {
        roots += (roots.empty() ? "" : ", ") + id;
      }
      char score[32];
      std::snprintf(score, sizeof score, "%.1f", i.score);
      out << "  " << i.id << "  root " << roots << " explains " << i.affected << " (score " << score << ")";
      if (!i.team.empty()) {
        out << " · team " << i.team;
      }
      out << "\n";
    }
    if (!a.isolated.empty()) {
      out << "  isolated failures:";
      for (const std::string& id : a.isolated) {
        out << " " << id;
      }
      out << "\n";
    }
  }
  if (!a.due.empty()) {
    out << "\n" << bold << "Due" << reset << " (certificates, calibrations and maintenance):\n";
    for (const report::DueItem& d : a.due) {
      out << "  " << d.due_on << "  " << d.asset << " " << d.kind << " " << d.item << "  " << dim
          << (d.days_left < 0 ? std::to_string(-d.days_left) + " days overdue"
                              : "in " + std::to_string(d.days_left) + " days")
          << reset << "\n";
    }
  }
  if (a.history && !a.history->resolved.empty()) {
    out << "\n" << bold << "Resolved since run " << a.history->previous_run << reset << ":\n";
    for (const report::ResolvedFinding& f : a.history->resolved) {
      out << "  " << f.severity << " " << f.rule << " " << f.asset << (f.field.empty() ? "" : " " + f.field) << " — "
          << f.message << " " << dim << "(open " << f.open_days << "d)" << reset << "\n";
    }
  }
  std::string line = history_line(r);
  if (!line.empty()) {
    out << "\n" << line << "\n";
  }
}

} // namespace twinctl::output
