// Large JSON documents written one array element at a time: the text is what
// nlohmann's dump(2) gives for the whole document (keys sorted, same escapes,
// invalid UTF-8 replaced by U+FFFD), but a million findings, affected assets
// or observations are never one DOM nor one string.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::util {

// Where an element goes: as a small DOM, or as text already laid out as
// dump(2) would at an indent of 4 (starting with its '{', without indent).
class JsonElementOut {
public:
  JsonElementOut(std::ostream& out, nlohmann::detail::serializer<nlohmann::json>& s) : m_out(out), m_s(s) {}
  void value(const nlohmann::json& v);
  void text(std::string_view t) { m_out << t; }

private:
  std::ostream& m_out;
  nlohmann::detail::serializer<nlohmann::json>& m_s;
};

// The array at `key` (a top-level key whose value in the document is an empty
// array), written by `element(out, i)` for i < count.
struct StreamedArray {
  std::string key;
  size_t count = 0;
  std::function<void(JsonElementOut&, size_t)> element;
};

// Writes `doc` (an object) as dump(2) plus a final newline, with the streamed
// arrays in place.
void write_json_streamed(std::ostream& out, const nlohmann::json& doc, const std::vector<StreamedArray>& streamed);

} // namespace twinctl::util
