// `twinctl simulate …`: synthetic data for demos, tests and benchmarks.
// `simulate factory` writes a twin repo with a live snapshot and its ground
// truth; `failure` and `sensors` join it here later.
#include "cmd/commands.hpp"
#include "cmd/common.hpp"

#include "lib/graph/impact.hpp"
#include "lib/graph/propagate.hpp"
#include "lib/io/git.hpp"
#include "lib/output/graph_output.hpp"
#include "lib/sim/factory.hpp"
#include "lib/util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

namespace twinctl::cmd {

namespace {

namespace fs = std::filesystem;

struct FactoryArgs {
  sim::FactoryOptions sim;
  std::string out;
  bool force = false;
  bool commit = false;
};

// What `simulate factory` writes at the top of DIR; --force replaces exactly these.
const char *const k_generated[] = {"twin.yaml", "assets",  "spaces", "teams",
                                   "policy",    "sources", "live"};

// Writes the generator's chunks under `root`. Chunks of one file arrive one
// after the other (factory.hpp), so one open file at a time is enough.
class DirWriter {
public:
  explicit DirWriter(fs::path root) : m_root(std::move(root)) {}
  DirWriter(const DirWriter &) = delete;
  DirWriter &operator=(const DirWriter &) = delete;
  ~DirWriter() {
    if (m_file) {
      std::fclose(m_file);
    }
  }

  void write(const std::string &path, std::string_view chunk) {
    if (path != m_path) {
      close();
      const fs::path full = m_root / path;
      std::error_code ec;
      fs::create_directories(full.parent_path(), ec);
      if (ec) {
        throw Error(full.parent_path().string() + ": cannot create directory: " + ec.message());
      }
      m_file = std::fopen(full.string().c_str(), "wb");
      if (!m_file) {
        throw Error(full.string() + ": cannot write: " + std::strerror(errno));
      }
      std::setvbuf(m_file, nullptr, _IOFBF, 1 << 20);
      m_path = path;
    }
    if (std::fwrite(chunk.data(), 1, chunk.size(), m_file) != chunk.size()) {
      throw Error((m_root / m_path).string() + ": write failed: " + std::strerror(errno));
    }
  }

  void close() {
    if (m_file) {
      std::FILE *f = m_file;
      m_file = nullptr;
      if (std::fclose(f) != 0) {
        throw Error((m_root / m_path).string() + ": write failed: " + std::strerror(errno));
      }
    }
    m_path.clear();
  }

private:
  fs::path m_root;
  std::string m_path;
  std::FILE *m_file = nullptr;
};

// Refuses a non-empty DIR without --force; with it, removes what a previous
// run generated (so a smaller factory leaves no stale files), keeping .git and
// anything else.
void prepare_out_dir(const FactoryArgs &a) {
  const fs::path dir(a.out);
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw Error(a.out + ": not a directory");
  }
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec)) {
    if (!a.force) {
      throw Error(a.out +
                  ": directory is not empty (use --force to replace a generated twin in it)");
    }
    for (const char *name : k_generated) {
      fs::remove_all(dir / name, ec);
      if (ec) {
        throw Error((dir / name).string() + ": cannot remove: " + ec.message());
      }
    }
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error(a.out + ": cannot create directory: " + ec.message());
  }
}

int run_simulate_factory(const FactoryArgs &a, const GlobalOptions &g) {
  sim::check_factory_options(a.sim); // before anything touches DIR
  prepare_out_dir(a);
  sim::FactoryStats st;
  {
    DirWriter writer{fs::path(a.out)};
    st = sim::generate_factory(a.sim, [&writer](const std::string &path, std::string_view chunk) {
      writer.write(path, chunk);
    });
    writer.close();
  }
  std::string commit;
  if (a.commit) {
    commit = io::commit_all(a.out,
                            "twinctl simulate factory --assets " + std::to_string(a.sim.assets) +
                                " --seed " + std::to_string(a.sim.seed),
                            "twinctl", "twinctl@example.invalid", st.now_epoch);
  }
  if (!g.quiet) {
    std::cerr << "twinctl: simulated factory " << st.twin_id << ": " << st.assets << " assets in "
              << st.files << " files, " << st.drift << " drift injected (" << st.unmanaged
              << " unmanaged), " << st.equivalents << " equivalent forms -> " << a.out;
    if (!commit.empty()) {
      std::cerr << " (commit " << commit.substr(0, 12) << ")";
    }
    std::cerr << "\n";
  }
  return k_exit_ok;
}

void register_simulate_factory(CLI::App &simulate, GlobalOptions &g, int &rc) {
  auto a = std::make_shared<FactoryArgs>();
  auto *sub = simulate.add_subcommand(
      "factory", "Generate a synthetic twin repo with a live snapshot and its ground truth");
  sub->description(
      "Generate a deterministic synthetic factory of N assets in DIR: the intended state\n"
      "(twin.yaml, policy/, sources/, spaces/, teams/, assets/<line>/<cell>.yaml) with lines,\n"
      "cells, power trees with redundant feeds, switch rings and Purdue-ordered data flows;\n"
      "a live snapshot live/snapshot.json (twinctl-live/v1) with injected drift of every kind\n"
      "(changed, missing, unmanaged, stale, unobserved) and equivalent forms that are not\n"
      "drift; and live/truth.json listing each. The same options give the same bytes.");
  sub->add_option("--assets", a->sim.assets, "Number of assets")
      ->check(CLI::Range(sim::k_factory_min_assets, sim::k_factory_max_assets))
      ->capture_default_str();
  sub->add_option("--seed", a->sim.seed, "Seed of the generator")->capture_default_str();
  sub->add_option("--out", a->out, "Output directory (created; must be empty unless --force)")
      ->required();
  sub->add_option("--now", a->sim.now, "Time the snapshot is taken at (RFC 3339)")
      ->capture_default_str();
  sub->add_option("--drift-rate", a->sim.drift_rate,
                  "Share of assets with injected drift, 0 to 1 (0 = a clean snapshot)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--assets-per-file", a->sim.assets_per_file,
                  "Assets per YAML file (default: one file per cell; 1 = one file per asset)");
  sub->add_flag("--force", a->force, "Write into a non-empty DIR, replacing a generated twin");
  sub->add_flag("--commit", a->commit, "Make DIR a Git repository and commit the twin");
  sub->footer(help_footer(
      "  twinctl simulate factory --out /tmp/plant\n"
      "  twinctl simulate factory --assets 20000 --seed 7 --out /tmp/plant --commit\n"
      "  twinctl validate --twin /tmp/plant\n"
      "  twinctl simulate factory --assets 1000000 --assets-per-file 5000 --out /tmp/big"));
  sub->callback([a, &g, &rc] { rc = run_simulate_factory(*a, g); });
}

struct FailureArgs {
  TwinArgs twin;
  std::vector<std::string> targets;
  graph::PropagationOptions propagation;
};

int run_simulate_failure(const FailureArgs& a, const GlobalOptions& g) {
  loaders::LoadResult loaded = load_twin(a.twin);
  if (!loaded.errors.empty()) {
    print_errors(loaded.errors);
    return k_exit_error;
  }
  const graph::AssetGraph graph = graph::build_graph(loaded.twin);
  std::vector<graph::NodeId> seeds = graph::resolve_targets(graph, a.targets, true);
  graph::Propagator propagator(graph);
  graph::Propagation p = propagator.run(seeds, a.propagation);
  graph::FailureReport r = graph::describe_failure(graph, p, a.targets, a.propagation);
  write_each_output(g, "table", [&r](const std::string& fmt, std::ostream& out) {
    if (fmt == "json") {
      output::write_failure_json(out, r);
    } else if (fmt == "markdown") {
      output::write_failure_markdown(out, r);
    } else {
      output::write_failure_table(out, r);
    }
  });
  return k_exit_ok;
}

void register_simulate_failure(CLI::App &simulate, GlobalOptions &g, int &rc) {
  auto a = std::make_shared<FailureArgs>();
  auto *sub = simulate.add_subcommand("failure", "What-if: what goes down when these assets fail");
  sub->description(
      "Fail the given assets (or every asset of a given space: line, cell, area) and propagate the\n"
      "failure forward along the asset graph: POWERS and FEEDS_DATA to their targets, CONNECTS_TO from\n"
      "the network element to its endpoints. An asset with `redundancy: {TYPE: k}` fails only when fewer\n"
      "than k of its feeders of that type are up; without it every feeder is needed. Reports every\n"
      "affected asset with the hop and the path that took it down, counts by class, the lines and cells\n"
      "stopped (a machine, PLC or drive in them down), the teams to call, the power lost and the assets\n"
      "that survived thanks to redundancy. Deterministic.");
  add_twin_options(*sub, a->twin);
  sub->add_option("ASSET", a->targets, "Assets (or spaces) that fail")->required();
  sub->add_option("--depth", a->propagation.max_depth, "Follow the failure at most N hops (default: no limit)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--probability", a->propagation.probability,
                  "Chance that one relationship carries the failure, 0 to 1 (for benchmarks; default 1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--seed", a->propagation.seed, "Which relationships carry it when --probability < 1")
      ->capture_default_str();
  add_output_option(*sub, g, {"table", "json", "markdown"});
  sub->footer(help_footer(
      "  twinctl simulate failure --twin examples/factory ups-l1-01\n"
      "  twinctl simulate failure --twin examples/factory sw-l1-ctl-a sw-l1-ctl-b -o markdown\n"
      "  twinctl simulate failure --twin examples/factory line-2 --depth 1 -o json=impact.json\n"
      "  twinctl simulate failure --twin /tmp/plant pwr-site-main --probability 0.8 --seed 7 -o json\n"));
  sub->callback([a, &g, &rc] { rc = run_simulate_failure(*a, g); });
}

} // namespace

void register_simulate(CLI::App &root, GlobalOptions &g, int &rc) {
  auto *sub = root.add_subcommand("simulate", "Generate synthetic twins, failures and sensor data");
  sub->require_subcommand(1);
  sub->footer(help_footer("  twinctl simulate factory --assets 500 --seed 3 --out /tmp/plant\n"
                          "  twinctl simulate failure --twin /tmp/plant pwr-01-a"));
  register_simulate_factory(*sub, g, rc);
  register_simulate_sensors(*sub, g, rc);
  register_simulate_failure(*sub, g, rc);
}

} // namespace twinctl::cmd
