// twinctl: the command table, library set-up, and the one place errors become
// exit codes.
#include "cmd/commands.hpp"
#include "cmd/usage.hpp"
#include "lib/io/git.hpp"
#include "lib/io/versions.hpp"
#include "lib/live/http/client.hpp"
#include "lib/util/error.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace {

std::string version_text() {
  // The libraries' versions at build time, and at run time where the shared library differs.
  return twinctl::io::version_text(TWINCTL_VERSION) + "  CLI11 " + CLI11_VERSION;
}

} // namespace

int main(int argc, char** argv) {
  using namespace twinctl::cmd;
  twinctl::io::GitLibrary git; // before any command runs, once
  twinctl::live::CurlLibrary curl;

  CLI::App app{"twinctl — drift gates, root causes and audits for factory digital twins"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions g;
  app.add_option("--color", g.color, "Colour: auto|always|never (auto honours NO_COLOR and TTYs)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", g.quiet, "Print no progress or summary on stderr");
  app.footer(help_footer("  twinctl validate --twin examples/factory\n"
                         "  twinctl simulate factory --assets 10000 --seed 7 --out /tmp/plant --commit\n"
                         "  twinctl <command> --help\n"));

  int rc = k_exit_ok;
  register_validate(app, g, rc);
  register_drift(app, g, rc);
  register_audit(app, g, rc);
  register_history(app, g, rc);
  register_simulate(app, g, rc);
  register_snapshot(app, g, rc);
  register_replay(app, g, rc);
  register_rca(app, g, rc);
  register_graph(app, g, rc);
  register_report(app, g, rc);
  register_completion(app, g, rc); // last: it walks the table the others built
  setup_usage(app, rc);             // one-line summaries, `twinctl help CMD`

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e); // --help, --version
    }
    // CLI11's own codes (100-127) mean usage errors: map them to 2, with our message.
    std::cerr << usage_error(app, e, argc, argv);
    return k_exit_error;
  } catch (const twinctl::Error& e) {
    std::cerr << "twinctl: error: " << e.what() << "\n";
    return k_exit_error;
  } catch (const std::exception& e) {
    std::cerr << "twinctl: internal error: " << e.what() << "\n";
    return k_exit_error;
  }
  return rc;
}
