#include "lib/live/formats/json_doc.hpp"

#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <set>

namespace twinctl::live::detail {

namespace {

// ---------------------------------------------------------------------------
// Locations: nlohmann keeps no positions, so on an error we parse once more
// with the SAX interface and an iterator that tells how far the lexer got.
// The happy path pays nothing.
// ---------------------------------------------------------------------------
struct CountingIter {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char** last = nullptr; // shared: the furthest character read

  reference operator*() const { return *p; }
  CountingIter& operator++() {
    ++p;
    *last = p;
    return *this;
  }
  CountingIter operator++(int) {
    CountingIter old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIter& o) const { return p == o.p; }
  bool operator!=(const CountingIter& o) const { return p != o.p; }
};

// Offset where the scalar token that ends before `end` starts (the lexer may
// have read one character past a number).
size_t token_start(std::string_view text, size_t end) {
  size_t i = std::min(end, text.size());
  while (i > 0 && (std::isspace(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == ',' || text[i - 1] == ':' ||
                   text[i - 1] == ']' || text[i - 1] == '}')) {
    --i;
  }
  if (i == 0) {
    return 0;
  }
  if (text[i - 1] == '"') {
    for (size_t j = i - 1; j-- > 0;) {
      if (text[j] == '"') {
        size_t backslashes = 0;
        while (backslashes < j && text[j - 1 - backslashes] == '\\') {
          ++backslashes;
        }
        if (backslashes % 2 == 0) {
          return j;
        }
      }
    }
    return 0;
  }
  while (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '-' || text[i - 1] == '+' ||
                   text[i - 1] == '.')) {
    --i;
  }
  return i;
}

// SAX handler that stops at the value whose path is `target`.
class Locator {
public:
  Locator(const Path& target, const char* base, const char* const* last)
      : m_target(target), m_base(base), m_last(last) {}

  bool null() { return scalar(); }
  bool boolean(bool) { return scalar(); }
  bool number_integer(json::number_integer_t) { return scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return scalar(); }
  bool number_float(json::number_float_t, const std::string&) { return scalar(); }
  bool string(std::string&) { return scalar(); }
  bool binary(json::binary_t&) { return scalar(); }
  bool start_object(std::size_t) { return open(false); }
  bool key(std::string& k) {
    m_stack.back().key = k;
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(true); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

  std::optional<size_t> found;

private:
  struct Frame {
    bool array = false;
    size_t index = 0;
    std::string key;
  };
  size_t consumed() const { return static_cast<size_t>(*m_last - m_base); }
  bool here() const {
    if (m_stack.size() != m_target.size()) {
      return false;
    }
    for (size_t i = 0; i < m_stack.size(); ++i) {
      const Frame& f = m_stack[i];
      if ((f.array ? std::to_string(f.index) : f.key) != m_target[i]) {
        return false;
      }
    }
    return true;
  }
  void advance() {
    if (!m_stack.empty() && m_stack.back().array) {
      ++m_stack.back().index;
    }
  }
  bool scalar() {
    if (here()) {
      found = token_start(std::string_view(m_base, consumed()), consumed());
      return false;
    }
    advance();
    return true;
  }
  bool open(bool array) {
    if (here()) {
      found = consumed() > 0 ? consumed() - 1 : 0; // the '{' or '[' just read
      return false;
    }
    m_stack.push_back({array, 0, {}});
    return true;
  }
  bool close() {
    m_stack.pop_back();
    advance();
    return true;
  }

  const Path& m_target;
  const char* m_base;
  const char* const* m_last;
  std::vector<Frame> m_stack;
};

// SAX handler that only records the first syntax error and where it is.
struct SyntaxErrorFinder {
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    offset = position > 0 ? position - 1 : 0;
    message = e.what();
    return false;
  }
  std::optional<size_t> offset;
  std::string message;
};

// The keys an object of valid JSON `text` holds, all objects together: a string followed by ':'.
size_t count_keys(std::string_view text) {
  size_t keys = 0;
  bool after_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        i += text[i] == '\\' ? 1 : 0;
      }
      after_string = true;
    } else if (c == ':' && after_string) {
      ++keys;
      after_string = false;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      after_string = false;
    }
  }
  return keys;
}

size_t count_members(const json& j) {
  size_t n = 0;
  if (j.is_object()) {
    n += j.size();
  }
  if (j.is_structured()) {
    for (const json& v : j) {
      n += count_members(v);
    }
  }
  return n;
}

// SAX handler that stops at the first key repeated within one object (the
// syntax-error finder's handlers for the rest: the text is valid JSON).
struct DuplicateKeyFinder : SyntaxErrorFinder {
  DuplicateKeyFinder(const char* b, const char* const* l) : base(b), last(l) {}
  bool start_object(std::size_t) {
    keys.emplace_back();
    return true;
  }
  bool key(std::string& k) {
    if (!keys.back().insert(k).second) {
      size_t consumed = static_cast<size_t>(*last - base);
      duplicate_at = token_start(std::string_view(base, consumed), consumed);
      name = k;
      return false;
    }
    return true;
  }
  bool end_object() {
    keys.pop_back();
    return true;
  }

  const char* base;
  const char* const* last;
  std::vector<std::set<std::string>> keys;
  std::optional<size_t> duplicate_at;
  std::string name;
};

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> "syntax error ..."
std::string strip_nlohmann_prefix(std::string msg) {
  size_t col = msg.find("column ");
  size_t colon = msg.find(": ", col == std::string::npos ? 0 : col);
  if (colon != std::string::npos) {
    return msg.substr(colon + 2);
  }
  if (size_t bracket = msg.find("] "); bracket != std::string::npos) {
    return msg.substr(bracket + 2);
  }
  return msg;
}

} // namespace

// Offset of the first '{'/'[' nested deeper than `limit`, else npos.
size_t too_deep_at(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) {
        return i;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

void Doc::parse() {
  if (size_t deep = too_deep_at(m_text, k_max_depth); deep != std::string_view::npos) {
    fail_at(deep, "JSON nested deeper than " + std::to_string(k_max_depth) + " levels");
  }
  try {
    m_root = json::parse(m_text);
  } catch (const json::exception&) {
    // parse_error carries a byte offset, number overflow does not: the SAX
    // pass finds both.
    const char* last = m_text.data();
    SyntaxErrorFinder finder;
    json::sax_parse(CountingIter{m_text.data(), &last}, CountingIter{m_text.data() + m_text.size(), &last}, &finder);
    fail_at(finder.offset.value_or(0), "invalid JSON: " + strip_nlohmann_prefix(finder.message));
  }
  // nlohmann keeps the last of repeated keys. Each repeat makes the document one member
  // short of the keys in the text; only then is it looked for (the happy path pays a scan).
  if (count_members(m_root) != count_keys(m_text)) {
    const char* last = m_text.data();
    DuplicateKeyFinder finder(m_text.data(), &last);
    json::sax_parse(CountingIter{m_text.data(), &last}, CountingIter{m_text.data() + m_text.size(), &last}, &finder);
    if (finder.duplicate_at) {
      fail_at(*finder.duplicate_at, "duplicate key \"" + util::visible(finder.name) +
                                  "\" in one object (JSON keys must be unique: which value was meant?)");
    }
  }
}

void Doc::fail_at(size_t offset, const std::string& message) const {
  throw Error(m_path + ":" + util::line_column(m_text, offset) + ": " + message);
}

void Doc::fail(const Path& where, const std::string& message) const {
  if (m_in_memory) {
    fail_in_memory(where, message);
  }
  Path target = where;
  while (true) {
    const char* last = m_text.data();
    Locator loc(target, m_text.data(), &last);
    json::sax_parse(CountingIter{m_text.data(), &last}, CountingIter{m_text.data() + m_text.size(), &last}, &loc);
    if (loc.found || target.empty()) {
      fail_at(loc.found.value_or(0), message);
    }
    target.pop_back();
  }
}

void Doc::fail_in_memory(const Path& where, const std::string& message) const {
  std::string at = where.empty() ? std::string() : where[0];
  if (where.size() > 1) {
    at += ", at /" + util::join(std::vector<std::string>(where.begin() + 1, where.end()), "/");
  }
  throw Error(at.empty() ? message : at + ": " + message);
}

Path at(Path p, std::string token) {
  p.push_back(std::move(token));
  return p;
}

std::string describe(const json& v) {
  switch (v.type()) {
  case json::value_t::object:
    return "an object";
  case json::value_t::array:
    return "an array";
  case json::value_t::string:
    return "a string";
  case json::value_t::boolean:
    return "a boolean";
  case json::value_t::null:
    return "null";
  default:
    return "a number";
  }
}

static bool is_kind(const json& v, Kind k) {
  switch (k) {
  case Kind::object:
    return v.is_object();
  case Kind::array:
    return v.is_array();
  case Kind::string:
    return v.is_string();
  case Kind::boolean:
    return v.is_boolean();
  case Kind::integer:
    return v.is_number_integer();
  case Kind::any:
    return true;
  }
  return false;
}

static const char* kind_name(Kind k) {
  switch (k) {
  case Kind::object:
    return "an object";
  case Kind::array:
    return "an array";
  case Kind::string:
    return "a string";
  case Kind::boolean:
    return "a boolean";
  case Kind::integer:
    return "an integer";
  case Kind::any:
    return "a value";
  }
  return "a value";
}

const json* member(const Doc& d, const json& obj, const Path& where, const std::string& key, Kind k, int need) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (need & k_required) {
      d.fail(where, "missing '" + key + "'");
    }
    return nullptr;
  }
  if (it->is_null() && (need & k_nullable)) {
    return nullptr;
  }
  if (!is_kind(*it, k)) {
    d.fail(at(where, key), "'" + key + "' must be " + kind_name(k) + ", not " + describe(*it));
  }
  return &*it;
}

std::string required_string(const Doc& d, const json& obj, const Path& where, const std::string& key) {
  const std::string& s = member(d, obj, where, key, Kind::string, k_required)->get_ref<const std::string&>();
  if (s.empty()) {
    d.fail(at(where, key), "'" + key + "' must not be empty");
  }
  return s;
}

void check_keys(const Doc& d, const json& obj, const Path& where, std::initializer_list<std::string_view> allowed) {
  for (const auto& item : obj.items()) {
    bool ok = false;
    for (std::string_view a : allowed) {
      ok = ok || item.key() == a;
    }
    if (!ok) {
      d.fail(at(where, item.key()), "unknown key '" + item.key() + "'");
    }
  }
}

} // namespace twinctl::live::detail
