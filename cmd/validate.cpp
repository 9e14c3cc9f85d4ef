// twinctl validate: check the intended state (schema, references, cycles,
// zone policy, expiry) and gate on policy findings.
#include "cmd/common.hpp"

#include "lib/report/report.hpp"
#include "lib/util/time.hpp"
#include "lib/validate/validate.hpp"

#include <memory>

namespace twinctl::cmd {

namespace {

struct ValidateOptions {
  TwinArgs twin;
  std::string fail_on = "high";
  std::string now;
};

int run_validate(const ValidateOptions& o, const GlobalOptions& g) {
  auto fail_on = report::parse_fail_on(o.fail_on);
  int64_t now = resolve_now(o.now);

  // Load.
  loaders::LoadResult loaded = load_twin(o.twin);
  report::Report r = start_report("validate", now, loaded);
  if (fail_on_errors(g, r)) {
    return k_exit_error;
  }

  // Compute.
  r.findings = validate::check_policy(loaded.twin, {now});
  report::apply_gate(r, loaded.twin, {fail_on, now});

  // Render.
  write_outputs(g, r);
  return r.gate_failed ? k_exit_gate_failed : k_exit_ok;
}

} // namespace

void register_validate(CLI::App& root, GlobalOptions& g, int& rc) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* sub = root.add_subcommand("validate", "Check the intended state: schema, references, zones, expiry");
  sub->description(
      "Check the intended state: every YAML document against the twin format (unknown keys are errors), "
      "ids, references, value types, POWERS/FEEDS_DATA cycles, the zone policy (TWIN301, TWIN302), "
      "certificate and calibration expiry (TWIN201, TWIN202) and expired suppressions (TWIN901). "
      "Errors print as path:line:column and exit 2; policy findings gate with --fail-on.");
  add_twin_options(*sub, o->twin, true);
  sub->add_option("--fail-on", o->fail_on, "Exit 1 on findings at or above: critical|high|medium|low|info|none")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}));
  sub->add_option("--now", o->now, "Evaluate expiry at this time (RFC 3339 or YYYY-MM-DD), for reproducible runs");
  add_output_option(*sub, g, {"table", "json"});
  sub->footer(help_footer("  twinctl validate --twin examples/factory\n"
                          "  twinctl validate --ref origin/main --fail-on critical\n"
                          "  twinctl validate --repo file:///srv/git/plant-a.git --now 2026-05-04 -o json=validate.json\n"));
  sub->callback([o, &g, &rc] { rc = run_validate(*o, g); });
}

} // namespace twinctl::cmd
