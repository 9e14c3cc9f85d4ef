// JUnit XML for CI dashboards: one test case per finding (failed when it
// gates, skipped when suppressed or already in the baseline) and one per live
// source (an error when it could not be read).
#include "lib/output/output.hpp"

#include <sstream>

namespace twinctl::output {

namespace {

// Text and attribute values: the five entities, line breaks kept as character
// references in attributes, and the control characters XML 1.0 forbids
// replaced by U+FFFD (a JUnit parser would reject the whole file).
std::string xml(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    case '\n':
      out += "&#10;";
      break;
    case '\r':
      out += "&#13;";
      break;
    case '\t':
      out += "&#9;";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        out += "\xEF\xBF\xBD";
      } else {
        out += c;
      }
    }
  }
  return out;
}

struct Case {
  std::string classname;
  std::string name;
  std::string body; // <failure>, <skipped>, <error>, <system-out> or empty
};

} // namespace

void write_junit(std::ostream& out, const report::Report& r) {
  std::vector<Case> cases;
  cases.reserve(r.findings.size() + r.sources.size() + r.errors.size());
  size_t failures = 0, errors = 0, skipped = 0;

  for (const model::Diagnostic& d : r.errors) {
    ++errors;
    cases.push_back({"twinctl.errors", d.loc.known() ? d.loc.str() : "error",
                     "<error message=\"" + xml(d.message) + "\" type=\"error\"/>"});
  }
  for (const report::SourceStatus& s : r.sources) {
    Case c{"twinctl.sources", s.name, ""};
    if (!s.ok) {
      ++errors;
      c.body = "<error message=\"" + xml("live source " + s.name + " (" + s.adapter + ") could not be read: " + s.error) +
               "\" type=\"source-failed\"/>";
    }
    cases.push_back(std::move(c));
  }
  for (const model::Finding& f : r.findings) {
    Case c{f.rule, f.field.empty() ? f.asset : f.asset + "/" + f.field, ""};
    std::string sev = model::to_string(f.severity);
    if (f.suppressed) {
      ++skipped;
      c.body = "<skipped message=\"" + xml("suppressed: " + f.suppression_reason) + "\"/>";
    } else if (f.baseline_state == "unchanged") {
      ++skipped;
      c.body = "<skipped message=\"in the baseline\"/>";
    } else if (r.fail_on && f.severity >= *r.fail_on) {
      // The gate's rule (report::apply_gate): unsuppressed, new, at or above --fail-on.
      ++failures;
      std::string detail = f.message;
      if (!f.intended.empty() || !f.live.empty()) {
        detail += "\nintended: " + f.intended + "\nlive: " + f.live;
      }
      if (f.loc.known()) {
        detail += "\nlocation: " + f.loc.str();
      }
      if (!f.remediation.empty()) {
        detail += "\nremediation: " + f.remediation;
      }
      c.body = "<failure message=\"" + xml(f.message) + "\" type=\"" + sev + "\">" + xml(detail) + "</failure>";
    } else {
      // Below the gate: it passes, and says why it is there.
      c.body = "<system-out>" + xml("[" + sev + "] " + f.message) + "</system-out>";
    }
    cases.push_back(std::move(c));
  }

  std::string suite = "twinctl " + (r.command.empty() ? std::string("drift") : r.command);
  std::ostringstream counts;
  counts << " tests=\"" << cases.size() << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\""
         << skipped << "\"";

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"twinctl\"" << counts.str() << ">\n";
  out << "  <testsuite name=\"" << xml(suite) << "\"" << counts.str();
  if (!r.generated_at.empty()) {
    out << " timestamp=\"" << xml(r.generated_at) << "\"";
  }
  out << ">\n";
  out << "    <properties>\n";
  out << "      <property name=\"site\" value=\"" << xml(r.site) << "\"/>\n";
  if (!r.commit.empty()) {
    out << "      <property name=\"commit\" value=\"" << xml(r.commit) << "\"/>\n";
  }
  out << "      <property name=\"fail_on\" value=\"" << (r.fail_on ? model::to_string(*r.fail_on) : "none") << "\"/>\n";
  out << "      <property name=\"incomplete\" value=\"" << (r.incomplete ? "true" : "false") << "\"/>\n";
  out << "    </properties>\n";
  for (const Case& c : cases) {
    out << "    <testcase classname=\"" << xml(c.classname) << "\" name=\"" << xml(c.name) << "\"";
    if (c.body.empty()) {
      out << "/>\n";
    } else {
      out << ">" << c.body << "</testcase>\n";
    }
  }
  out << "  </testsuite>\n</testsuites>\n";
}

} // namespace twinctl::output
