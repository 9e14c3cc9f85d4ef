// The baseline file (`-o baseline=FILE`): the identities of the current
// findings, so a later `--baseline FILE` gates only on new ones
// (schemas/baseline.schema.json).
#include "lib/output/output.hpp"

#include <algorithm>
#include <tuple>

namespace twinctl::output {

void write_baseline(std::ostream& out, const report::Report& r) {
  // Suppressed findings are left out. A suppression already records a reason,
  // an owner and an expiry; if the finding were baselined too, it would stay
  // hidden by the baseline after the suppression expires, which defeats the
  // expiry. Findings that are in the current baseline ("unchanged") are kept:
  // the file is the whole set of known findings, not only the new ones.
  std::vector<const model::Finding*> kept;
  kept.reserve(r.findings.size());
  for (const model::Finding& f : r.findings) {
    if (!f.suppressed) {
      kept.push_back(&f);
    }
  }
  // Sorted by fingerprint, so the file diffs cleanly when findings come and go.
  std::sort(kept.begin(), kept.end(), [](const model::Finding* a, const model::Finding* b) {
    return std::tie(a->fingerprint, a->rule, a->asset, a->field) < std::tie(b->fingerprint, b->rule, b->asset, b->field);
  });

  nlohmann::json findings = nlohmann::json::array();
  findings.get_ref<nlohmann::json::array_t&>().reserve(kept.size());
  for (const model::Finding* f : kept) {
    // Where a finding has no YAML location (an unmanaged device), it points at
    // twin.yaml line 1, as in SARIF; the location is informative only, the
    // fingerprint is what matches.
    nlohmann::json loc;
    if (f->loc.known()) {
      loc = {{"path", f->loc.path}, {"line", f->loc.line}, {"column", f->loc.column}};
    } else {
      loc = {{"path", r.twin_yaml}, {"line", r.twin_yaml.empty() ? 0 : 1}, {"column", r.twin_yaml.empty() ? 0 : 1}};
    }
    findings.push_back({{"fingerprint", f->fingerprint},
                        {"rule", f->rule},
                        {"asset", f->asset},
                        {"field", f->field},
                        {"message", f->message},
                        {"observed", report::baseline_value(*f)},
                        {"location", std::move(loc)}});
  }
  nlohmann::json j = {{"format", "twinctl-baseline/v1"},
                      {"generated_at", r.generated_at},
                      {"site", r.site},
                      {"findings", std::move(findings)}};
  dump_pretty(out, j);
}

} // namespace twinctl::output
