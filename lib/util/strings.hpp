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
// True when s is valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool is_utf8(std::string_view s);
// The length of the valid UTF-8 sequence that starts at s[i], 0 when none does.
size_t utf8_sequence(std::string_view s, size_t i);
// Untrusted text (live data, the twin, server messages) made safe for a human
// format (table, Markdown, GitHub annotations, stderr): control characters
// and line breaks are shown escaped (\n, \r, \t, \x1b), as are C1 controls,
// the Unicode line separators and bidirectional overrides (\u202e) and bytes
// that are not UTF-8 (\xff), so no text can drive the terminal or forge a
// line. Everything else is kept. The one function every human formatter uses;
// JSON, SARIF and HTML keep their own exact escaping.
std::string visible(std::string_view s);
// "1 asset", "3 assets": a count and the word that agrees with it.
std::string plural(long long n, std::string_view one, std::string_view many);

} // namespace twinctl::util
