// twinctl rca: rank the likely root causes of what failed, along the asset
// graph, with the evidence, the reasoning and the owners to call.
#include "cmd/common.hpp"

#include "lib/graph/graph.hpp"
#include "lib/graph/propagate.hpp"
#include "lib/loaders/alert_reader.hpp"
#include "lib/output/graph_output.hpp"
#include "lib/rca/evidence.hpp"
#include "lib/rca/rca.hpp"
#include "lib/rca/report.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

namespace twinctl::cmd {

namespace {

struct RcaArgs {
  TwinArgs twin;
  std::vector<std::string> assets;
  bool all = false;
  std::vector<std::string> live;
  std::string alerts;
  int depth = -1;
  bool allow_partial = false;
};

int run_rca(const RcaArgs& a, const GlobalOptions& g) {
  if (a.all == !a.assets.empty()) {
    throw Error(a.all ? "give either ASSET... or --all, not both"
                      : "nothing to analyse: name the failed ASSET... or use --all for every current failure");
  }
  if (a.live.empty() && a.alerts.empty() && a.all) {
    throw Error("--all needs live state (--live SRC) or alerts (--alerts FILE) to know what failed");
  }
  // Load: the twin, the live state, the alerts.
  loaders::LoadResult loaded = load_twin(a.twin);
  if (!loaded.errors.empty()) {
    print_errors(loaded.errors);
    return k_exit_error;
  }
  const graph::AssetGraph graph = graph::build_graph(loaded.twin);
  std::vector<graph::NodeId> focus = graph::resolve_targets(graph, a.assets, false);
  model::LiveSnapshot live = read_live_sources(a.live, loaded.twin);
  std::vector<model::Alert> alerts;
  if (!a.alerts.empty()) {
    alerts = loaders::read_alerts(a.alerts);
  }

  // Compute: the evidence, the analysis, the report.
  rca::Observations obs = rca::observe(graph, a.live.empty() ? nullptr : &live, a.alerts.empty() ? nullptr : &alerts);
  rca::RcaOptions opts;
  opts.max_depth = a.depth;
  rca::Analyzer analyzer(graph);
  rca::RcaResult result = analyzer.analyse(obs.evidence, obs.abnormal, focus, opts);
  rca::RcaReport r = rca::describe_rca(graph, obs, result, a.assets, opts);
  r.taken_at = live.taken_at;
  r.sources = live.sources;
  std::sort(r.sources.begin(), r.sources.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  r.incomplete = !obs.failed_sources.empty();

  // Render.
  write_each_output(g, "table", [&r](const std::string& fmt, std::ostream& out) {
    if (fmt == "json") {
      output::write_rca_json(out, r);
    } else if (fmt == "markdown") {
      output::write_rca_markdown(out, r);
    } else {
      output::write_rca_table(out, r);
    }
  });
  for (const std::string& id : r.unknown_alert_assets) {
    std::cerr << "twinctl: warning: " << a.alerts << ": alert about '" << util::visible(id)
              << "', which is not in the twin\n";
  }
  if (r.incomplete) {
    for (const model::LiveSource& s : obs.failed_sources) {
      std::cerr << "twinctl: warning: source " << util::visible(s.name)
                << " could not be read: " << util::visible(s.error) << "\n";
    }
    if (!a.allow_partial) {
      std::cerr << "twinctl: the analysis is incomplete (a live source failed; its assets count as unobserved); "
                   "exit 3 (use --allow-partial to exit 0)\n";
      return k_exit_incomplete;
    }
  }
  return k_exit_ok;
}

} // namespace

void register_rca(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<RcaArgs>();
  CLI::App* sub = root.add_subcommand("rca", "Rank the likely root causes of failures along the asset graph");
  sub->description(
      "Explain what failed. The failed set comes from live state (status fault or offline, or online: false, "
      "from a source that was read) and from alerts still open at the end of an alert stream (JSONL, as "
      "`replay` writes it; schemas/alert.schema.json); ASSET... adds assets you saw fail. Candidates are the "
      "failed assets and everything upstream of them (power, data, network), observed or not, so a silent root "
      "with no sensors is named when its dependents fail together. Each candidate is scored by how well its "
      "failure, travelling forward with redundancy, explains what was seen (missing and false alerts allowed); "
      "several roots are chosen when one does not explain everything. For each incident: the ranked candidates "
      "with their evidence (which failures, by which paths), the steps of reasoning and the owning team's "
      "contacts (an asset that failed on its own is an incident too, in its rank); then unexplained alerts "
      "(likely false alarms). An asset that answers and runs is strong evidence that it did not fail. "
      "With ASSET... only the incidents holding those assets are shown; --all shows every incident.");
  add_twin_options(*sub, a->twin);
  sub->add_option("ASSET", a->assets, "Assets that failed: show their incidents");
  sub->add_flag("--all", a->all, "Partition every current failure into incidents, each with its root(s)");
  sub->add_option("--live", a->live, "Live state: a file, URL or the name of a sources/*.yaml entry (repeatable)")
      ->group("Evidence");
  sub->add_option("--alerts", a->alerts, "Alert events, JSONL (schemas/alert.schema.json)")->group("Evidence");
  sub->add_flag("--allow-partial", a->allow_partial, "When a live source fails, exit 0 instead of 3")
      ->group("Evidence");
  sub->add_option("--depth", a->depth, "At most N hops between a root and what it explains (default: no limit)")
      ->check(CLI::NonNegativeNumber);
  add_output_option(*sub, g, {"table", "json", "markdown"});
  sub->footer(
      help_footer("  twinctl rca --all --twin examples/factory --live examples/live/snapshot.json --allow-partial\n"
                  "  twinctl rca plc-l2-01 --live snapshot.json --alerts alerts.jsonl -o markdown\n"
                  "  twinctl rca --all --live ditto-main --alerts alerts.jsonl -o json=rca.json\n"
                  "\n"
                  "  rca is not a gate: 0 means the analysis ran, whatever it found; 3 means a live source\n"
                  "  could not be read (with --allow-partial: 0).\n"));
  sub->callback([a, &g, &rc] { rc = run_rca(*a, g); });
}

} // namespace twinctl::cmd
