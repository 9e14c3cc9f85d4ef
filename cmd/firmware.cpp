// twinctl firmware: status (intended vs live, who is behind) and plan (a
// rollout in waves that keeps redundancy; --write sets the new version in the
// twin's YAML, --branch commits that change on a new branch for a pull
// request). Only wiring: the logic is lib/firmware.
#include "cmd/commands.hpp"
#include "cmd/common.hpp"

#include "lib/firmware/rollout.hpp"
#include "lib/io/files.hpp"
#include "lib/io/git.hpp"
#include "lib/loaders/twin_reader.hpp"
#include "lib/output/firmware_output.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace twinctl::cmd {

namespace {

namespace fs = std::filesystem;

struct FirmwareArgs {
  TwinArgs twin;
  std::vector<std::string> live;
  live::LiveOptions live_options;
  bool allow_partial = false;
  firmware::Selector sel;
  std::string to;
  size_t wave_size = 0;
  bool write = false;
  std::string branch;
};

// Loads the twin; prints its errors and returns false when it has any.
bool load(const TwinArgs& args, loaders::LoadResult& out) {
  out = load_twin(args);
  if (!out.errors.empty()) {
    print_errors(out.errors);
    return false;
  }
  return true;
}

int run_status(FirmwareArgs& a, const GlobalOptions& g) {
  loaders::LoadResult loaded;
  if (!load(a.twin, loaded)) {
    return k_exit_error;
  }
  model::LiveSnapshot live;
  bool incomplete = false;
  if (!a.live.empty()) {
    prepare_live_options(a.live_options, g);
    live::AssetMatcher matcher(loaded.twin);
    for (const std::string& src : a.live) {
      live.merge(live::read_live(src, loaded.twin, matcher, a.live_options));
    }
    for (const model::LiveSource& s : live.sources) {
      if (!s.ok) {
        incomplete = true;
        std::cerr << "twinctl: warning: live source " << util::visible(s.name) << " failed: " << util::visible(s.error)
                  << "\n";
      }
    }
  }
  const firmware::Status st = firmware::firmware_status(loaded.twin, a.live.empty() ? nullptr : &live);
  write_each_output(g, "table", [&](const std::string& format, std::ostream& out) {
    if (format == "json") {
      output::write_firmware_status_json(out, st, !a.live.empty());
    } else {
      output::write_firmware_status_table(out, st, !a.live.empty());
    }
  });
  return incomplete && !a.allow_partial ? k_exit_incomplete : k_exit_ok;
}

// The file on disk of a twin location: under the repository (or current
// directory) the twin was read from, or under --twin.
std::string disk_path(const FirmwareArgs& a, const model::Twin& twin, const std::string& path) {
  const fs::path base = fs::absolute(a.twin.repo.empty() ? fs::current_path() : fs::path(a.twin.repo));
  std::error_code ec;
  if (fs::is_regular_file(base / path, ec)) {
    return (base / path).string();
  }
  const std::string& twin_yaml = twin.loc.path.str();
  const std::string prefix = twin_yaml.substr(0, twin_yaml.size() - std::string("twin.yaml").size());
  if (!a.twin.twin.empty() && path.rfind(prefix, 0) == 0) {
    const fs::path p = base / a.twin.twin / path.substr(prefix.size());
    if (fs::is_regular_file(p, ec)) {
      return p.string();
    }
  }
  throw Error(path + ": not found on disk to --write (run from the repository root, or give --twin)");
}

// The files a plan changes: repo-relative path -> the new text, each file
// read once by `read` (from disk or from Git) and edited bottom up. Assets
// without expected.firmware go to `by_hand`: a line of YAML must be added by hand.
template <class Read>
std::map<std::string, std::string> edit_files(const model::Twin& twin, const firmware::Plan& plan, const std::string& to,
                                              Read read, std::vector<std::string>& by_hand, size_t& changed) {
  std::map<std::string, std::vector<const model::ExpectedValue*>> by_file;
  for (const firmware::Wave& w : plan.waves) {
    for (const std::string& id : w.assets) {
      const model::Asset* asset = twin.find_asset(id);
      auto it = asset->expected.find("firmware");
      if (it == asset->expected.end()) {
        by_hand.push_back(id);
        continue;
      }
      by_file[it->second.loc.path.str()].push_back(&it->second);
    }
  }
  std::map<std::string, std::string> out;
  for (auto& [path, values] : by_file) {
    std::string text = read(path);
    std::sort(values.begin(), values.end(), [](auto* x, auto* y) {
      return std::tie(x->loc.line, x->loc.column) > std::tie(y->loc.line, y->loc.column);
    });
    for (const model::ExpectedValue* v : values) {
      try {
        text = firmware::replace_value(text, v->loc.line, v->loc.column, to);
      } catch (const Error& e) {
        throw Error(util::visible(path) + ":" + e.what());
      }
      ++changed;
    }
    out[path] = std::move(text);
  }
  return out;
}

// The repository the twin was read from, for --branch.
io::GitRepo twin_repo(const FirmwareArgs& a, const model::Twin& twin) {
  std::optional<io::GitRepo> repo = io::GitRepo::discover(a.twin.repo.empty() ? fs::current_path().string() : a.twin.repo);
  if (!repo || twin.commit.empty()) {
    throw Error("--branch commits to Git: the twin is not in a Git repository with a commit (use --write)");
  }
  return std::move(*repo);
}

// --write: the planned change in the working tree, one atomic write per file.
// --branch: the same change as one commit on a new branch, built on the commit
// the twin was read at (HEAD, or --ref), without touching the working tree.
void apply_plan(const FirmwareArgs& a, const model::Twin& twin, const firmware::Plan& plan) {
  std::vector<std::string> by_hand;
  size_t changed = 0;
  std::map<std::string, std::string> files;
  std::string done;
  if (a.write) {
    files = edit_files(twin, plan, a.to, [&](const std::string& path) {
      return io::read_file(disk_path(a, twin, path), loaders::k_max_twin_file_bytes);
    }, by_hand, changed);
    for (const auto& [path, text] : files) {
      io::write_file(disk_path(a, twin, path), text);
    }
    done = "review with git diff and open a pull request";
  } else {
    io::GitRepo repo = twin_repo(a, twin);
    const std::string short_base = twin.commit.substr(0, 12);
    files = edit_files(twin, plan, a.to, [&](const std::string& path) {
      std::optional<std::string> committed = repo.read_path(twin.commit, path);
      if (!committed) {
        throw Error(util::visible(path) + ": not committed at " + short_base + " (commit it, or use --write)");
      }
      // From the working tree, the plan was made from the files on disk: they must be what is committed.
      if (a.twin.ref.empty() && !repo.is_bare() &&
          io::read_file(disk_path(a, twin, path), loaders::k_max_twin_file_bytes) != *committed) {
        throw Error(util::visible(path) + ": has changes that are not committed; --branch builds on " + short_base +
                    " (commit them first, or use --write)");
      }
      return *committed;
    }, by_hand, changed);
    if (files.empty()) {
      throw Error("--branch: no expected.firmware to change, nothing to commit");
    }
    std::ostringstream message;
    message << "firmware: roll out " << a.to << " to " << util::plural(long(changed), "asset", "assets") << " in "
            << util::plural(long(plan.waves.size()), "wave", "waves") << "\n\n";
    output::write_rollout_markdown(message, plan, twin);
    const std::string sha = repo.commit_on_branch(twin.commit, files, message.str(), a.branch);
    done = "committed " + sha.substr(0, 12) + " on branch " + util::visible(a.branch) + " (on " + short_base +
           "; the working tree is unchanged): push it and open a pull request";
  }
  std::cerr << "twinctl: set expected.firmware to " << util::visible(a.to) << " for "
            << util::plural(long(changed), "asset", "assets") << " in "
            << util::plural(long(files.size()), "file", "files") << "; " << done << "\n";
  if (!by_hand.empty()) {
    std::cerr << "twinctl: warning: no expected.firmware to change (add it by hand): "
              << util::visible(util::join(by_hand, ", ")) << "\n";
  }
}

int run_plan(FirmwareArgs& a, const GlobalOptions& g) {
  if (a.to.empty() || a.to.size() > 64 || util::visible(a.to) != a.to) {
    throw Error("--to: a firmware version of 1 to 64 printable characters");
  }
  if (a.write && (!a.twin.ref.empty() || loaders::is_remote_url(a.twin.repo))) {
    throw Error("--write changes the working tree: not with --ref or a remote --repo (use --branch)");
  }
  if (!a.branch.empty() && loaders::is_remote_url(a.twin.repo)) {
    throw Error("--branch commits to a local repository: not with a remote --repo (clone it, then give its path)");
  }
  loaders::LoadResult loaded;
  if (!load(a.twin, loaded)) {
    return k_exit_error;
  }
  const graph::AssetGraph graph = graph::build_graph(loaded.twin);
  const firmware::Plan plan = firmware::plan_rollout(loaded.twin, graph, a.sel, a.to, a.wave_size);
  if (plan.waves.empty() && plan.already.empty() && plan.downgrade.empty()) {
    throw Error("no asset matches the selection (--class, --vendor, --model, --asset)");
  }
  write_each_output(g, "table", [&](const std::string& format, std::ostream& out) {
    if (format == "json") {
      output::write_rollout_json(out, plan, loaded.twin);
    } else if (format == "markdown") {
      output::write_rollout_markdown(out, plan, loaded.twin);
    } else {
      output::write_rollout_table(out, plan, loaded.twin);
    }
  });
  if (a.write || !a.branch.empty()) {
    apply_plan(a, loaded.twin, plan);
  }
  return k_exit_ok;
}

} // namespace

void register_firmware(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<FirmwareArgs>();
  CLI::App* fw = root.add_subcommand("firmware", "Firmware versions per model, who is behind, and rollout plans");
  fw->require_subcommand(1);
  fw->footer(help_footer("  twinctl firmware status --live examples/live/snapshot.json\n"
                         "  twinctl firmware plan --class plc --vendor Siemens --to V4.6.0\n",
                         "  0  success\n  2  bad input: the twin or an option\n  3  a live source could not be read (status)\n"));

  CLI::App* st = fw->add_subcommand("status", "Intended and live firmware per vendor and model; who is behind");
  st->description(
      "Per vendor and model: the intended firmware versions (expected.firmware) and how many assets have each, the "
      "newest of them, and with --live the versions devices report. Then every asset that is behind: its intended "
      "firmware older than its model's newest (how far: major, minor or patch versions), or, with --live, a device "
      "running something other than its intended firmware (behind, ahead, another build). Versions are compared "
      "as vendors write them (V4.5.2, 15.2(7)E4, SP14), in order only where an order can be decided. Not a gate: "
      "use drift for that.");
  add_twin_options(*st, a->twin);
  st->add_option("--live", a->live, "Live state: a file, URL or source name (repeatable)")->group("Live state");
  st->add_flag("--allow-partial", a->allow_partial, "When a live source fails, exit 0 instead of 3")->group("Live state");
  add_live_options(*st, a->live_options);
  add_output_option(*st, g, {"table", "json"});
  st->footer(help_footer("  twinctl firmware status\n  twinctl firmware status --live ditto-main -o json=firmware.json\n",
                         "  0  written\n  2  bad input\n  3  a live source could not be read\n"));
  st->callback([a, &g, &rc] { rc = run_status(*a, g); });

  CLI::App* pl = fw->add_subcommand("plan", "A rollout of a new firmware in waves that keep redundancy");
  pl->description(
      "Plans the rollout of firmware --to to the assets selected by --class, --vendor, --model and --asset (all "
      "that are given must match; assets whose intended firmware is already --to, or newer, are skipped). Waves "
      "go line by line, least critical assets first; an asset never shares a wave with more of its redundant "
      "partners than the asset they feed survives: two feeders that POWER a press with redundancy {POWERS: 1} "
      "are in different waves. --wave-size caps a wave. Each wave names the teams to call. --write sets "
      "expected.firmware to --to in the twin's YAML (in place, one atomic write per file): review it with git diff. "
      "--branch NAME makes the same change as one commit on a new branch NAME instead, built on the commit the "
      "twin was read at (HEAD, or --ref), with the plan in its message: the working tree, the index and HEAD "
      "stay as they are, and the twin's files must be committed as they are on disk. Push the branch and open a "
      "pull request; the drift gate then checks it. Author and committer come from GIT_AUTHOR_NAME and "
      "GIT_AUTHOR_EMAIL (GIT_COMMITTER_*) or user.name and user.email.");
  add_twin_options(*pl, a->twin);
  pl->add_option("--to", a->to, "The new intended firmware version")->required();
  pl->add_option("--class", a->sel.asset_class, "Only assets of this class (plc, drive, hmi, ...)");
  pl->add_option("--vendor", a->sel.vendor, "Only assets of this vendor (case-insensitive)");
  pl->add_option("--model", a->sel.model, "Only assets of this model (case-insensitive)");
  pl->add_option("--asset", a->sel.assets, "Only assets whose id matches this glob (repeatable)");
  pl->add_option("--wave-size", a->wave_size, "At most this many assets per wave (0 = no limit)");
  CLI::Option* write =
      pl->add_flag("--write", a->write, "Set expected.firmware to --to in the twin's YAML files (the working tree)");
  pl->add_option("--branch", a->branch,
                 "Commit that change on this new branch (from the commit the twin was read at; the working tree, "
                 "the index and HEAD are not touched)")
      ->excludes(write);
  add_output_option(*pl, g, {"table", "json", "markdown"});
  pl->footer(help_footer(
      "  twinctl firmware plan --class plc --vendor Siemens --to V4.6.0\n"
      "  twinctl firmware plan --model 'SCALANCE XC208' --to V4.5 --wave-size 4 -o markdown > rollout.md\n"
      "  twinctl firmware plan --asset 'drv-l2-*' --to 2.14.1 --write && git diff\n"
      "  twinctl firmware plan --ref origin/main --class plc --to V4.6.0 --branch fw/plc-v4.6.0 &&\n"
      "    git push origin fw/plc-v4.6.0\n",
      "  0  the plan was written (and, with --write or --branch, the twin changed)\n"
      "  2  bad input: the twin, an option, no matching asset, a YAML value that cannot be changed, an existing\n"
      "     branch, files not committed as they are on disk (--branch), or no author for the commit\n"));
  pl->callback([a, &g, &rc] { rc = run_plan(*a, g); });
}

} // namespace twinctl::cmd
