#include "cmd/check_run.hpp"

#include "lib/drift/drift.hpp"
#include "lib/io/files.hpp"
#include "lib/live/formats/live_v1_fast.hpp"
#include "lib/live/sources.hpp"
#include "lib/loaders/baseline_reader.hpp"
#include "lib/report/plan.hpp"
#include "lib/util/error.hpp"
#include "lib/validate/validate.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <future>
#include <iostream>

namespace twinctl::cmd {

void add_check_options(CLI::App& sub, CheckArgs& a, bool live_required) {
  CLI::Option* live =
      sub.add_option("--live", a.live,
                     "Live state: a file, an http(s):// or mqtt(s):// URL, or a sources/*.yaml name (repeatable)")
          ->group("Live state");
  if (live_required) {
    live->required();
  }
  sub.add_flag("--allow-partial", a.allow_partial,
               "When a source fails, gate on what was read (exit 0/1) instead of exit 3")
      ->group("Live state");
  add_live_options(sub, a.live_options);
  sub.add_option("--fail-on", a.fail_on, "Exit 1 on findings at or above: critical|high|medium|low|info|none")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->group("Gate");
  sub.add_option("--baseline", a.baseline, "Gate only on findings not in this baseline (from -o baseline=FILE)")
      ->group("Gate");
  sub.add_option("--ignore", a.ignore, "More suppressions: a YAML file of IgnoreList documents (repeatable)")
      ->group("Gate");
  sub.add_option("--now", a.now, "Judge expiry and suppressions at this time (RFC 3339 or YYYY-MM-DD)")
      ->group("Gate");
}

void add_base_option(CLI::App& sub, CheckArgs& a) {
  sub.add_option("--base", a.base,
                 "PR mode: report what the change introduces and resolves against the twin at this revision "
                 "(read from Git objects); gate only on what it introduces")
      ->type_name("REV")
      ->group("Gate");
}

namespace {

// More suppressions (--ignore FILE) into the twin's ignore list; their errors.
std::vector<model::Diagnostic> add_ignore_files(const std::vector<std::string>& paths, model::Twin& twin) {
  std::vector<model::Diagnostic> errors;
  for (const std::string& path : paths) {
    loaders::TwinFile f{path, io::read_file(path, size_t(64) << 20), ""};
    auto errs = loaders::load_ignore_file(f, twin.ignore_list);
    errors.insert(errors.end(), errs.begin(), errs.end());
  }
  return errors;
}

// Compute: drift (with live state), plus the policy findings of the intended
// state itself, then the gate. The same for the change and for PR mode's base.
void check(report::Report& r, const model::Twin& twin, const CheckRun& run, bool with_live,
           const report::GateOptions& gate) {
  if (with_live) {
    drift::DriftResult d = drift::compute_drift(twin, run.live, {run.now});
    r.findings = std::move(d.findings);
    r.coverage_percent = d.coverage_percent;
    r.monitored = d.monitored;
    r.observed = d.observed;
    r.unobserved = std::move(d.unobserved);
    r.incomplete = d.incomplete;
  }
  for (model::Finding& f : validate::check_policy(twin, {run.now})) {
    r.findings.push_back(std::move(f));
  }
  report::apply_gate(r, twin, gate);
}

// PR mode's base: the same checks on the twin at --base, with the same live
// state, suppression files and baseline. A base without a twin (the change adds
// it) or with errors (the change fixes them) contributes no findings: then
// everything the change has counts as introduced, and the plan says why.
std::vector<model::Finding> base_findings(const CheckArgs& a, const CheckRun& run, const report::GateOptions& gate,
                                          report::Plan& plan) {
  TwinArgs at_base = a.twin;
  at_base.ref = a.base;
  loaders::LoadResult base;
  try {
    base = load_twin(at_base);
  } catch (const Error& e) {
    // The twin (or its directory) is not there at the base: the change adds it.
    // Anything else (an unknown revision, a broken repository) is an error.
    std::string what = e.what();
    if (what.rfind("no ", 0) != 0 && what.find(" is not a directory at ") == std::string::npos) {
      throw;
    }
    plan.base_note = "no twin at " + a.base + " (" + what + ")";
    return {};
  }
  plan.base_commit = base.twin.commit;
  std::vector<model::Diagnostic> errors = add_ignore_files(a.ignore, base.twin);
  errors.insert(errors.end(), base.errors.begin(), base.errors.end());
  if (!errors.empty()) {
    plan.base_note = "the twin at " + a.base + " has " + std::to_string(errors.size()) +
                     (errors.size() == 1 ? " error" : " errors") + " (first: " +
                     (errors[0].loc.known() ? errors[0].loc.str() + ": " : "") + errors[0].message + ")";
    return {};
  }
  report::Report r;
  check(r, base.twin, run, !a.live.empty(), gate);
  return std::move(r.findings);
}

} // namespace

CheckRun run_checks(CheckArgs& a, const GlobalOptions& g, const std::string& command) {
  CheckRun run;
  auto fail_on = report::parse_fail_on(a.fail_on);
  run.now = resolve_now(a.now);

  // Load: the twin, extra suppressions, the live state, the baseline. A
  // twinctl-live/v1 file needs no twin: it is read while the twin loads.
  std::vector<std::future<std::optional<model::LiveSnapshot>>> early;
  for (const std::string& src : a.live) {
    early.push_back(std::async(std::launch::async, [src] { return live::read_v1_file(src); }));
  }
  run.loaded = load_twin(a.twin);
  run.report = start_report(command, run.now, run.loaded);
  report::Report& r = run.report;
  model::Twin& twin = run.loaded.twin;
  std::vector<model::Diagnostic> ignore_errors = add_ignore_files(a.ignore, twin);
  r.errors.insert(r.errors.end(), ignore_errors.begin(), ignore_errors.end());
  if (fail_on_errors(g, r)) {
    for (auto& e : early) {
      e.wait();
    }
    run.errored = true;
    return run;
  }
  if (!a.now.empty()) {
    a.live_options.taken_at = run.now; // network reads are stamped with --now, so runs reproduce
  }
  prepare_live_options(a.live_options, g);
  live::AssetMatcher matcher(twin);
  for (size_t i = 0; i < a.live.size(); ++i) {
    std::optional<model::LiveSnapshot> snap = early[i].get();
    run.live.merge(snap ? std::move(*snap) : live::read_live(a.live[i], twin, matcher, a.live_options));
  }
  std::vector<report::BaselineEntry> baseline;
  if (!a.baseline.empty()) {
    baseline = loaders::read_baseline(a.baseline);
  }

  // Compute: the checks of the intended state (and drift, with live state); in
  // PR mode the same at the base, and what the change introduces and resolves.
  report::GateOptions gate{fail_on, run.now, a.baseline.empty() ? nullptr : &baseline};
  check(r, twin, run, !a.live.empty(), gate);
  if (!a.live.empty()) {
    r.taken_at = run.live.taken_at;
    r.sources = run.live.sources;
    std::sort(r.sources.begin(), r.sources.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  }
  if (!a.base.empty()) {
    report::Plan plan;
    plan.base_ref = a.base;
    std::vector<model::Finding> before = base_findings(a, run, gate, plan);
    if (!plan.base_note.empty() && !g.quiet) {
      std::cerr << "twinctl: warning: " << util::visible(plan.base_note) << "; every finding counts as introduced\n";
    }
    report::apply_plan(r, before, std::move(plan));
  }
  if (r.baseline_without_values && !g.quiet) {
    std::cerr << "twinctl: warning: " << util::visible(a.baseline)
              << " was written before baselines recorded observed values: its findings match by identity alone, "
                 "so a changed value (a firmware downgrade) stays hidden; write it again with -o baseline=FILE\n";
  }
  return run;
}

int checks_exit_code(const report::Report& r, bool allow_partial) {
  if (r.incomplete && !allow_partial) {
    return k_exit_incomplete;
  }
  return r.gate_failed ? k_exit_gate_failed : k_exit_ok;
}

int finish_checks(const GlobalOptions& g, const report::Report& r, bool allow_partial) {
  write_outputs(g, r);
  if (r.incomplete) {
    for (const model::LiveSource& s : r.sources) {
      if (!s.ok) {
        std::cerr << "twinctl: warning: source " << util::visible(s.name)
                  << " could not be read: " << util::visible(s.error) << "\n";
      }
    }
    if (!allow_partial) {
      std::cerr << "twinctl: the run is incomplete (" << r.unobserved.size()
                << (r.unobserved.size() == 1 ? " asset" : " assets")
                << " unobserved); exit 3 (use --allow-partial to gate on what was read)\n";
    }
  }
  return checks_exit_code(r, allow_partial);
}

} // namespace twinctl::cmd
