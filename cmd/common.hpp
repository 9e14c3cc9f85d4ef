// Helpers shared by the commands: loading the twin, the clock, writing outputs.
// Only wiring lives here; the logic is in lib/.
#pragma once

#include "cmd/commands.hpp"
#include "lib/live/sources.hpp"
#include "lib/loaders/twin_loader.hpp"
#include "lib/model/live.hpp"
#include "lib/report/report.hpp"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace twinctl::cmd {

// Reads the twin and runs the structural checks every command needs;
// problems are in LoadResult::errors. Throws twinctl::Error when the twin
// cannot be read at all.
loaders::LoadResult load_twin(const TwinArgs& args);

// A report for `command` about the loaded twin; takes over its errors.
report::Report start_report(const std::string& command, int64_t now, loaders::LoadResult& loaded);

// With errors: prints them, writes the machine-readable outputs, and returns true.
bool fail_on_errors(const GlobalOptions& g, const report::Report& r);

// --now, or the system clock when empty. Throws on a malformed time.
int64_t resolve_now(const std::string& now_arg);

// Prints each error as "path:line:column: error: message" on stderr, then a count.
void print_errors(const std::vector<model::Diagnostic>& errors);

// Registers -o/--output on a command; `formats` lists what it can write.
void add_output_option(CLI::App& sub, GlobalOptions& g, const std::vector<std::string>& formats);

// Registers the settings of network live sources (--adapter, --timeout,
// --connect-timeout, --retries, --ca-file, --cert, --key, --insecure, --settle).
void add_live_options(CLI::App& sub, live::LiveOptions& o);
// Before reading: progress on stderr when it is a TTY (and not --quiet), and
// the loud warning of --insecure.
void prepare_live_options(live::LiveOptions& o, const GlobalOptions& g);

// Renders the report to every -o FORMAT[=PATH] (default: table on stdout).
// With errors, only machine-readable formats are written.
void write_outputs(const GlobalOptions& g, const report::Report& r);

// Renders to every -o FORMAT[=PATH] (default: `default_format` on stdout) with
// `render(format, stream)`, for commands whose results are not a Report.
void write_each_output(const GlobalOptions& g, const std::string& default_format,
                       const std::function<void(const std::string& format, std::ostream& out)>& render);

// Reads every --live SRC into one snapshot (failed sources are marked, not thrown).
model::LiveSnapshot read_live_sources(const std::vector<std::string>& sources, const model::Twin& twin);

} // namespace twinctl::cmd
