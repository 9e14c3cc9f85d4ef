// GitHub Actions workflow commands: one annotation per gating finding
// (`::error file=…,line=…,col=…,title=…::message`), shown on the PR's files.
// GitHub shows at most 10 annotations of each level per step, so the 11th and
// later of a level are counted on a plain line instead (a ::notice for them
// would itself be one annotation over the limit).
#include "lib/model/rules.hpp"
#include "lib/output/output.hpp"
#include "lib/util/strings.hpp"

namespace twinctl::output {

using util::plural;

namespace {

constexpr size_t k_per_level = 10;

// Escaping of @actions/core (toolkit command.ts): data escapes %, CR and LF;
// properties also ':' and ','. Text from the twin or a live source goes through
// util::visible first, so its control characters and line breaks show as \x1b
// or \n; the line breaks escape_data turns into %0A are only our own.
std::string escape_data(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string escape_property(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : escape_data(s)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

enum Level { k_error = 0, k_warning = 1, k_notice = 2 };
const char* k_level_names[] = {"error", "warning", "notice"};

Level level_of(model::Severity s) {
  switch (s) {
  case model::Severity::critical:
  case model::Severity::high:
    return k_error;
  case model::Severity::medium:
    return k_warning;
  case model::Severity::low:
  case model::Severity::info:
    return k_notice;
  }
  return k_warning;
}

struct Annotations {
  std::ostream& out;
  size_t emitted[3] = {0, 0, 0};
  size_t dropped[3] = {0, 0, 0};

  // `file` empty: an annotation without a file (shown on the run, not a line).
  void add(Level level, const std::string& file, int line, int col, const std::string& title, const std::string& msg) {
    if (emitted[level] >= k_per_level) {
      ++dropped[level];
      return;
    }
    ++emitted[level];
    out << "::" << k_level_names[level];
    std::string sep = " ";
    if (!file.empty()) {
      out << sep << "file=" << escape_property(util::visible(file));
      sep = ",";
      if (line > 0) {
        out << ",line=" << line;
        if (col > 0) {
          out << ",col=" << col;
        }
      }
    }
    if (!title.empty()) {
      out << sep << "title=" << escape_property(title);
    }
    out << "::" << escape_data(msg) << "\n";
  }
};

} // namespace

void write_github(std::ostream& out, const report::Report& r) {
  Annotations a{out};

  // What makes the run fail outright comes first, so it is never cut.
  for (const model::Diagnostic& d : r.errors) {
    a.add(k_error, d.loc.path, d.loc.line, d.loc.column, "twinctl error", util::visible(d.message));
  }
  for (const report::SourceStatus& s : r.sources) {
    if (!s.ok) {
      std::string name = util::visible(s.name);
      a.add(k_error, "", 0, 0, "twinctl: live source " + name + " failed",
            "Live source " + name + " (" + util::visible(s.adapter) + ") could not be read: " + util::visible(s.error) +
                ". Its assets are unobserved, not missing; the run is incomplete.");
    }
  }

  for (const model::Finding& f : r.findings) {
    // Suppressed findings and findings already in the baseline do not gate:
    // annotating them would bury the new ones.
    if (f.suppressed || f.baseline_state == "unchanged") {
      continue;
    }
    const model::Rule* rule = model::find_rule(f.rule);
    std::string title = f.rule + " " + (rule ? rule->name : std::string()) + " · " + util::visible(f.asset);
    std::string msg = "[" + std::string(model::to_string(f.severity)) +
                      (f.history_state.empty() ? "" : ", " + history_tag(f)) + "] " + util::visible(f.message);
    if (!f.remediation.empty()) {
      msg += "\n" + util::visible(f.remediation);
    }
    // An unmanaged device has no YAML location: it points at twin.yaml, line 1.
    if (f.loc.known()) {
      a.add(level_of(f.severity), f.loc.path, f.loc.line, f.loc.column, title, msg);
    } else {
      a.add(level_of(f.severity), r.twin_yaml, r.twin_yaml.empty() ? 0 : 1, 0, title, msg);
    }
  }

  for (int l = 0; l < 3; ++l) {
    if (a.dropped[l] > 0) {
      out << "twinctl: " << a.dropped[l] << " more " << k_level_names[l]
          << (a.dropped[l] == 1 ? " annotation" : " annotations")
          << " not shown (GitHub shows at most 10 per level); see the job summary or the SARIF upload.\n";
    }
  }

  // The summary line: the same figures as the table's last line.
  size_t gating = 0;
  std::string parts;
  for (int s = 4; s >= 0; --s) {
    size_t n = r.by_severity[static_cast<size_t>(s)];
    gating += n;
    if (n > 0) {
      parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + model::to_string(static_cast<model::Severity>(s));
    }
  }
  out << "twinctl" << (r.command.empty() ? "" : " " + r.command) << ": " << plural(gating, "finding", "findings");
  if (!parts.empty()) {
    out << " (" << parts << ")";
  }
  if (r.suppressed > 0) {
    out << ", " << r.suppressed << " suppressed";
  }
  if (r.baselined > 0) {
    out << ", " << r.baselined << " in the baseline";
  }
  if (!r.errors.empty()) {
    out << ", " << plural(r.errors.size(), "error", "errors");
  }
  out << ".";
  if (r.incomplete) {
    out << " Run INCOMPLETE: a live source could not be read.";
  }
  if (!r.fail_on) {
    out << " Gate: none (report only).\n";
  } else {
    out << " Gate: " << (r.gate_failed ? "FAILED" : "passed") << " (fail-on " << model::to_string(*r.fail_on)
        << ").\n";
  }
  std::string history = history_line(r);
  if (!history.empty()) {
    // One notice: the counts, then the resolved findings (the first 20; the job summary has all).
    const std::vector<report::ResolvedFinding>& resolved = r.audit->history->resolved;
    for (size_t i = 0; i < resolved.size() && i < 20; ++i) {
      const report::ResolvedFinding& f = resolved[i];
      history += "\nresolved: " + util::visible(f.rule + " " + f.asset + (f.field.empty() ? "" : " " + f.field) +
                                                 " — " + f.message) +
                 " (open " + std::to_string(f.open_days) + "d)";
    }
    if (resolved.size() > 20) {
      history += "\n" + std::to_string(resolved.size() - 20) + " more resolved";
    }
    out << "::notice title=twinctl history::" << escape_data(history) << "\n";
  }
}

} // namespace twinctl::output
