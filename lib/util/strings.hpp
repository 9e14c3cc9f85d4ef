// String helpers that know nothing about twins.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twinctl::util {

// Shell-style glob: '*' any run, '?' one character; everything else literal.
bool glob_match(std::string_view pattern, std::string_view text);
// Levenshtein distance, capped at `limit` + 1 for speed.
size_t edit_distance(std::string_view a, std::string_view b, size_t limit = 8);
// The candidate closest to `word` within a small distance; empty when none is close.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
std::string to_lower(std::string_view s);
std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// "line:column" (1-based, column in bytes) of a byte offset in text; offsets
// past the end count as the end.
std::string line_column(std::string_view text, size_t offset);
// True when s is valid UTF-8.
bool is_utf8(std::string_view s);

} // namespace twinctl::util
