#include "lib/output/output.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>

namespace twinctl::output {

namespace {

const char* colour_of(model::Severity s) {
  switch (s) {
  case model::Severity::critical:
    return "\x1b[1;35m";
  case model::Severity::high:
    return "\x1b[1;31m";
  case model::Severity::medium:
    return "\x1b[33m";
  case model::Severity::low:
    return "\x1b[36m";
  case model::Severity::info:
    return "\x1b[2m";
  }
  return "";
}

std::string pad(const std::string& s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

std::string clip(const std::string& s, size_t w) { return s.size() <= w ? s : s.substr(0, w - 1) + "~"; }

// Columns a UTF-8 string takes (one per code point; ANSI-free text).
size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

// `text` wrapped at spaces to lines of at most `width` columns, the lines after
// the first indented by `indent` spaces. A word longer than a line stays whole.
std::string wrap(const std::string& text, size_t width, size_t indent) {
  if (width == 0 || columns(text) <= width) {
    return text;
  }
  std::string out, line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    std::string word = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && columns(line) + 1 + columns(word) > width) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return out + line;
}

// `text` after a prefix of `indent` columns, wrapped so that no line passes `width`
// (0: not wrapped); the lines after the first are indented alike.
std::string fit(const std::string& text, size_t width, size_t indent) {
  return wrap(text, width > indent + 20 ? width - indent : 0, indent);
}

std::string summary_counts(const report::Report& r) {
  std::vector<std::string> parts;
  size_t total = 0;
  for (int s = 4; s >= 0; --s) {
    size_t n = r.by_severity[static_cast<size_t>(s)];
    total += n;
    if (n > 0) {
      parts.push_back(std::to_string(n) + " " + model::to_string(static_cast<model::Severity>(s)));
    }
  }
  std::string out = std::to_string(total) + (total == 1 ? " finding" : " findings");
  if (!parts.empty()) {
    out += " (";
    for (size_t i = 0; i < parts.size(); ++i) {
      out += (i ? ", " : "") + parts[i];
    }
    out += ")";
  }
  if (r.suppressed > 0) {
    out += ", " + std::to_string(r.suppressed) + " suppressed";
  }
  if (r.baselined > 0) {
    out += ", " + std::to_string(r.baselined) + " in the baseline";
  }
  return out;
}

} // namespace

void write_table(std::ostream& out, const report::Report& r, const RenderOptions& opts) {
  const char* bold = opts.color ? "\x1b[1m" : "";
  const char* dim = opts.color ? "\x1b[2m" : "";
  const char* reset = opts.color ? "\x1b[0m" : "";

  // Every text from the twin or a live source goes through util::visible: no
  // control character reaches the terminal, no line break forges a line.
  using util::visible;
  // Every line fits opts.width (when set): long ones wrap at spaces under their start.
  std::string head = visible(r.site);
  if (!r.site_name.empty()) {
    head += " — " + visible(r.site_name);
  }
  head += " · " + std::to_string(r.asset_count) + " assets";
  head += r.commit.empty() ? " · working tree" : " · commit " + r.commit.substr(0, 12);
  head = fit(head, opts.width, 2);
  const size_t site_end = std::min(head.size(), visible(r.site).size()); // the site id has no space: never wrapped
  out << bold << head.substr(0, site_end) << reset << head.substr(site_end) << "\n";
  for (const report::SourceStatus& s : r.sources) {
    out << "  "
        << fit("source " + visible(s.name) + " (" + visible(s.adapter) +
                   "): " + (s.ok ? std::to_string(s.items) + " items" : "FAILED: " + visible(s.error)),
               opts.width, 4)
        << "\n";
  }
  if (r.coverage_percent) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *r.coverage_percent);
    out << "  coverage " << buf << "% of intended assets observed\n";
  }
  if (r.plan) {
    out << "  " << visible(plan_line(r)) << "\n";
  }
  out << "\n";

  std::vector<const model::Finding*> active, suppressed;
  for (const model::Finding& f : r.findings) {
    (f.suppressed ? suppressed : active).push_back(&f);
  }
  if (active.empty() && suppressed.empty()) {
    out << (r.plan ? "This change opens no finding.\n" : "No findings.\n");
  } else if (r.plan) {
    out << bold << "Opened by this change:" << reset << "\n";
  }
  if (!active.empty()) {
    size_t w_asset = 5, w_field = 5;
    for (const model::Finding* f : active) {
      w_asset = std::max(w_asset, std::min<size_t>(visible(f->asset).size(), 28));
      w_field = std::max(w_field, std::min<size_t>(visible(f->field).size(), 32));
    }
    // On a terminal, the columns fit its width: asset and field are clipped as needed, and the
    // message wraps below its column, or starts on a line of its own when fewer than 30 columns are left.
    while (opts.width > 0 && 19 + w_asset + 2 + w_field + 2 + 8 > opts.width && std::max(w_asset, w_field) > 8) {
      (w_asset >= w_field ? w_asset : w_field) -= 1;
    }
    out << bold << pad("SEVERITY", 10) << pad("RULE", 9) << pad("ASSET", w_asset + 2) << pad("FIELD", w_field + 2)
        << "MESSAGE" << reset << "\n";
    const std::string indent(19, ' ');
    size_t message_column = 19 + w_asset + 2 + w_field + 2;
    bool own_line = opts.width > 0 && message_column + 30 > opts.width;
    size_t message_width = opts.width == 0 ? 0 : own_line ? opts.width - 19 : opts.width - message_column;
    for (const model::Finding* f : active) {
      std::string sev = model::to_string(f->severity);
      std::string cells = pad(clip(visible(f->asset), std::min<size_t>(28, w_asset)), w_asset + 2) +
                          pad(clip(visible(f->field), std::min<size_t>(32, w_field)), w_field + 2);
      if (own_line) {
        cells.erase(cells.find_last_not_of(' ') + 1); // the message goes below: no trailing blanks
        cells += "\n" + indent;
      }
      out << (opts.color ? colour_of(f->severity) : "") << pad(sev, 10) << reset << pad(f->rule, 9) << cells
          << wrap(visible(f->message), message_width, own_line ? 19 : message_column);
      if (f->baseline_state == "unchanged") {
        out << " " << dim << "(in baseline)" << reset;
      } else if (f->baseline_state == "updated") {
        out << " " << bold << "(changed since the baseline: was " << visible(f->baseline_observed) << ")" << reset;
      }
      if (!f->history_state.empty()) {
        out << " " << (f->history_state == "open" ? dim : bold) << "[" << history_tag(*f) << "]" << reset;
      }
      out << "\n";
      std::string where = f->loc.known() ? f->loc.str() : "";
      if (f->commit.known()) {
        where += " · last changed " + f->commit.sha.substr(0, 10) + " by " + f->commit.author + ", " +
                 f->commit.date.substr(0, 10);
      }
      if (!where.empty()) {
        out << indent << dim << wrap(visible(where), opts.width > 19 + 30 ? opts.width - 19 : 0, 19) << reset << "\n";
      }
    }
  }
  if (!suppressed.empty()) {
    out << "\n" << bold << "Suppressed" << reset << " (do not fail the gate):\n";
    for (const model::Finding* f : suppressed) {
      std::string line = pad(model::to_string(f->severity), 10) + pad(f->rule, 9) + visible(f->asset) +
                         (f->field.empty() ? "" : " " + visible(f->field)) + " — " + visible(f->suppression_reason);
      std::vector<std::string> meta;
      if (!f->suppression_owner.empty()) {
        meta.push_back(f->suppression_owner);
      }
      if (!f->suppression_ticket.empty()) {
        meta.push_back(f->suppression_ticket);
      }
      if (!f->suppression_expires.empty()) {
        meta.push_back("until " + f->suppression_expires);
      }
      if (!meta.empty()) {
        line += " (";
        for (size_t i = 0; i < meta.size(); ++i) {
          line += (i ? ", " : "") + visible(meta[i]);
        }
        line += ")";
      }
      out << "  " << fit(line, opts.width, 21) << "\n";
    }
  }
  if (!r.unobserved.empty()) {
    out << "\n" << bold << "Unobserved" << reset << " (their source failed; not reported missing):\n";
    for (const model::Unobserved& u : r.unobserved) {
      out << "  " << pad(visible(u.asset), 28) << " " << dim << "source " << visible(u.sources) << reset << "\n";
    }
  }
  if (r.plan && !r.plan->resolved.empty()) {
    out << "\n" << bold << "Closed by this change:" << reset << "\n";
    for (const model::Finding& f : r.plan->resolved) {
      out << "  "
          << fit(pad(model::to_string(f.severity), 10) + pad(f.rule, 9) + visible(f.asset) +
                     (f.field.empty() ? "" : " " + visible(f.field)) + " — " + visible(finding_change(f)),
                 opts.width, 21);
      if (f.suppressed) {
        out << " " << dim << "(suppressed by this change: " << visible(f.suppression_reason) << ")" << reset;
      }
      out << "\n";
    }
  }
  if (r.audit) {
    write_audit_table(out, r, opts);
  }
  std::string last = (r.plan ? "Introduced: " : "") + summary_counts(r) + ". ";
  if (r.incomplete) {
    last += "Run INCOMPLETE: a live source could not be read; its assets are unobserved, not missing. ";
  }
  if (!r.fail_on) {
    last += "Gate: none (report only).";
  } else {
    last += std::string(r.gate_failed ? "Gate: FAILED" : "Gate: passed") + " (fail-on " + model::to_string(*r.fail_on) + ").";
  }
  last = fit(last, opts.width, 0);
  if (size_t at = last.rfind("Gate: FAILED"); at != std::string::npos && opts.color) {
    last.replace(at, 12, std::string("\x1b[1;31m") + "Gate: FAILED" + reset);
  }
  out << "\n" << last << "\n";
}

} // namespace twinctl::output
