// Graph, simulate-failure and RCA timings on a large `simulate factory` twin
// (bench/RESULTS.md): loads once, then times each engine phase as the
// commands call it. Also writes the graph and the walk's start assets for
// bench/upstream_networkx.py, which times the same upstream walk in networkx.
//
//   graph_perf [ASSETS] [OUT_DIR] [--no-write|--incident-only]  (defaults: 1000000 /tmp/twinctl-graph-bench)
// Phases after loading are timed in thread CPU time (best of several runs);
// --no-write skips writing the site-wide failure as a table and as JSON;
// --incident-only times only the one-incident RCA, then runs it 2,000 times
// more inside incident_loop() (for a profiler: perf, or callgrind with
// --toggle-collect='*incident_loop*').
#include "bench/bench_twin.hpp"
#include "lib/graph/graph.hpp"
#include "lib/graph/impact.hpp"
#include "lib/graph/propagate.hpp"
#include "lib/output/graph_output.hpp"
#include "lib/rca/rca.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace twinctl;
using graph::NodeId;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of this thread, in seconds: the phases below are single-threaded,
// and on a shared machine wall-clock time mostly measures the other tenants.
double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Least thread CPU time of `runs` calls, in seconds.
template <class F> double best_of(int runs, F&& f) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    double t0 = thread_cpu();
    f();
    best = std::min(best, thread_cpu() - t0);
  }
  return best;
}

// Every asset upstream of `from` (unbounded), the walk networkx is compared on.
size_t upstream(const graph::AssetGraph& g, NodeId from, std::vector<uint32_t>& stamp, uint32_t gen,
                std::vector<NodeId>& stack) {
  size_t n = 0;
  stack.assign(1, from);
  stamp[from] = gen;
  while (!stack.empty()) {
    NodeId v = stack.back();
    stack.pop_back();
    for (size_t e = g.in.begin(v); e < g.in.end(v); ++e) {
      NodeId u = g.in.targets[e];
      if (stamp[u] != gen) {
        stamp[u] = gen;
        ++n;
        stack.push_back(u);
      }
    }
  }
  return n;
}

std::vector<NodeId> by_prefix(const graph::AssetGraph& g, const std::string& prefix) {
  std::vector<NodeId> out;
  for (NodeId n = 0; n < g.nodes(); ++n) {
    if (g.asset(n).id.compare(0, prefix.size(), prefix) == 0) {
      out.push_back(n);
    }
  }
  return out;
}

// The one-incident RCA, `runs` times (a separate function for profilers).
[[gnu::noinline]] size_t incident_loop(rca::Analyzer& analyzer, const std::vector<rca::Evidence>& ev,
                                       const std::vector<NodeId>& abnormal, int runs) {
  size_t roots = 0;
  for (int i = 0; i < runs; ++i) {
    roots += analyzer.analyse(ev, abnormal, {}, {}).incidents.size();
  }
  return roots;
}

} // namespace

int main(int argc, char** argv) {
  size_t assets = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  std::string out = argc > 2 ? argv[2] : "/tmp/twinctl-graph-bench";
  std::string mode = argc > 3 ? argv[3] : "";
  bool write = mode != "--no-write" && mode != "--incident-only";
  bool incident_only = mode == "--incident-only";
  std::printf("assets %zu\n", assets);

  auto t0 = Clock::now();
  model::Twin twin = bench::factory_twin(assets, 7, std::max(1u, std::thread::hardware_concurrency()));
  double load = since(t0);
  t0 = Clock::now();
  graph::AssetGraph g = graph::build_graph(twin);
  double build = since(t0);
  std::printf("generate + load twin (in memory)  %.2f s\nbuild graph                        %.3f s (%zu nodes, %zu edges, %.1f%% of loading)\n",
              load, build, g.nodes(), g.edges(), 100 * build / load);

  graph::Propagator prop(g);
  std::vector<NodeId> plcs = by_prefix(g, "plc-");
  if (!incident_only) {
    // simulate failure of the site's main power feed.
    NodeId main_feed = *g.find("pwr-site-main");
    graph::Propagation p;
    double sim = best_of(5, [&] { p = prop.run({main_feed}, {}); });
    graph::FailureReport report;
    double sim_report = best_of(3, [&] { report = graph::describe_failure(g, p, {"pwr-site-main"}, {}); });
    std::printf("simulate failure pwr-site-main     %.1f ms propagation (%zu assets down), %.1f ms with the report\n",
                sim * 1e3, p.failed.size(), (sim + sim_report) * 1e3);
    // Writing it: every affected asset with its path, as the command does (to a stream that discards).
    struct Discard : std::streambuf {
      int overflow(int c) override { return c; }
      std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
    } discard;
    std::ostream null_out(&discard);
    if (write) {
      double write_table = best_of(1, [&] { output::write_failure_table(null_out, report); });
      double write_json = best_of(1, [&] { output::write_failure_json(null_out, report); });
      std::printf("  writing it: table %.2f s, JSON %.2f s\n", write_table, write_json);
  }
  // A cell PLC: a failure the size people usually ask about.
  std::vector<NodeId> plc_list = by_prefix(g, "plc-");
  NodeId cell_plc = plc_list[plc_list.size() / 2];
  graph::Propagation small;
  double sim_small = best_of(20, [&] { small = prop.run({cell_plc}, {}); });
  double rep_small = best_of(20, [&] { graph::describe_failure(g, small, {"plc"}, {}); });
  std::printf("simulate failure %s        %.4f ms propagation (%zu down), %.4f ms report\n",
              g.asset(cell_plc).id.c_str(), sim_small * 1e3, small.failed.size(), rep_small * 1e3);
  }

  // One incident: a cell PLC fails; everything it takes down is observed failed, the rest healthy.
  std::vector<rca::Evidence> ev(g.nodes(), rca::Evidence::healthy);
  NodeId plc = plcs[plcs.size() / 2];
  graph::Propagation one = prop.run({plc}, {});
  for (NodeId n : one.failed) {
    ev[n] = rca::Evidence::failed;
  }
  ev[plc] = rca::Evidence::unknown; // a silent root
  rca::Analyzer analyzer(g);
  rca::RcaResult r;
  // The abnormal assets are indexed once, as `rca::observe` does while building the evidence.
  std::vector<NodeId> ev_abnormal = rca::abnormal_nodes(ev);
  double inc = best_of(20, [&] { r = analyzer.analyse(ev, ev_abnormal, {}, {}); });
  std::printf("rca, one incident (%zu failed)     %.3f ms; root %s\n", one.failed.size() - 1, inc * 1e3,
              r.incidents.empty() ? "-" : g.asset(r.incidents[0].roots[0]).id.c_str());
  if (incident_only) {
    double t = thread_cpu();
    size_t found = incident_loop(analyzer, ev, ev_abnormal, 2000);
    std::printf("  2,000 more: %.3f ms each (%zu incidents)\n", (thread_cpu() - t) / 2000 * 1e3, found);
    return 0;
  }

  // rca --all over >= 10,000 failed assets: independent roots (line switches
  // and cell PLCs, alternately) until 10,000 are down.
  std::vector<NodeId> switches = by_prefix(g, "sw-");
  std::mt19937_64 rng(7);
  std::vector<rca::Evidence> all(g.nodes(), rca::Evidence::healthy);
  size_t failed = 0, roots = 0;
  while (failed < std::min<size_t>(10000, g.nodes() / 4) && roots < 100000) {
    NodeId root = roots % 2 ? plcs[rng() % plcs.size()] : switches[rng() % switches.size()];
    for (NodeId n : prop.run({root}, {}).failed) {
      failed += all[n] == rca::Evidence::failed ? 0 : 1;
      all[n] = rca::Evidence::failed;
    }
    ++roots;
  }
  std::vector<NodeId> all_abnormal = rca::abnormal_nodes(all);
  double every = best_of(3, [&] { r = analyzer.analyse(all, all_abnormal, {}, {}); });
  std::printf("rca --all, %zu failed (%zu roots)  %.3f s; %zu incidents, %zu isolated\n", failed, roots, every,
              r.incidents.size(), r.isolated.size());
  if (!r.incidents.empty()) {
    std::printf("  first incident: %zu roots, %zu failures, first root %s\n", r.incidents[0].roots.size(),
                r.incidents[0].failures.size(), g.asset(r.incidents[0].roots[0]).id.c_str());
  }

  // The upstream walk, for networkx: the full ancestry of 1,000 failed assets.
  std::vector<NodeId> starts;
  for (NodeId n = 0; n < g.nodes() && starts.size() < 1000; ++n) {
    if (all[n] == rca::Evidence::failed) {
      starts.push_back(n);
    }
  }
  std::vector<uint32_t> stamp(g.nodes(), 0);
  std::vector<NodeId> stack;
  size_t total = 0;
  uint32_t gen = 0;
  double walk = best_of(5, [&] {
    total = 0;
    for (NodeId s : starts) {
      total += upstream(g, s, stamp, ++gen, stack);
    }
  });
  std::printf("upstream walk, 1,000 assets        %.3f ms (%zu ancestors in all)\n", walk * 1e3, total);

  std::ofstream edges(out + "-edges.txt");
  for (NodeId n = 0; n < g.nodes(); ++n) {
    for (size_t e = g.out.begin(n); e < g.out.end(n); ++e) {
      edges << n << ' ' << g.out.targets[e] << '\n';
    }
  }
  std::ofstream st(out + "-starts.txt");
  for (NodeId s : starts) {
    st << s << '\n';
  }
  std::printf("wrote %s-edges.txt and %s-starts.txt\n", out.c_str(), out.c_str());
  return 0;
}
