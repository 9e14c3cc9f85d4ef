// A GitHub job summary ($GITHUB_STEP_SUMMARY): the gate's result first, then
// the figures, the gating findings and, collapsed, everything that does not
// gate. GitHub refuses a step summary over 1 MiB, so every list is cut to fit.
#include "lib/output/output.hpp"
#include "lib/util/strings.hpp"
#include "lib/output/markdown_text.hpp"

#include <cstdio>

namespace twinctl::output {

using util::plural;

namespace {

constexpr size_t k_limit = 1024 * 1024; // GitHub's limit for one step's summary
constexpr size_t k_slack = 2048;        // room for the closing lines and notes
constexpr size_t k_side_cap = 96 * 1024; // each collapsed list; the gating table gets the rest

// Markdown and HTML inside a table cell: entities for <, > and &, a backslash
// for the characters that start Markdown syntax, <br> for line breaks.
std::string md(const std::string& s) { return markdown_text(s); }

// A value that may be empty, in a cell.
std::string cell(const std::string& s) { return s.empty() ? "—" : md(s); }

std::string where(const report::Report& r, const model::SourceLocation& loc) {
  if (!loc.known()) {
    return r.twin_yaml.empty() ? "—" : md(r.twin_yaml) + ":1";
  }
  return md(loc.line > 0 ? loc.path + ":" + std::to_string(loc.line) : loc.path.str());
}

const char* k_finding_header =
    "| Severity | Rule | Asset | Field | Intended → live | Location |\n| --- | --- | --- | --- | --- | --- |\n";

// A finding as a table row; one without values (a policy finding) shows its message.
std::string finding_row(const report::Report& r, const model::Finding& f) {
  std::string change = f.intended.empty() && f.live.empty() ? cell(f.message) : cell(f.intended) + " → " + cell(f.live);
  std::string sev = model::to_string(f.severity);
  if (!f.history_state.empty()) {
    sev += " · " + history_tag(f);
  }
  return "| " + sev + " | " + md(f.rule) + " | " + cell(f.asset) + " | " + cell(f.field) + " | " + change + " | " +
         where(r, f.loc) + " |\n";
}

// Appends rows while they fit in `budget` bytes of `out`, then one line saying
// how many were left out.
template <class Rows>
void append_rows(std::string& out, size_t budget, size_t count, const char* what, Rows&& row_of) {
  size_t shown = 0;
  for (; shown < count; ++shown) {
    std::string row = row_of(shown);
    if (out.size() + row.size() > budget) {
      break;
    }
    out += row;
  }
  if (shown < count) {
    out += "\n_" + std::to_string(count - shown) + " more " + what + " not shown (the summary is limited to 1 MiB; the json "
           "or sarif output has all of them)._\n";
  }
}

std::string headline(const report::Report& r) {
  std::string cmd = r.command.empty() ? "twinctl" : "twinctl " + r.command;
  if (r.plan) {
    cmd += " --base " + md(r.plan->base_ref) + ": opens " + plural(r.findings.size(), "finding", "findings") +
           ", closes " + std::to_string(r.plan->resolved.size());
  }
  std::string gate = r.fail_on ? std::string("fail-on ") + model::to_string(*r.fail_on) : "report only";
  if (!r.errors.empty()) {
    return "## ❌ " + cmd + ": " + plural(r.errors.size(), "error", "errors") + "\n";
  }
  if (r.incomplete) {
    return "## ⚠️ " + cmd + ": incomplete — a live source could not be read (" + gate +
           (r.gate_failed ? ", gate failed" : "") + ")\n";
  }
  if (r.gate_failed) {
    return "## ❌ " + cmd + ": gate failed (" + gate + ")\n";
  }
  return "## ✅ " + cmd + ": gate passed (" + gate + ")\n";
}

std::string twin_line(const report::Report& r) {
  std::string s = "**" + md(r.site) + "**";
  if (!r.site_name.empty()) {
    s += " — " + md(r.site_name);
  }
  s += " · " + plural(r.asset_count, "asset", "assets");
  s += r.commit.empty() ? std::string(" · working tree") : " · commit `" + r.commit.substr(0, 12) + "`";
  if (!r.ref.empty()) {
    s += " (" + md(r.ref) + ")";
  }
  if (!r.generated_at.empty()) {
    s += " · " + md(r.generated_at);
  }
  return s + "\n\n";
}

std::string counts(const report::Report& r) {
  std::string s = "| critical | high | medium | low | info | suppressed | in baseline |\n"
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n|";
  for (int i = 4; i >= 0; --i) {
    s += " " + std::to_string(r.by_severity[static_cast<size_t>(i)]) + " |";
  }
  s += " " + std::to_string(r.suppressed) + " | " + std::to_string(r.baselined) + " |\n\n";
  if (!r.by_kind.empty()) {
    s += "By kind:";
    bool first = true;
    for (const auto& [kind, n] : r.by_kind) {
      s += (first ? " " : " · ") + md(kind) + " " + std::to_string(n);
      first = false;
    }
    s += "\n\n";
  }
  return s;
}

std::string live_state(const report::Report& r) {
  std::string s;
  if (!r.sources.empty()) {
    s += "**Sources:**";
    for (const report::SourceStatus& src : r.sources) {
      s += "\n- " + std::string(src.ok ? "✅ " : "❌ ") + md(src.name) + " (" + md(src.adapter) + "): " +
           (src.ok ? plural(src.items, "item", "items") : "FAILED: " + md(src.error));
    }
    s += "\n\n";
  }
  if (r.coverage_percent) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *r.coverage_percent);
    s += "**Coverage:** " + std::string(buf) + "% (" + std::to_string(r.observed) + " of " +
         std::to_string(r.monitored) + " monitored assets observed)";
    if (!r.taken_at.empty()) {
      s += ", live state of " + md(r.taken_at);
    }
    s += "\n\n";
  }
  return s;
}

} // namespace

void write_markdown(std::ostream& out, const report::Report& r) {
  std::string s;
  s += headline(r);
  s += twin_line(r);
  if (r.plan) {
    s += md(plan_line(r)) + "\n\n";
  }
  s += counts(r);
  s += live_state(r);

  if (!r.errors.empty()) {
    s += "### Errors\n\n";
    append_rows(s, s.size() + k_side_cap, r.errors.size(), "errors", [&](size_t i) {
      const model::Diagnostic& d = r.errors[i];
      return "- " + (d.loc.known() ? md(d.loc.str()) + ": " : std::string()) + md(d.message) + "\n";
    });
    s += "\n";
  }

  std::vector<const model::Finding*> gating, baselined, suppressed;
  for (const model::Finding& f : r.findings) {
    if (f.suppressed) {
      suppressed.push_back(&f);
    } else if (f.baseline_state == "unchanged") {
      baselined.push_back(&f);
    } else {
      gating.push_back(&f);
    }
  }

  // The collapsed sections come after the table but are rendered first, so the
  // table knows how much room it has.
  std::string tail;
  if (!baselined.empty()) {
    tail += "<details><summary>" + plural(baselined.size(), "finding", "findings") +
            " already in the baseline</summary>\n\n" + k_finding_header;
    append_rows(tail, tail.size() + k_side_cap, baselined.size(), "baselined findings",
                [&](size_t i) { return finding_row(r, *baselined[i]); });
    tail += "\n</details>\n\n";
  }
  if (!r.baseline_absent.empty()) {
    size_t start = tail.size();
    tail += "<details><summary>" + plural(r.baseline_absent.size(), "finding", "findings") +
            " of the baseline no longer present</summary>\n\n| Rule | Asset | Field | Message |\n| --- | --- | --- | --- |\n";
    append_rows(tail, start + k_side_cap, r.baseline_absent.size(), "fixed findings", [&](size_t i) {
      const report::BaselineEntry& b = r.baseline_absent[i];
      return "| " + md(b.rule) + " | " + cell(b.asset) + " | " + cell(b.field) + " | " + cell(b.message) + " |\n";
    });
    tail += "\n</details>\n\n";
  }
  if (!suppressed.empty()) {
    size_t start = tail.size();
    tail += "<details><summary>" + plural(suppressed.size(), "suppressed finding", "suppressed findings") +
            " (do not fail the gate)</summary>\n\n| Severity | Rule | Asset | Field | Reason | Owner | Ticket | Expires |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
    append_rows(tail, start + k_side_cap, suppressed.size(), "suppressed findings", [&](size_t i) {
      const model::Finding& f = *suppressed[i];
      return "| " + std::string(model::to_string(f.severity)) + " | " + md(f.rule) + " | " + cell(f.asset) + " | " +
             cell(f.field) + " | " + cell(f.suppression_reason) + " | " + cell(f.suppression_owner) + " | " +
             cell(f.suppression_ticket) + " | " + cell(f.suppression_expires) + " |\n";
    });
    tail += "\n</details>\n\n";
  }
  if (!r.unobserved.empty()) {
    size_t start = tail.size();
    tail += "<details><summary>" + plural(r.unobserved.size(), "unobserved asset", "unobserved assets") +
            " (their source failed; not reported as missing)</summary>\n\n| Asset | Failed source |\n| --- | --- |\n";
    append_rows(tail, start + k_side_cap, r.unobserved.size(), "unobserved assets", [&](size_t i) {
      return "| " + cell(r.unobserved[i].asset) + " | " + cell(r.unobserved[i].sources) + " |\n";
    });
    tail += "\n</details>\n\n";
  }

  if (r.audit) {
    tail = audit_markdown(r, k_side_cap) + tail; // incidents, due, resolved: read before the collapsed lists
  }
  if (r.plan) {
    // PR mode: what the change closes, in full view after what it opens.
    std::string closed = "### Closed by this change: " + std::to_string(r.plan->resolved.size()) + "\n\n";
    if (r.plan->resolved.empty()) {
      closed += "None.\n\n";
    } else {
      closed += k_finding_header;
      append_rows(closed, closed.size() + k_side_cap, r.plan->resolved.size(), "closed findings", [&](size_t i) {
        const model::Finding& f = r.plan->resolved[i];
        std::string row = finding_row(r, f);
        if (f.suppressed) {
          row.insert(row.size() - 3, " (suppressed by this change: " + md(f.suppression_reason) + ")");
        }
        return row;
      });
      closed += "\n";
    }
    tail = closed + tail;
  }
  if (gating.empty()) {
    s += r.plan ? "### Opened by this change: 0\n\nNone.\n\n"
                : r.findings.empty() ? "No findings.\n\n" : "No gating findings.\n\n";
  } else {
    s += (r.plan ? "### Opened by this change: " + std::to_string(gating.size())
                 : "### " + plural(gating.size(), "finding", "findings")) +
         "\n\n" + k_finding_header;
    size_t budget = k_limit - k_slack - std::min(tail.size(), k_limit / 2);
    append_rows(s, budget, gating.size(), "findings", [&](size_t i) { return finding_row(r, *gating[i]); });
    s += "\n";
  }
  if (s.size() + tail.size() > k_limit) {
    // Cannot happen with the caps above (k_slack covers the "more" notes); never exceed the limit.
    tail = "_Further sections left out to stay under 1 MiB._\n\n";
  }
  out << s << tail;
}

} // namespace twinctl::output
