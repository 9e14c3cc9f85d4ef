#include "cmd/common.hpp"

#include "lib/io/files.hpp"
#include "lib/live/sources.hpp"
#include "lib/loaders/twin_reader.hpp"
#include "lib/output/output.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/validate/validate.hpp"
#include "lib/util/strings.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace twinctl::cmd {

void add_twin_options(CLI::App& sub, TwinArgs& args, bool strict_flag) {
  if (strict_flag) {
    sub.add_flag("--strict", args.strict,
                 "Entries of the twin that are not read (a symlink to a directory, a FIFO) are errors, not warnings")
        ->group("Intended state");
  }
  sub.add_option("--repo", args.repo,
                 "Git repository: a path (working tree or bare) or a URL to clone into the cache")
      ->group("Intended state");
  sub.add_option("--ref", args.ref, "Read the twin from Git objects at this revision, without a checkout")
      ->group("Intended state");
  sub.add_option("--twin", args.twin, "Twin root (the directory with twin.yaml); found automatically if omitted")
      ->group("Intended state");
}

std::string help_footer(const std::string& examples) {
  return help_footer(examples,
                     "  0  success; no finding at or above --fail-on\n"
                     "  1  the gate failed: findings at or above --fail-on (not suppressed, not in the baseline)\n"
                     "  2  usage, configuration or input error (bad flag, invalid YAML, unknown reference, "
                     "unreadable file)\n"
                     "  3  incomplete: a live source could not be read; nothing is reported missing because of it\n");
}

std::string help_footer(const std::string& examples, const std::string& exit_status) {
  return "\nEXAMPLES:\n" + examples + "\nEXIT STATUS:\n" + exit_status;
}

loaders::LoadResult load_twin(const TwinArgs& args) {
  loaders::TwinRequest req;
  req.repo = args.repo;
  req.ref = args.ref;
  req.twin = args.twin;
  req.cwd = std::filesystem::current_path().string();
  loaders::LoadResult result = loaders::read_twin(req);
  if (args.strict) {
    for (model::Diagnostic& d : result.skipped) {
      result.errors.push_back(std::move(d));
    }
    result.skipped.clear();
  }
  for (const model::Diagnostic& d : result.skipped) {
    std::cerr << util::visible(d.loc.str()) << ": warning: skipped: " << util::visible(d.message) << "\n";
  }
  if (!result.skipped.empty()) {
    std::cerr << "twinctl: " << result.skipped.size()
              << (result.skipped.size() == 1 ? " entry" : " entries")
              << " of the twin skipped (not read); --strict makes them errors\n";
  }
  if (result.errors.empty()) {
    // References only make sense once every file parsed.
    result.errors = validate::check_structure(result.twin);
  }
  return result;
}

report::Report start_report(const std::string& command, int64_t now, loaders::LoadResult& loaded) {
  report::Report r;
  r.command = command;
  r.tool_version = TWINCTL_VERSION;
  r.generated_at = util::format_timestamp(now);
  report::describe_twin(r, loaded.twin);
  r.errors = std::move(loaded.errors);
  return r;
}

bool fail_on_errors(const GlobalOptions& g, const report::Report& r) {
  if (r.errors.empty()) {
    return false;
  }
  print_errors(r.errors);
  write_outputs(g, r);
  return true;
}

int64_t resolve_now(const std::string& now_arg) {
  if (now_arg.empty()) {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  auto t = util::parse_timestamp(now_arg);
  if (!t) {
    throw Error("--now: '" + now_arg + "' is not a date or an RFC 3339 time (like 2026-05-04T09:42:00Z)");
  }
  return *t;
}

void print_errors(const std::vector<model::Diagnostic>& errors) {
  for (const model::Diagnostic& d : errors) {
    if (d.loc.known()) {
      std::cerr << util::visible(d.loc.str()) << ": error: " << util::visible(d.message) << "\n";
    } else {
      std::cerr << "twinctl: error: " << util::visible(d.message) << "\n";
    }
  }
  if (!errors.empty()) {
    std::cerr << "twinctl: " << errors.size() << (errors.size() == 1 ? " error" : " errors")
              << " in the intended state\n";
  }
}

void add_output_option(CLI::App& sub, GlobalOptions& g, const std::vector<std::string>& formats) {
  std::string list;
  for (const std::string& f : formats) {
    list += (list.empty() ? "" : "|") + f;
  }
  sub.add_option("-o,--output", g.outputs,
                 "Output FORMAT[=PATH], repeatable (" + list + "; default table on stdout)")
      ->check([formats](const std::string& v) -> std::string {
        std::string fmt = v.substr(0, v.find('='));
        for (const std::string& f : formats) {
          if (f == fmt) {
            return "";
          }
        }
        return "unknown output format '" + fmt + "'";
      })
      ->group("Output");
}

namespace {

bool use_color(const GlobalOptions& g) {
  if (g.color == "always") {
    return true;
  }
  if (g.color == "never") {
    return false;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && std::string(term) == "dumb");
}

// The width the table fits: $COLUMNS when set (40 to 1000), also when stdout is a
// pipe or a file, as the user asked for it; else the terminal's; 0 (no fitting) when
// stdout is not a terminal, so a table saved or grepped keeps one finding a line.
size_t terminal_width() {
  if (const char* env = std::getenv("COLUMNS"); env && *env) {
    long n = std::strtol(env, nullptr, 10);
    if (n >= 40 && n <= 1000) {
      return static_cast<size_t>(n);
    }
  }
  if (!::isatty(STDOUT_FILENO)) {
    return 0;
  }
  struct winsize ws {};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) {
    return ws.ws_col;
  }
  return 0;
}

} // namespace

void write_outputs(const GlobalOptions& g, const report::Report& r) {
  std::vector<std::string> specs = g.outputs.empty() ? std::vector<std::string>{"table"} : g.outputs;
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    std::string fmt = spec.substr(0, eq);
    std::string path = eq == std::string::npos ? "" : spec.substr(eq + 1);
    bool to_stdout = path.empty() || path == "-";
    if (!r.errors.empty() && fmt != "json") {
      continue; // errors are on stderr already; only JSON carries them for pipelines
    }
    std::ostringstream file_buf;
    std::ostream& buf = to_stdout ? static_cast<std::ostream&>(std::cout) : file_buf;
    if (fmt == "table") {
      output::write_table(buf, r, {to_stdout && use_color(g), to_stdout ? terminal_width() : 0});
    } else if (fmt == "json") {
      output::write_json(buf, r);
    } else if (fmt == "sarif") {
      output::write_sarif(buf, r, {g.sarif_category});
    } else if (fmt == "markdown") {
      output::write_markdown(buf, r);
    } else if (fmt == "github") {
      output::write_github(buf, r);
    } else if (fmt == "junit") {
      output::write_junit(buf, r);
    } else if (fmt == "baseline") {
      output::write_baseline(buf, r);
    } else {
      throw Error("output format '" + fmt + "' is not available for this command");
    }
    if (to_stdout) {
      std::cout << std::flush;
    } else {
      io::write_file(path, file_buf.view());
    }
  }
}

void write_each_output(const GlobalOptions& g, const std::string& default_format,
                       const std::function<void(const std::string& format, std::ostream& out)>& render) {
  std::vector<std::string> specs = g.outputs.empty() ? std::vector<std::string>{default_format} : g.outputs;
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    std::string path = eq == std::string::npos ? "" : spec.substr(eq + 1);
    std::ostringstream buf;
    render(spec.substr(0, eq), buf);
    if (path.empty() || path == "-") {
      std::cout << buf.str() << std::flush;
    } else {
      io::write_file(path, buf.str());
    }
  }
}

model::LiveSnapshot read_live_sources(const std::vector<std::string>& sources, const model::Twin& twin) {
  model::LiveSnapshot live;
  live::AssetMatcher matcher(twin);
  for (const std::string& src : sources) {
    live.merge(live::read_live(src, twin, matcher, live::LiveOptions{}));
  }
  return live;
}

} // namespace twinctl::cmd

namespace twinctl::cmd {

void add_live_options(CLI::App& sub, live::LiveOptions& o) {
  const char* group = "Live sources (network)";
  sub.add_option("--adapter", o.adapter,
                 "Adapter of a bare URL: http(s) ditto (default) or generic; mqtt(s) a profile")
      ->group(group);
  auto seconds = [&sub, &o, group](const char* flag, const char* key, double& field, const char* help) {
    sub.add_option_function<double>(
           flag,
           [&o, &field, key](double v) {
             field = v;
             o.given.insert(key);
           },
           help)
        ->check(CLI::Range(0.1, 86400.0))
        ->type_name("SECONDS")
        ->group(group);
  };
  seconds("--timeout", "timeout", o.timeout, "Time limit of one HTTP request / of an MQTT collection (default 60)");
  seconds("--connect-timeout", "connect-timeout", o.connect_timeout, "Time limit to connect (default 10)");
  seconds("--settle", "settle", o.settle, "MQTT: seconds without a new message that end the collection (default 2)");
  sub.add_option_function<int>(
         "--retries",
         [&o](int v) {
           o.retries = v;
           o.given.insert("retries");
         },
         "HTTP: retries on 408/429/5xx and connection errors, with backoff; Retry-After honoured (default 3)")
      ->check(CLI::Range(0, 10))
      ->group(group);
  sub.add_option("--ca-file", o.ca_file, "Trust this PEM CA bundle (instead of the system's) for TLS")
      ->check(CLI::ExistingFile)
      ->group(group);
  sub.add_option("--cert", o.cert_file, "Client certificate (PEM) for mutual TLS")
      ->check(CLI::ExistingFile)
      ->group(group);
  sub.add_option("--key", o.key_file, "Key of the client certificate (PEM)")->check(CLI::ExistingFile)->group(group);
  sub.add_flag("--insecure", o.insecure, "Do NOT verify TLS certificates (loud warning; never in production)")
      ->group(group);
  sub.add_flag("--aws-shadow-get", o.aws_shadow_get,
               "MQTT aws-shadow: publish an empty message to each thing's $aws/things/T/shadow/get and collect the "
               "answers (the one write twinctl makes to a source)")
      ->group(group);
}

void prepare_live_options(live::LiveOptions& o, const GlobalOptions& g) {
  if (o.insecure) {
    std::cerr << "twinctl: warning: --insecure: TLS certificates and host names are NOT verified; anyone on the "
                 "network path can impersonate the live sources and read the credentials sent to them\n";
  }
  o.progress = !g.quiet && ::isatty(STDERR_FILENO);
  if (o.progress) {
    o.on_progress = [](const std::string& line, bool done) {
      std::cerr << "\r\033[K" << util::visible(line) << (done ? "\n" : "") << std::flush;
    };
  }
}

} // namespace twinctl::cmd
