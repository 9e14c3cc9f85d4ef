// twinctl drift: compare the intended state in Git with the live state, and
// gate CI on the findings.
#include "cmd/common.hpp"

#include "lib/drift/drift.hpp"
#include "lib/io/files.hpp"
#include "lib/live/live_v1_fast.hpp"
#include "lib/live/sources.hpp"
#include "lib/loaders/baseline_reader.hpp"
#include "lib/report/report.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/validate/validate.hpp"

#include <filesystem>
#include <future>
#include <iostream>
#include <memory>

namespace twinctl::cmd {

namespace {

struct DriftOptions {
  TwinArgs twin;
  std::vector<std::string> live;
  live::LiveOptions live_options;
  std::string fail_on = "high";
  std::string now;
  std::string baseline;
  std::vector<std::string> ignore;
  bool allow_partial = false;
};

int run_drift(DriftOptions& o, const GlobalOptions& g) {
  auto fail_on = report::parse_fail_on(o.fail_on);
  int64_t now = resolve_now(o.now);

  // Load: the twin, extra suppressions, the live state, the baseline. A
  // twinctl-live/v1 file needs no twin: it is read while the twin loads.
  std::vector<std::future<std::optional<model::LiveSnapshot>>> early;
  for (const std::string& src : o.live) {
    early.push_back(std::async(std::launch::async, [src] { return live::read_v1_file(src); }));
  }
  loaders::LoadResult loaded = load_twin(o.twin);
  report::Report r = start_report("drift", now, loaded);
  model::Twin& twin = loaded.twin;
  for (const std::string& path : o.ignore) {
    loaders::TwinFile f{path, io::read_file(path, size_t(64) << 20), ""};
    auto errs = loaders::load_ignore_file(f, twin.ignore_list);
    r.errors.insert(r.errors.end(), errs.begin(), errs.end());
  }
  if (fail_on_errors(g, r)) {
    return k_exit_error;
  }
  if (!o.now.empty()) {
    o.live_options.taken_at = now; // network reads are stamped with --now, so runs reproduce
  }
  prepare_live_options(o.live_options, g);
  model::LiveSnapshot live;
  live::AssetMatcher matcher(twin);
  for (size_t i = 0; i < o.live.size(); ++i) {
    std::optional<model::LiveSnapshot> snap = early[i].get();
    live.merge(snap ? std::move(*snap) : live::read_live(o.live[i], twin, matcher, o.live_options));
  }
  std::vector<report::BaselineEntry> baseline;
  if (!o.baseline.empty()) {
    baseline = loaders::read_baseline(o.baseline);
  }

  // Compute: drift, plus the policy findings of the intended state itself.
  drift::DriftResult d = drift::compute_drift(twin, live, {now});
  r.findings = std::move(d.findings);
  for (model::Finding& f : validate::check_policy(twin, {now})) {
    r.findings.push_back(std::move(f));
  }
  r.taken_at = live.taken_at;
  r.sources = live.sources;
  std::sort(r.sources.begin(), r.sources.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  r.coverage_percent = d.coverage_percent;
  r.monitored = d.monitored;
  r.observed = d.observed;
  r.unobserved = std::move(d.unobserved);
  r.incomplete = d.incomplete;
  report::apply_gate(r, twin, {fail_on, now, o.baseline.empty() ? nullptr : &baseline});

  // Render.
  write_outputs(g, r);
  if (r.incomplete) {
    for (const model::LiveSource& s : r.sources) {
      if (!s.ok) {
        std::cerr << "twinctl: warning: source " << s.name << " could not be read: " << s.error << "\n";
      }
    }
    if (!o.allow_partial) {
      std::cerr << "twinctl: the run is incomplete (" << r.unobserved.size()
                << " assets unobserved); exit 3 (use --allow-partial to gate on what was read)\n";
      return k_exit_incomplete;
    }
  }
  return r.gate_failed ? k_exit_gate_failed : k_exit_ok;
}

} // namespace

void register_drift(CLI::App& root, GlobalOptions& g, int& rc) {
  auto o = std::make_shared<DriftOptions>();
  CLI::App* sub = root.add_subcommand("drift", "Compare the intended state with the live state; gate CI on it");
  sub->description(
      "Compare the intended state (Git) with the live state (HTTP APIs, MQTT, or files: twinctl-live/v1, Ditto search "
      "pages, AWS IoT shadows, Azure IoT Hub twin queries, MQTT captures). Findings: changed fields (status, "
      "ip, firmware, config checksum, zone — compared after typed normalisation), missing, unmanaged and "
      "stale assets, plus the policy findings of validate. Each has a rule id, a severity, the YAML line and "
      "the last commit of its file. Suppressions (policy/ignore.yaml, --ignore) and a baseline take findings "
      "out of the gate but not out of sight. A source that cannot be read makes its assets unobserved, "
      "never missing, and the run exits 3.");
  add_twin_options(*sub, o->twin);
  sub->add_option("--live", o->live,
                  "Live state: a file, an http(s):// or mqtt(s):// URL, or a sources/*.yaml name (repeatable)")
      ->required()
      ->group("Live state");
  sub->add_flag("--allow-partial", o->allow_partial,
                "When a source fails, gate on what was read (exit 0/1) instead of exit 3")
      ->group("Live state");
  add_live_options(*sub, o->live_options);
  sub->add_option("--fail-on", o->fail_on, "Exit 1 on findings at or above: critical|high|medium|low|info|none")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->group("Gate");
  sub->add_option("--baseline", o->baseline, "Gate only on findings not in this baseline (from -o baseline=FILE)")
      ->group("Gate");
  sub->add_option("--ignore", o->ignore, "More suppressions: a YAML file of IgnoreList documents (repeatable)")
      ->group("Gate");
  sub->add_option("--now", o->now, "Judge expiry and suppressions at this time (RFC 3339 or YYYY-MM-DD)")
      ->group("Gate");
  add_output_option(*sub, g, {"table", "json", "sarif", "markdown", "github", "junit", "baseline"});
  sub->add_option("--sarif-category", g.sarif_category,
                  "SARIF runAutomationDetails id, to keep one analysis per site or source apart")
      ->group("Output");
  sub->footer(help_footer(
      "  twinctl drift --twin examples/factory --live examples/live/snapshot.json\n"
      "  twinctl drift --live snapshot.json -o table -o sarif=drift.sarif -o markdown=$GITHUB_STEP_SUMMARY\n"
      "  twinctl drift --live snapshot.json -o baseline=.twinctl/baseline.json --fail-on none\n"
      "  twinctl drift --live snapshot.json --baseline .twinctl/baseline.json --fail-on medium\n"
      "  twinctl drift --ref origin/main --live ditto-export.json --live shadows.json --allow-partial\n"
      "  TWINCTL_DITTO_MAIN_TOKEN=... twinctl drift --live ditto-main --timeout 20 -o sarif=drift.sarif\n"));
  sub->callback([o, &g, &rc] { rc = run_drift(*o, g); });
}

} // namespace twinctl::cmd
