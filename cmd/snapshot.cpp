// twinctl snapshot: capture the live state of one or more sources into one
// twinctl-live/v1 file, to audit offline and reproduce a run.
#include "cmd/common.hpp"
#include "lib/io/files.hpp"

#include "lib/live/snapshot_writer.hpp"
#include "lib/live/sources.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/strings.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace twinctl::cmd {

namespace {

struct SnapshotOptions {
  TwinArgs twin;
  std::vector<std::string> live;
  live::LiveOptions live_options;
  std::string output = "-";
  std::string now;
  bool allow_partial = false;
};

// "-" is standard output; a file is written through a temporary file and a rename (so a reader
// never sees half a snapshot), a device or FIFO in place (io::write_file).
void write_output(const std::string& path, const std::string& data) {
  if (path == "-") {
    std::cout << data << std::flush;
    return;
  }
  io::write_file(path, data);
}

int run_snapshot(SnapshotOptions& o, const GlobalOptions& g) {
  int64_t now = resolve_now(o.now);
  if (!o.now.empty()) {
    o.live_options.taken_at = now;
  }

  // Load: the twin (to match devices to assets and to name sources), then every source.
  loaders::LoadResult loaded = load_twin(o.twin);
  if (!loaded.errors.empty()) {
    print_errors(loaded.errors);
    return k_exit_error;
  }
  prepare_live_options(o.live_options, g);
  live::AssetMatcher matcher(loaded.twin);
  model::LiveSnapshot snap;
  for (const std::string& src : o.live) {
    snap.merge(live::read_live(src, loaded.twin, matcher, o.live_options));
  }
  if (snap.taken_at.empty()) {
    snap.taken_at = util::format_timestamp(now); // files without a time of their own
  }

  // Render: the file first, so a failed source is recorded in it.
  std::ostringstream buf;
  live::write_snapshot(buf, snap);
  write_output(o.output, buf.str());
  size_t failed = 0;
  for (const model::LiveSource& s : snap.sources) {
    if (!s.ok) {
      ++failed;
      std::cerr << "twinctl: warning: source " << util::visible(s.name)
                << " could not be read: " << util::visible(s.error) << "\n";
    }
  }
  if (!g.quiet && o.output != "-") {
    size_t unmatched = 0;
    for (const model::Observation& ob : snap.observations) {
      unmatched += ob.asset.empty() ? 1 : 0;
    }
    // What matched an asset is an observation; the rest are devices the twin does not know.
    std::cerr << "twinctl: wrote " << o.output << ": " << util::plural(snap.sources.size(), "source", "sources")
              << " (" << failed << " failed), "
              << util::plural(snap.observations.size() - unmatched, "observation", "observations") << " of assets, "
              << util::plural(unmatched, "unmatched device", "unmatched devices") << "\n";
  }
  if (failed > 0 && !o.allow_partial) {
    std::cerr << "twinctl: the snapshot is incomplete; exit 3 (use --allow-partial to exit 0)\n";
    return k_exit_incomplete;
  }
  return k_exit_ok;
}

} // namespace

void register_snapshot(CLI::App& root, GlobalOptions& g, int& rc) {
  auto o = std::make_shared<SnapshotOptions>();
  CLI::App* sub = root.add_subcommand("snapshot", "Capture live state (HTTP, MQTT, files) into a twinctl-live/v1 file");
  sub->description(
      "Read every --live source (a file, an http(s):// URL, an mqtt(s):// URL or the name of a sources/*.yaml "
      "entry), match its devices to the twin's assets, and write one twinctl-live/v1 file: the sources with "
      "ok/error, the observations, and the devices that match no asset (unmatched). drift on that file gives "
      "the same result as on the sources. Read-only: HTTP sources are only sent GET requests. Credentials come "
      "from the environment (TWINCTL_<SOURCE>_TOKEN, _USERNAME, _PASSWORD) and are never written. A source "
      "that fails is recorded with its reason, and the command exits 3.");
  add_twin_options(*sub, o->twin);
  sub->add_option("--live", o->live, "Live source: a file, URL or sources/*.yaml name (repeatable)")
      ->required()
      ->group("Live state");
  sub->add_flag("--allow-partial", o->allow_partial, "Exit 0, not 3, when a source failed (it is recorded)")
      ->group("Live state");
  add_live_options(*sub, o->live_options);
  sub->add_option("-o,--output", o->output, "Write the snapshot to FILE (default: stdout)")
      ->type_name("FILE")
      ->group("Output");
  sub->add_option("--now", o->now, "Stamp this time as taken_at (RFC 3339), for reproducible snapshots")
      ->group("Output");
  // Not help_footer(): snapshot has no gate, so no exit 1.
  sub->footer(
      "\nEXAMPLES:\n"
      "  TWINCTL_DITTO_MAIN_TOKEN=... twinctl snapshot --twin plant-a --live ditto-main -o live.json\n"
      "  twinctl snapshot --live https://ditto.example.com --adapter ditto --ca-file plant-ca.pem -o live.json\n"
      "  twinctl snapshot --live ditto-main --live mqtt-lines -o live.json && twinctl drift --live live.json\n"
      "  twinctl snapshot --live ditto-export.json --live shadows.json -o live.json --allow-partial\n"
      "\nEXIT STATUS:\n"
      "  0  the snapshot was written; every source was read (or --allow-partial)\n"
      "  2  usage, configuration or input error (bad flag, invalid twin, unreadable file, unknown source option)\n"
      "  3  incomplete: a source could not be read; the file is written with the failure recorded\n");
  sub->callback([o, &g, &rc] { rc = run_snapshot(*o, g); });
}

} // namespace twinctl::cmd
