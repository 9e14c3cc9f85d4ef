#include <catch2/catch.hpp>

#include "lib/loaders/yaml.hpp"
#include "lib/util/error.hpp"

#include <string>

using namespace twinctl;
using loaders::parse_yaml;
using loaders::YamlLimits;
using loaders::YamlNode;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::string k_path = "plant/assets/f.yaml";

// The single document of `text`.
YamlNode doc_of(std::string_view text, const YamlLimits& limits = {}) {
  std::vector<YamlNode> docs = parse_yaml(text, k_path, limits);
  REQUIRE(docs.size() == 1);
  return docs[0];
}

// The message of the twinctl::Error parse_yaml throws; "" when it parses.
std::string error_of(std::string_view text, const YamlLimits& limits = {}) {
  try {
    parse_yaml(text, k_path, limits);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The value of `key` in a mapping node; fails the test when absent.
const YamlNode& at(const YamlNode& map, const std::string& key) {
  REQUIRE(map.is_map());
  for (size_t i = 0; i + 1 < map.children.size(); i += 2) {
    if (map.children[i].value == key) {
      return map.children[i + 1];
    }
  }
  FAIL("no key '" << key << "'");
  return map;
}

// "ten levels of ten aliases": 10^levels scalars if expanded naively.
std::string alias_bomb(int levels) {
  std::string s = "l0: &l0 [lol]\n";
  for (int i = 1; i <= levels; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    s += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) {
      s += ", " + prev;
    }
    s += "]\n";
  }
  return s;
}

} // namespace

TEST_CASE("loaders::parse_yaml", "[loaders]") {
  SECTION("node kinds, and mappings as key, value, key, value") {
    YamlNode d = doc_of("name: press\ntags: [a, b]\nexpected:\n  status: running\nnothing:\n");
    CHECK(d.is_map());
    REQUIRE(d.children.size() == 8);
    CHECK(d.children[0].value == "name");
    CHECK(d.children[0].is_scalar());
    CHECK(at(d, "name").is_scalar());
    CHECK(at(d, "name").value == "press");
    const YamlNode& tags = at(d, "tags");
    REQUIRE(tags.is_seq());
    REQUIRE(tags.children.size() == 2);
    CHECK(tags.children[1].value == "b");
    CHECK(at(at(d, "expected"), "status").value == "running");
    CHECK(at(d, "nothing").is_null());
    CHECK(std::string(d.kind_name()) == "a mapping");
    CHECK(std::string(tags.kind_name()) == "a list");
    CHECK(std::string(tags.children[0].kind_name()) == "a scalar");
    CHECK(std::string(at(d, "nothing").kind_name()) == "null");
  }

  SECTION("lines and columns are 1-based and point at each node") {
    YamlNode d = doc_of("a: 1\nlist:\n  - x\n  - {k: v}\n");
    CHECK(d.line == 1);
    CHECK(d.column == 1);
    CHECK(d.children[0].line == 1);
    CHECK(d.children[0].column == 1);
    CHECK(d.children[1].line == 1);
    CHECK(d.children[1].column == 4);
    CHECK(d.children[2].line == 2); // the key "list"
    CHECK(d.children[2].column == 1);
    const YamlNode& list = at(d, "list");
    CHECK(list.line == 3);
    CHECK(list.column == 3);
    REQUIRE(list.children.size() == 2);
    CHECK(list.children[0].line == 3);
    CHECK(list.children[0].column == 5);
    const YamlNode& flow = list.children[1];
    CHECK(flow.is_map());
    CHECK(flow.line == 4);
    CHECK(flow.column == 5);
    CHECK(flow.children[0].column == 6); // k
    CHECK(flow.children[1].column == 9); // v
  }

  SECTION("plain and quoted scalars") {
    YamlNode d = doc_of("a: x\nb: \"x\"\nc: 'x'\nd: |\n  block\ne: \"4.12.3\"\n");
    CHECK(at(d, "a").plain);
    CHECK_FALSE(at(d, "b").plain);
    CHECK_FALSE(at(d, "c").plain);
    CHECK_FALSE(at(d, "d").plain);
    CHECK(at(d, "b").value == "x");
    CHECK(at(d, "d").value == "block\n");
    CHECK(at(d, "e").value == "4.12.3");
  }

  SECTION("null forms: only plain ones are null") {
    for (const char* text : {"a:\n", "a: ~\n", "a: null\n", "a: Null\n", "a: NULL\n", "a: ''\n"}) {
      INFO(text);
      YamlNode d = doc_of(text);
      bool quoted = std::string(text).find('\'') != std::string::npos;
      CHECK(at(d, "a").is_null() == !quoted);
    }
    for (const char* text : {"a: \"null\"\n", "a: '~'\n", "a: nULL\n", "a: none\n"}) {
      INFO(text);
      YamlNode d = doc_of(text);
      CHECK(at(d, "a").is_scalar());
    }
    YamlNode seq = doc_of("- \n- x\n");
    REQUIRE(seq.children.size() == 2);
    CHECK(seq.children[0].is_null());
  }

  SECTION("every document is kept; empty ones as null") {
    std::vector<YamlNode> docs = parse_yaml("a: 1\n---\n---\nb: 2\n", k_path);
    REQUIRE(docs.size() == 3);
    CHECK(docs[0].is_map());
    CHECK(docs[1].is_null());
    CHECK(docs[2].is_map());
    CHECK(docs[2].line == 4);
    CHECK(parse_yaml("", k_path).empty());
    CHECK(parse_yaml("# only a comment\n", k_path).empty());
  }

  SECTION("anchors and aliases within the budget are expanded where the alias is") {
    YamlNode d = doc_of("base: &b {vendor: Siemens, tags: [x, y]}\ncopy: *b\nname: &n Press\nalso: *n\n");
    const YamlNode& copy = at(d, "copy");
    REQUIRE(copy.is_map());
    CHECK(at(copy, "vendor").value == "Siemens");
    CHECK(at(copy, "tags").children.size() == 2);
    CHECK(copy.line == 2);
    CHECK(copy.column == 7);
    CHECK(at(d, "also").value == "Press");
    CHECK(at(d, "also").plain);
    CHECK(at(d, "also").line == 4);
  }

  SECTION("an alias before its anchor, or from another document, is an error") {
    CHECK(error_of("a: *nope\n") == k_path + ":1:4: unknown YAML alias '*nope'");
    CHECK(error_of("a: &x 1\n---\nb: *x\n") == k_path + ":3:4: unknown YAML alias '*x'");
    // An anchored list cannot contain itself: the anchor exists once the list is closed.
    CHECK_THAT(error_of("a: &x [*x]\n"), StartsWith(k_path + ":1:8: unknown YAML alias"));
  }

  SECTION("the nesting limit") {
    YamlLimits limits;
    limits.max_depth = 3;
    CHECK(error_of("a: {b: {c: 1}}\n", limits).empty());
    CHECK(error_of("a: {b: {c: {d: 1}}}\n", limits) == k_path + ":1:12: nesting deeper than 3 levels");
    CHECK(error_of("a:\n  b:\n    - - x\n", limits) == k_path + ":3:7: nesting deeper than 3 levels");
    // The default: 200 levels of [ fail fast, at the 64th level.
    std::string deep = "a: " + std::string(200, '[') + "x" + std::string(200, ']') + "\n";
    CHECK_THAT(error_of(deep), StartsWith(k_path + ":1:67: nesting deeper than 64 levels"));
  }

  SECTION("the scalar size limit") {
    YamlLimits limits;
    limits.max_scalar_bytes = 8;
    CHECK(error_of("a: 12345678\n", limits).empty());
    CHECK(error_of("a: 123456789\n", limits) == k_path + ":1:4: a scalar of 9 bytes is larger than the limit of 8");
    CHECK_THAT(error_of("long_key_x: 1\n", limits), StartsWith(k_path + ":1:1: a scalar of 10 bytes"));
    std::string big = "a: " + std::string(YamlLimits{}.max_scalar_bytes + 1, 'x') + "\n";
    CHECK_THAT(error_of(big), StartsWith(k_path + ":1:4: a scalar of 1048577 bytes"));
  }

  SECTION("the alias expansion limit") {
    YamlLimits limits;
    limits.max_alias_nodes = 10;
    // The anchored list counts 4 nodes, and each alias of it 4 more.
    CHECK(error_of("a: &x [1, 2, 3]\nb: *x\n", limits).empty());
    CHECK_THAT(error_of("a: &x [1, 2, 3]\nb: *x\nc: *x\n", limits),
               StartsWith(k_path + ":3:4: ") && Contains("alias bomb"));
    // Billion laughs with the default limit: an error, quickly, at a location.
    CHECK_THAT(error_of(alias_bomb(10)), StartsWith(k_path + ":") && Contains("alias bomb"));
    CHECK_THAT(error_of(alias_bomb(30)), StartsWith(k_path + ":") && Contains("alias bomb"));
  }

  SECTION("the alias byte budget: few nodes can still be many bytes") {
    YamlLimits limits;
    limits.max_expanded_bytes = 22;
    // "name" + "hello" + "also" + the 5 bytes the alias copies = 18: fits.
    CHECK(error_of("name: &n hello\nalso: *n\n", limits).empty());
    // "more" makes 22, the second alias 27 > 22: the error is at the second alias.
    CHECK(error_of("name: &n hello\nalso: *n\nmore: *n\n", limits) ==
          k_path + ":3:7: YAML aliases expand the file to more than 22 bytes (an alias bomb?)");
    // A collection's alias costs all its scalars: 14 + 12 = 26.
    CHECK_THAT(error_of("l: &l [abcdef, ghijkl]\nm: *l\n", limits), StartsWith(k_path + ":2:4: "));
    // The default: a 1 MiB scalar aliased 100 times stops at 64 MiB (the 63rd alias, line 65),
    // before that copy is made.
    std::string big = "a: &a " + std::string(YamlLimits{}.max_scalar_bytes, 'x') + "\nb:\n";
    for (int i = 0; i < 100; ++i) {
      big += "  - *a\n";
    }
    CHECK_THAT(error_of(big), StartsWith(k_path + ":65:5: ") && Contains("more than 64 MiB"));
  }

  SECTION("syntax errors carry path:line:column") {
    CHECK_THAT(error_of("a: [1, 2\nb: 3\n"), StartsWith(k_path + ":2:2: did not find expected ',' or ']'"));
    CHECK_THAT(error_of("a: b: c\n"), StartsWith(k_path + ":1:5: mapping values are not allowed"));
    CHECK_THAT(error_of("a: \"open\nb: 1\n"), StartsWith(k_path + ":3:1: found unexpected end of stream"));
  }

  SECTION("a tab in the indentation is named as such") {
    std::string e = error_of("a:\n\tb: 1\n");
    CHECK_THAT(e, StartsWith(k_path + ":2:1: "));
    CHECK_THAT(e, Contains("a tab: YAML indentation must use spaces"));
  }

  SECTION("a tab after non-ASCII text is named as such too") {
    // libyaml's mark index counts characters, not bytes: the hint must not depend on it.
    std::string e = error_of("name: Grüße Straße\nexpected:\n\tstatus: running\n");
    CHECK_THAT(e, StartsWith(k_path + ":3:1: "));
    CHECK_THAT(e, Contains("a tab: YAML indentation must use spaces"));
  }

  SECTION("bytes that are not UTF-8 are located at the bad byte") {
    CHECK(error_of("a: ok\nname: M\xfcller\n") ==
          k_path + ":2:8: the file is not valid UTF-8 (invalid leading UTF-8 octet)");
    CHECK_THAT(error_of("a: \xe2\x82"), StartsWith(k_path + ":1:4: the file is not valid UTF-8"));
  }
}
