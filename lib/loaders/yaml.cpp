#include "lib/loaders/yaml.hpp"

#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <yaml.h>

#include <algorithm>
#include <map>
#include <memory>

namespace twinctl::loaders {

const char* YamlNode::kind_name() const {
  switch (kind) {
  case Kind::null:
    return "null";
  case Kind::scalar:
    return "a scalar";
  case Kind::mapping:
    return "a mapping";
  case Kind::sequence:
    return "a list";
  }
  return "?";
}

namespace {

struct Parser {
  yaml_parser_t p;
  Parser() { yaml_parser_initialize(&p); }
  ~Parser() { yaml_parser_delete(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t e;
  bool live = false;
  ~Event() {
    if (live) {
      yaml_event_delete(&e);
    }
  }
};

// What an alias of a node costs: the nodes and the scalar bytes it copies.
struct Cost {
  size_t nodes = 0;
  size_t bytes = 0;
};

Cost cost_of(const YamlNode& n) {
  Cost c{1, n.value.size()};
  for (const YamlNode& k : n.children) {
    Cost k_cost = cost_of(k);
    c.nodes += k_cost.nodes;
    c.bytes += k_cost.bytes;
  }
  return c;
}

std::string size_text(size_t bytes) {
  return bytes % (1 << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

struct Anchor {
  YamlNode node;
  Cost cost; // measured once, when the anchor is defined
};

[[noreturn]] void fail(const std::string& path, int line, int column, const std::string& msg) {
  throw Error(path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + msg);
}

[[noreturn]] void fail_parser(const yaml_parser_t& p, std::string_view text, const std::string& path) {
  int line = 0, column = 0;
  std::string msg = p.problem ? p.problem : "YAML syntax error";
  if (p.error == YAML_READER_ERROR) {
    std::string lc = util::line_column(text, p.problem_offset);
    line = std::stoi(lc);
    column = std::stoi(lc.substr(lc.find(':') + 1));
    if (msg.find("UTF-8") != std::string::npos || msg.find("utf-8") != std::string::npos) {
      msg = "the file is not valid UTF-8 (" + msg + ")";
    }
  } else {
    line = static_cast<int>(p.problem_mark.line) + 1;
    column = static_cast<int>(p.problem_mark.column) + 1;
    if (p.context) {
      msg += std::string(" ") + p.context;
    }
    // libyaml's index counts characters, not bytes: find the line and look at its indentation.
    size_t start = 0;
    for (int l = 1; l < line && start != std::string_view::npos; ++l) {
      start = text.find('\n', start);
      start = start == std::string_view::npos ? start : start + 1;
    }
    if (start != std::string_view::npos) {
      size_t end = text.find_first_not_of(" \t", start);
      std::string_view indent = text.substr(start, (end == std::string_view::npos ? text.size() : end) - start);
      if (indent.find('\t') != std::string_view::npos) {
        msg += " (a tab: YAML indentation must use spaces)";
      }
    }
  }
  fail(path, line, column, msg);
}

} // namespace

std::vector<YamlNode> parse_yaml(std::string_view text, const std::string& path, const YamlLimits& limits) {
  Parser parser;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text.data()), text.size());

  std::vector<YamlNode> docs;
  std::vector<YamlNode*> stack; // open collections; pointers stay valid (only the top grows)
  std::map<std::string, Anchor> anchors;
  size_t alias_nodes = 0;
  size_t expanded_bytes = 0; // scalar bytes of the file with its aliases expanded
  auto add_bytes = [&](size_t bytes, int line, int column) {
    expanded_bytes += bytes;
    if (expanded_bytes > limits.max_expanded_bytes) {
      fail(path, line, column,
           "YAML aliases expand the file to more than " + size_text(limits.max_expanded_bytes) +
               " (an alias bomb?)");
    }
  };

  // Adds a finished node to the open collection (or as a document root) and returns it.
  auto attach = [&](YamlNode&& node) -> YamlNode* {
    if (stack.empty()) {
      docs.back() = std::move(node);
      return &docs.back();
    }
    stack.back()->children.push_back(std::move(node));
    return &stack.back()->children.back();
  };
  auto remember = [&](const unsigned char* anchor, const YamlNode& node) {
    if (anchor) {
      Cost cost = cost_of(node);
      alias_nodes += cost.nodes;
      if (alias_nodes > limits.max_alias_nodes) {
        fail(path, node.line, node.column, "YAML anchors and aliases expand to too many nodes (an alias bomb?)");
      }
      anchors[reinterpret_cast<const char*>(anchor)] = Anchor{node, cost};
    }
  };
  // Anchors of open collections, remembered when they close.
  std::vector<std::string> open_anchor_names;

  while (true) {
    Event ev;
    if (!yaml_parser_parse(&parser.p, &ev.e)) {
      fail_parser(parser.p, text, path);
    }
    ev.live = true;
    const yaml_mark_t& m = ev.e.start_mark;
    int line = static_cast<int>(m.line) + 1;
    int column = static_cast<int>(m.column) + 1;
    switch (ev.e.type) {
    case YAML_STREAM_END_EVENT:
      return docs;
    case YAML_DOCUMENT_START_EVENT: {
      YamlNode empty;
      empty.line = line;
      empty.column = column;
      docs.push_back(std::move(empty));
      anchors.clear();
      break;
    }
    case YAML_SCALAR_EVENT: {
      YamlNode n;
      n.line = line;
      n.column = column;
      if (ev.e.data.scalar.length > limits.max_scalar_bytes) {
        fail(path, line, column,
             "a scalar of " + std::to_string(ev.e.data.scalar.length) + " bytes is larger than the limit of " +
                 std::to_string(limits.max_scalar_bytes));
      }
      add_bytes(ev.e.data.scalar.length, line, column);
      n.value.assign(reinterpret_cast<const char*>(ev.e.data.scalar.value), ev.e.data.scalar.length);
      n.plain = ev.e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      bool is_null = n.plain && (n.value.empty() || n.value == "~" || n.value == "null" ||
                                 n.value == "Null" || n.value == "NULL");
      n.kind = is_null ? YamlNode::Kind::null : YamlNode::Kind::scalar;
      YamlNode* placed = attach(std::move(n));
      remember(ev.e.data.scalar.anchor, *placed);
      break;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
      if (stack.size() + 1 > limits.max_depth) {
        fail(path, line, column,
             "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
      }
      YamlNode n;
      n.line = line;
      n.column = column;
      bool seq = ev.e.type == YAML_SEQUENCE_START_EVENT;
      n.kind = seq ? YamlNode::Kind::sequence : YamlNode::Kind::mapping;
      // Most twin mappings have a handful of keys: one allocation instead of growing 1, 2, 4, 8...
      n.children.reserve(seq ? 4 : 16);
      const unsigned char* anchor = seq ? ev.e.data.sequence_start.anchor : ev.e.data.mapping_start.anchor;
      stack.push_back(attach(std::move(n)));
      open_anchor_names.push_back(anchor ? reinterpret_cast<const char*>(anchor) : "");
      break;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
      YamlNode* done = stack.back();
      stack.pop_back();
      std::string anchor = std::move(open_anchor_names.back());
      open_anchor_names.pop_back();
      if (!anchor.empty()) {
        remember(reinterpret_cast<const unsigned char*>(anchor.c_str()), *done);
      }
      break;
    }
    case YAML_ALIAS_EVENT: {
      std::string name = reinterpret_cast<const char*>(ev.e.data.alias.anchor);
      auto it = anchors.find(name);
      if (it == anchors.end()) {
        fail(path, line, column, "unknown YAML alias '*" + name + "'");
      }
      alias_nodes += it->second.cost.nodes;
      if (alias_nodes > limits.max_alias_nodes) {
        fail(path, line, column, "YAML aliases expand to too many nodes (an alias bomb?)");
      }
      add_bytes(it->second.cost.bytes, line, column); // before the copy is made
      YamlNode copy = it->second.node;
      copy.line = line;
      copy.column = column;
      attach(std::move(copy));
      break;
    }
    default:
      break;
    }
  }
}

} // namespace twinctl::loaders
