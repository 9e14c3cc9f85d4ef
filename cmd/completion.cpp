// twinctl completion bash|zsh: shell completion scripts generated from the
// command table itself, so they never fall behind the commands and flags.
#include "cmd/common.hpp"
#include "lib/loaders/twin_reader.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <sstream>
#include <utility>

namespace twinctl::cmd {

namespace {

// What a shell needs to know of one command path ("", "drift", "simulate factory").
struct CommandNode {
  std::string path;
  std::vector<std::pair<std::string, std::string>> subcommands; // name, description
  std::vector<std::pair<std::string, std::string>> options;     // -x / --name, description
  std::vector<std::string> valued;                              // options that take a value
  std::vector<std::pair<std::string, std::string>> values;      // option, the words it takes ("" = files)
  bool takes_assets = false;                                    // a positional ASSET...
};

// The words an option takes: the {a,b,c} of an IsMember check in its type name,
// else the first "a|b|c" list of its description (-o FORMAT, --fail-on LEVEL).
std::string value_words(const CLI::Option* o) {
  std::string type = o->get_type_name();
  size_t open = type.find('{');
  size_t close = type.find('}', open);
  std::string list;
  if (open != std::string::npos && close != std::string::npos) {
    list = type.substr(open + 1, close - open - 1);
    std::replace(list.begin(), list.end(), ',', ' ');
    return list;
  }
  const std::string& d = o->get_description();
  for (size_t i = 0; i < d.size(); ++i) {
    size_t j = i;
    while (j < d.size() && (std::isalnum(static_cast<unsigned char>(d[j])) || d[j] == '-' || d[j] == '|')) {
      ++j;
    }
    std::string run = d.substr(i, j - i);
    if (run.find('|') != std::string::npos && run.front() != '|' && run.back() != '|') {
      std::replace(run.begin(), run.end(), '|', ' ');
      return run;
    }
    i = j;
  }
  return "";
}

// A description short enough for a completion menu: its first clause, at most 72 characters.
std::string brief(const std::string& text) {
  size_t end = text.size();
  for (const char* stop : {". ", ": ", "; ", " ("})
    end = std::min(end, text.find(stop));
  std::string out = text.substr(0, end);
  if (out.size() > 72)
    out = out.substr(0, 69) + "...";
  return out;
}

void collect(const CLI::App& app, const std::string& path, std::vector<CommandNode>& out,
             const std::vector<const CLI::Option*>& inherited) {
  CommandNode node;
  node.path = path;
  std::vector<const CLI::Option*> options = app.get_options([](const CLI::Option* o) { return o->nonpositional(); });
  std::vector<const CLI::Option*> all = options;
  all.insert(all.end(), inherited.begin(), inherited.end()); // the root's options work everywhere (fallthrough)
  for (const CLI::Option* o : all) {
    std::vector<std::string> names;
    for (const std::string& s : o->get_snames())
      names.push_back("-" + s);
    for (const std::string& l : o->get_lnames())
      names.push_back("--" + l);
    for (const std::string& n : names) {
      bool seen = false;
      for (const auto& existing : node.options)
        seen = seen || existing.first == n;
      if (seen)
        continue; // a subcommand's own --help hides the root's
      node.options.emplace_back(n, brief(o->get_description()));
      if (o->get_items_expected_max() > 0) { // flags expect no item
        node.valued.push_back(n);
        node.values.emplace_back(n, value_words(o));
      }
    }
  }
  for (const CLI::Option* o : app.get_options([](const CLI::Option* o) { return o->get_positional(); }))
    node.takes_assets = node.takes_assets || o->get_name() == "ASSET";
  std::vector<const CLI::App*> subs = app.get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); });
  for (const CLI::App* s : subs)
    node.subcommands.emplace_back(s->get_name(), brief(s->get_description()));
  if (path == "help" && app.get_parent()) {
    // `twinctl help <TAB>`: the commands it explains (and so `help drift` completes no further).
    for (const CLI::App* s : app.get_parent()->get_subcommands([](const CLI::App* a) { return !a->get_name().empty(); })) {
      if (s != &app) {
        node.subcommands.emplace_back(s->get_name(), brief(s->get_description()));
      }
    }
  }
  out.push_back(node);
  for (const CLI::App* s : subs)
    collect(*s, path.empty() ? s->get_name() : path + " " + s->get_name(), out,
            path.empty() && inherited.empty() ? options : inherited);
}

std::string join_names(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out;
  for (const auto& [name, desc] : items)
    out += (out.empty() ? "" : " ") + name;
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

// A case statement of `function PATH` → words, shared by both shells.
void emit_case(std::ostream& os, const std::string& fn, const std::vector<CommandNode>& nodes,
               std::string (*words)(const CommandNode&)) {
  os << fn << "() {\n  case \"$1\" in\n";
  for (const CommandNode& n : nodes)
    os << "    \"" << n.path << "\") echo \"" << words(n) << "\" ;;\n";
  os << "  esac\n}\n";
}

std::string subcommand_words(const CommandNode& n) { return join_names(n.subcommands); }

// `_twinctl_values PATH OPTION`: the words the option takes; "@files", "@assets", "@sources" are
// completed by the script (files; ids and names of the twin in the current directory).
void emit_values(std::ostream& os, const std::vector<CommandNode>& nodes) {
  os << "_twinctl_values() {\n  case \"$1 $2\" in\n";
  for (const CommandNode& n : nodes) {
    for (const auto& [opt, words] : n.values) {
      std::string w = words;
      if (opt == "--live") {
        w = "@sources";
      } else if (opt == "--around") {
        w = "@assets";
      }
      if (!w.empty()) {
        os << "    \"" << n.path << " " << opt << "\") echo \"" << w << "\" ;;\n";
      }
    }
    if (n.takes_assets) {
      os << "    \"" << n.path << " ASSET\") echo \"@assets\" ;;\n";
    }
  }
  os << "  esac\n}\n";
}

// Turns _twinctl_values' answer into words: the twin's asset ids or source names
// (`twinctl completion --list assets|sources`, quiet when there is no twin), and files.
// The arguments after the first are the --twin/--repo/--ref of the line being completed,
// so that `twinctl drift --twin plant --live <TAB>` offers the sources of plant/.
const char* k_value_words = R"(_twinctl_words() {
  local what="$1"
  shift
  case "$what" in
    @assets) twinctl completion --list assets "$@" 2>/dev/null ;;
    @sources) twinctl completion --list sources "$@" 2>/dev/null ;;
    *) echo "$what" ;;
  esac
}
)";

// The --twin, --repo and --ref words before the cursor, into the array twin_args.
const char* k_twin_walk = R"(  local -a twin_args
  twin_args=()
  for ((i = FIRST; i + 1 < LAST; i++)); do
    case "${WORDS[i]}" in
      --twin|--repo|--ref) twin_args+=("${WORDS[i]}" "${WORDS[i+1]}") ;;
    esac
  done
)";
std::string option_words(const CommandNode& n) { return join_names(n.options); }
std::string valued_words(const CommandNode& n) { return join(n.valued); }

// The command path of the words before the cursor: the words that name subcommands.
const char* k_path_walk = R"(  local cmdpath="" i w
  for ((i = FIRST; i < LAST; i++)); do
    w="${WORDS[i]}"
    case " $(_twinctl_subcommands "$cmdpath") " in
      *" $w "*) cmdpath="${cmdpath:+$cmdpath }$w" ;;
    esac
  done
)";

std::string path_walk(const std::string& first, const std::string& last, const std::string& words) {
  std::string s = std::string(k_path_walk) + k_twin_walk;
  for (auto [from, to] : {std::pair<std::string, std::string>{"FIRST", first}, {"LAST", last}, {"WORDS", words}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

void write_bash(std::ostream& os, const std::vector<CommandNode>& nodes) {
  os << "# bash completion for twinctl. Generated by `twinctl completion bash`; do not edit.\n";
  emit_case(os, "_twinctl_subcommands", nodes, subcommand_words);
  emit_case(os, "_twinctl_options", nodes, option_words);
  emit_case(os, "_twinctl_valued", nodes, valued_words);
  emit_values(os, nodes);
  os << k_value_words;
  os << "_twinctl() {\n"
     << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" v\n"
     << path_walk("1", "COMP_CWORD", "COMP_WORDS")
     << "  case \" $(_twinctl_valued \"$cmdpath\") \" in\n"
     << "    *\" $prev \"*)\n"
     << "      v=\"$(_twinctl_values \"$cmdpath\" \"$prev\")\"\n"
     << "      compopt -o filenames 2>/dev/null\n"
     << "      if [[ -n $v ]]; then COMPREPLY=($(compgen -W \"$(_twinctl_words \"$v\" \"${twin_args[@]}\")\" -- \"$cur\")); fi\n"
     << "      if [[ -z $v || $v == @sources ]]; then COMPREPLY+=($(compgen -f -- \"$cur\")); fi\n"
     << "      return ;;\n"
     << "  esac\n"
     << "  if [[ $cur == -* ]]; then\n"
     << "    COMPREPLY=($(compgen -W \"$(_twinctl_options \"$cmdpath\")\" -- \"$cur\"))\n"
     << "  else\n"
     << "    COMPREPLY=($(compgen -W \"$(_twinctl_subcommands \"$cmdpath\")\" -- \"$cur\"))\n"
     << "    v=\"$(_twinctl_values \"$cmdpath\" ASSET)\"\n"
     << "    if [[ ${#COMPREPLY[@]} -eq 0 && -n $v ]]; then COMPREPLY=($(compgen -W \"$(_twinctl_words \"$v\" \"${twin_args[@]}\")\" -- \"$cur\")); fi\n"
     << "    if [[ ${#COMPREPLY[@]} -eq 0 ]]; then\n"
     << "      compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))\n"
     << "    fi\n"
     << "  fi\n"
     << "}\n"
     << "complete -F _twinctl twinctl\n";
}

// "name:description" for zsh's _describe: colons in the name are escaped, the
// description is one line.
std::string zsh_item(const std::string& name, const std::string& desc) {
  std::string out;
  for (char c : name) {
    if (c == ':')
      out += '\\';
    out += c;
  }
  out += ':';
  for (char c : desc)
    out += (c == '\n' ? ' ' : c);
  std::string quoted = "'";
  for (char c : out)
    quoted += (c == '\'' ? std::string("'\\''") : std::string(1, c));
  return quoted + "'";
}

void emit_described(std::ostream& os, const std::string& fn, const std::vector<CommandNode>& nodes, bool options) {
  os << fn << "() {\n  case \"$1\" in\n";
  for (const CommandNode& n : nodes) {
    os << "    \"" << n.path << "\") items=(";
    for (const auto& [name, desc] : options ? n.options : n.subcommands)
      os << "\n      " << zsh_item(name, desc);
    os << ") ;;\n";
  }
  os << "  esac\n}\n";
}

void write_zsh(std::ostream& os, const std::vector<CommandNode>& nodes) {
  os << "#compdef twinctl\n# zsh completion for twinctl. Generated by `twinctl completion zsh`; do not edit.\n";
  emit_case(os, "_twinctl_subcommands", nodes, subcommand_words);
  emit_case(os, "_twinctl_valued", nodes, valued_words);
  emit_described(os, "_twinctl_described_subcommands", nodes, false);
  emit_described(os, "_twinctl_described_options", nodes, true);
  emit_values(os, nodes);
  os << k_value_words;
  os << "_twinctl() {\n"
     << path_walk("2", "CURRENT", "words")
     << "  local v\n"
     << "  case \" $(_twinctl_valued \"$cmdpath\") \" in\n"
     << "    *\" ${words[CURRENT-1]} \"*)\n"
     << "      v=\"$(_twinctl_values \"$cmdpath\" \"${words[CURRENT-1]}\")\"\n"
     << "      if [[ -n $v ]]; then compadd -- ${=$(_twinctl_words \"$v\" \"${twin_args[@]}\")}; fi\n"
     << "      if [[ -z $v || $v == @sources ]]; then _files; fi\n"
     << "      return ;;\n"
     << "  esac\n"
     << "  local -a items\n"
     << "  if [[ ${words[CURRENT]} == -* ]]; then\n"
     << "    _twinctl_described_options \"$cmdpath\"\n"
     << "    _describe -t options 'option' items\n"
     << "  else\n"
     << "    _twinctl_described_subcommands \"$cmdpath\"\n"
     << "    v=\"$(_twinctl_values \"$cmdpath\" ASSET)\"\n"
     << "    if (( ${#items} )); then _describe -t commands 'command' items\n"
     << "    elif [[ -n $v ]]; then compadd -- ${=$(_twinctl_words \"$v\" \"${twin_args[@]}\")}\n"
     << "    else _files; fi\n"
     << "  fi\n"
     << "}\n"
     << "_twinctl \"$@\"\n";
}

} // namespace

void register_completion(CLI::App& root, GlobalOptions& /*g*/, int& rc) {
  auto shell = std::make_shared<std::string>();
  CLI::App* sub = root.add_subcommand("completion", "Print the shell completion script for bash or zsh");
  sub->description("Print a completion script for bash or zsh, generated from twinctl's own commands and flags. "
                   "Packages install both (bash-completion and zsh site-functions); load one by hand with "
                   "`source <(twinctl completion bash)`.");
  auto list = std::make_shared<std::string>();
  sub->add_option("shell", *shell, "bash|zsh")->check(CLI::IsMember({"bash", "zsh"}));
  // Used by the scripts to complete values: the asset ids or the source names of the twin found
  // from the current directory; nothing (and exit 0) when there is none.
  sub->add_option("--list", *list, "Print the twin's asset ids or source names (for the scripts)")
      ->check(CLI::IsMember({"assets", "sources"}));
  auto twin = std::make_shared<TwinArgs>();
  add_twin_options(*sub, *twin);
  sub->footer(help_footer("  source <(twinctl completion bash)\n"
                          "  twinctl completion zsh > ~/.zsh/completions/_twinctl\n",
                          "  0  the script was printed\n"
                          "  2  usage error: the shell is neither bash nor zsh\n"));
  CLI::App* app = &root;
  sub->callback([shell, list, twin, app, &rc] {
    rc = k_exit_ok;
    if (!list->empty()) {
      if (loaders::is_remote_url(twin->repo)) {
        return; // never clone on a <TAB>
      }
      try {
        loaders::LoadResult loaded = load_twin(*twin);
        if (*list == "assets") {
          for (const model::Asset& a : loaded.twin.assets)
            std::cout << a.id << "\n";
        } else {
          for (const model::Source& s : loaded.twin.sources)
            std::cout << s.id << "\n";
        }
      } catch (const std::exception&) {
        // no twin here: nothing to offer
      }
      return;
    }
    if (shell->empty())
      throw CLI::RequiredError("shell (bash or zsh)");
    std::vector<CommandNode> nodes;
    collect(*app, "", nodes, {});
    std::ostringstream os;
    if (*shell == "bash")
      write_bash(os, nodes);
    else
      write_zsh(os, nodes);
    std::cout << os.str();
    rc = k_exit_ok;
  });
}

} // namespace twinctl::cmd
