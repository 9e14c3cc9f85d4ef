#include "cmd/usage.hpp"

#include "cmd/commands.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <regex>

namespace twinctl::cmd {

namespace {

constexpr size_t k_columns = 80;
constexpr size_t k_name_width = 14; // "  " + name, padded

// The one-line summary of a command for `twinctl --help`: its first sentence,
// cut at a word to fit 80 columns. The long text stays in `twinctl CMD --help`.
std::string summary(const std::string& description) {
  std::string s = description.substr(0, description.find('\n'));
  size_t stop = s.find(". ");
  if (stop != std::string::npos) {
    s = s.substr(0, stop);
  }
  if (!s.empty() && s.back() == '.') {
    s.pop_back();
  }
  size_t room = k_columns - k_name_width - 2;
  if (s.size() > room) {
    size_t cut = s.rfind(' ', room - 4);
    s = s.substr(0, cut == std::string::npos ? room - 4 : cut) + " ...";
  }
  return s;
}

// The top-level commands' summaries. A command's description() is its long
// text (shown by `twinctl CMD --help`); the list needs one line. A command not
// in the table shows its first sentence.
const std::map<std::string, std::string>& summaries() {
  static const std::map<std::string, std::string> k_summaries = {
      {"validate", "Check the intended state: schema, references, zones, expiry"},
      {"drift", "Compare the intended state with the live state; gate CI on it"},
      {"audit", "The nightly job: drift, certificates, incidents, history"},
      {"history", "Read the audit history: runs, findings, time to resolve"},
      {"simulate", "Generate synthetic twins, failures and sensor data"},
      {"snapshot", "Capture the live state into a twinctl-live/v1 file"},
      {"replay", "Run sensor readings through the detectors; alert events"},
      {"rca", "Rank the likely root causes of what failed, with whom to call"},
      {"graph", "Export the asset graph as DOT, Mermaid or JSON"},
      {"report", "An HTML or Markdown report of an audit run"},
      {"completion", "Print the shell completion script for bash or zsh"},
      {"help", "Show the help of a command"},
  };
  return k_summaries;
}

class Formatter : public CLI::Formatter {
public:
  std::string make_subcommand(const CLI::App* sub) const override {
    std::string name = "  " + sub->get_display_name();
    if (name.size() < k_name_width) {
      name += std::string(k_name_width - name.size(), ' ');
    } else {
      name += "  ";
    }
    auto it = summaries().find(sub->get_name());
    bool top = sub->get_parent() && !sub->get_parent()->get_parent();
    return name + summary(top && it != summaries().end() ? it->second : sub->get_description()) + "\n";
  }
};

// Every long and short option name a command accepts (its own and its parents', which fall through).
std::vector<std::string> option_names(const CLI::App* app) {
  std::vector<std::string> out;
  for (; app; app = app->get_parent()) {
    for (const CLI::Option* o : app->get_options()) {
      for (const std::string& l : o->get_lnames()) {
        out.push_back("--" + l);
      }
      for (const std::string& s : o->get_snames()) {
        out.push_back("-" + s);
      }
    }
  }
  return out;
}

std::vector<std::string> subcommand_names(const CLI::App* app) {
  std::vector<std::string> out;
  for (const CLI::App* s : app->get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); })) {
    out.push_back(s->get_name());
  }
  return out;
}

// True when `name` (--color, -o) is an option of `app` or of a command above it that takes a value.
bool takes_value(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent()) {
    for (const CLI::Option* o : app->get_options()) {
      if (o->nonpositional() && o->check_name(name)) {
        return o->get_items_expected_max() > 0;
      }
    }
  }
  return false;
}

// The command the words name ("simulate factory"), and where its own words start.
const CLI::App* command_of(const CLI::App& root, int argc, const char* const* argv, int& next) {
  const CLI::App* app = &root;
  next = 1;
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w == "--") {
      break;
    }
    if (!w.empty() && w[0] == '-') {
      continue;
    }
    const CLI::App* sub = nullptr;
    try {
      sub = const_cast<CLI::App*>(app)->get_subcommand(w);
    } catch (const CLI::OptionNotFound&) {
      sub = nullptr;
    }
    if (sub) {
      app = sub;
      next = i + 1;
    }
  }
  return app;
}

std::string command_path(const CLI::App* app) {
  std::string path;
  for (; app && app->get_parent(); app = app->get_parent()) {
    path = app->get_name() + (path.empty() ? "" : " " + path);
  }
  return path;
}

// CLI11's number messages, readable: no 300-digit limits, no six decimals, no 3e+06.
std::string number_text(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) {
    return s;
  }
  if (v > 1e15) {
    return "";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string humane(std::string msg) {
  static const std::regex range("^(.*?)Value (.*) not in range ([-0-9.e+]+) to ([-0-9.e+]+)$");
  static const std::regex convert("^Could not convert: (.*) = (.*)$");
  static const std::regex member("^(.*?: )?(.*) not in \\{(.*)\\}$");
  static const std::regex missing("^(.*): [0-9]+ required [A-Z_]+ missing$");
  std::smatch m;
  if (std::regex_match(msg, m, range)) {
    std::string lo = number_text(m[3]);
    std::string hi = number_text(m[4]);
    std::string value = m[2].str().size() > 24 ? m[2].str().substr(0, 24) + "…" : m[2].str();
    char* end = nullptr;
    const std::string raw = m[2].str();
    std::strtod(raw.c_str(), &end);
    if (raw.empty() || end != raw.c_str() + raw.size()) {
      return m[1].str() + "'" + value + "' is not a number";
    }
    return m[1].str() + value + " is out of range: " +
           (hi.empty() ? "use a number of at least " + lo : "use a number from " + lo + " to " + hi);
  }
  if (std::regex_match(msg, m, convert)) {
    std::string value = m[2].str().size() > 24 ? m[2].str().substr(0, 24) + "…" : m[2].str();
    return m[1].str() + ": '" + value + "' is not a number in range (too large, or not a number)";
  }
  if (std::regex_match(msg, m, member)) {
    // "--fail-on: extreme not in {critical,high,…}": the choices as a list, and the closest one.
    std::vector<std::string> choices = util::split(m[3].str(), ',');
    std::string value = m[2].str().size() > 24 ? m[2].str().substr(0, 24) + "…" : m[2].str();
    std::string guess = util::closest(m[2].str(), choices);
    return m[1].str() + "'" + value + "' is not one of " + util::join(choices, ", ") +
           (guess.empty() ? "" : "; did you mean " + guess + "?");
  }
  if (std::regex_match(msg, m, missing)) {
    return m[1].str() + " needs a value";
  }
  return msg;
}

} // namespace

std::string usage_error(const CLI::App& root, const CLI::ParseError& e, int argc, const char* const* argv) {
  int next = 1;
  const CLI::App* app = command_of(root, argc, argv, next);
  std::string where = command_path(app);
  std::string help = where.empty() ? "twinctl --help" : "twinctl help " + where;
  // An unknown flag anywhere: the closest name the command has.
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w == "--") {
      break;
    }
    if (w.size() < 2 || w[0] != '-' || (w[1] != '-' && w.size() > 2) || std::isdigit(static_cast<unsigned char>(w[1])) ||
        w[1] == '.') {
      continue; // short clusters (-qo) are left to CLI11; -5 is a value
    }
    std::string name = w.substr(0, w.find('='));
    std::vector<std::string> names = option_names(app);
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      continue;
    }
    std::string guess = util::closest(name, names);
    return "twinctl: error: " + (where.empty() ? std::string() : where + ": ") + "unknown option " + name +
           (guess.empty() ? "" : "; did you mean " + guess + "?") + "\nRun '" + help + "' for the options.\n";
  }
  // An unknown command where one is expected.
  std::vector<std::string> subs = subcommand_names(app);
  if (!subs.empty() && app->get_subcommands().empty()) {
    for (int i = next; i < argc; ++i) {
      std::string w = argv[i];
      if (w.empty() || w[0] == '-') {
        continue;
      }
      std::string prev = i > 1 ? argv[i - 1] : "";
      if (prev.size() > 1 && prev[0] == '-' && prev.find('=') == std::string::npos && takes_value(app, prev)) {
        continue; // the value of an option (--color never), not a command
      }
      std::string guess = util::closest(w, subs);
      return "twinctl: error: unknown command '" + (where.empty() ? w : where + " " + w) + "'" +
             (guess.empty() ? "" : "; did you mean '" + (where.empty() ? guess : where + " " + guess) + "'?") +
             "\nRun '" + help + "' for the commands.\n";
    }
    if (dynamic_cast<const CLI::RequiredError*>(&e)) {
      return "twinctl: error: " + (where.empty() ? std::string("a command is required") : where + " needs a command") +
             " (" + util::join(subs, ", ") + ")\nRun '" + help + "' for more.\n";
    }
  }
  return "twinctl: error: " + (where.empty() ? std::string() : where + ": ") + humane(e.what()) + "\nRun '" + help +
         "' for more.\n";
}

void setup_usage(CLI::App& root, int& rc) {
  root.formatter(std::make_shared<Formatter>());
  CLI::App* help = root.add_subcommand("help", "Show the help of a command: twinctl help drift");
  auto words = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *words, "The command (and sub-command) to explain");
  help->footer(help_footer("  twinctl help drift\n  twinctl help simulate factory\n", "  0  the help was printed\n"
                                                                                     "  2  no such command\n"));
  CLI::App* app = &root;
  help->callback([app, words, &rc] {
    CLI::App* target = app;
    std::string path;
    for (const std::string& w : *words) {
      CLI::App* sub = nullptr;
      try {
        sub = target->get_subcommand(w);
      } catch (const CLI::OptionNotFound&) {
        sub = nullptr;
      }
      path += (path.empty() ? "" : " ") + util::visible(w); // shown, never obeyed
      if (!sub) {
        std::string guess = util::closest(w, subcommand_names(target));
        std::cerr << "twinctl: error: unknown command '" << path << "'"
                  << (guess.empty() ? "" : "; did you mean '" + guess + "'?") << "\n";
        rc = k_exit_error;
        return;
      }
      target = sub;
    }
    // As CLI11 names it for `CMD --help`: the program, then the commands above this one.
    std::string prev;
    for (const CLI::App* a = target->get_parent(); a; a = a->get_parent()) {
      prev = a->get_name() + (prev.empty() ? "" : " " + prev);
    }
    std::cout << target->help(target == app ? "" : prev);
    rc = k_exit_ok;
  });
}

} // namespace twinctl::cmd
