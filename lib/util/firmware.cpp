#include "lib/util/firmware.hpp"

#include <algorithm>
#include <cstddef>

namespace twinctl::util {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Letters are every byte that is not a digit, ASCII punctuation, a control
// character or a space, so non-ASCII text stays part of a token.
bool is_letter(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string strip_zeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') {
    ++i;
  }
  return std::string(digits.substr(i));
}

// <0, 0, >0 for two digit strings without leading zeros (any length).
int compare_numbers(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

bool is_number(const std::string& t) { return !t.empty() && is_digit(t[0]); }

// Release numbers without trailing zeros: 4.2.0 and 4.2 are one release.
std::vector<std::string> significant(const std::vector<std::string>& release) {
  std::vector<std::string> out = release;
  while (!out.empty() && out.back() == "0") {
    out.pop_back();
  }
  return out;
}

// The letters of a token list with the numbers blanked: same shape = comparable.
std::vector<std::string> shape(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  for (const std::string& t : tokens) {
    out.push_back(is_number(t) ? "#" : t);
  }
  return out;
}

} // namespace

Firmware parse_firmware(std::string_view s) {
  if (size_t plus = s.find('+'); plus != std::string_view::npos && plus > 0) {
    s = s.substr(0, plus); // build metadata
  }
  std::vector<std::string> tokens;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    if (is_digit(s[i])) {
      while (i < s.size() && is_digit(s[i])) {
        ++i;
      }
      tokens.push_back(strip_zeros(s.substr(start, i - start)));
    } else if (is_letter(s[i])) {
      std::string word;
      while (i < s.size() && is_letter(s[i])) {
        word += lower(s[i++]);
      }
      tokens.push_back(std::move(word));
    } else {
      ++i;
    }
  }
  Firmware f;
  size_t i = 0;
  if (i < tokens.size() && !is_number(tokens[i])) {
    if (i + 1 < tokens.size() && is_number(tokens[i + 1])) {
      f.prefix = tokens[i] == "v" ? "" : tokens[i];
      ++i;
    }
  }
  if (i < tokens.size() && is_number(tokens[i])) {
    while (i < tokens.size() && is_number(tokens[i])) {
      f.release.push_back(tokens[i++]);
    }
  } else {
    i = 0; // no release: every token is the rest
    f.prefix.clear();
  }
  f.rest.assign(tokens.begin() + static_cast<std::ptrdiff_t>(i), tokens.end());

  // Canonical text: prefix, release joined by '.', then the rest after '-'
  // (letters and numbers run together, "sp14"; two numbers or two words with '.').
  std::string text = f.prefix;
  for (size_t k = 0; k < f.release.size(); ++k) {
    text += (k ? "." : "") + f.release[k];
  }
  for (size_t k = 0; k < f.rest.size(); ++k) {
    bool same_kind = k > 0 && is_number(f.rest[k]) == is_number(f.rest[k - 1]);
    text += (k == 0 ? (text.empty() ? "" : "-") : same_kind ? "." : "") + f.rest[k];
  }
  if (tokens.empty()) {
    // Only separators: the text itself, trimmed, is all there is to compare.
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    text = b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
  }
  f.text = std::move(text);
  return f;
}

FirmwareOrder compare_firmware(const Firmware& a, const Firmware& b) {
  std::vector<std::string> ra = significant(a.release);
  std::vector<std::string> rb = significant(b.release);
  if (a.prefix == b.prefix && ra == rb && a.rest == b.rest) {
    return a.release.empty() && b.release.empty() && a.text != b.text ? FirmwareOrder::unordered
                                                                        : FirmwareOrder::equal;
  }
  if (a.release.empty() || b.release.empty() || a.prefix != b.prefix) {
    return FirmwareOrder::unordered;
  }
  size_t n = std::max(ra.size(), rb.size());
  for (size_t k = 0; k < n; ++k) {
    int c = compare_numbers(k < ra.size() ? ra[k] : "0", k < rb.size() ? rb[k] : "0");
    if (c != 0) {
      return c < 0 ? FirmwareOrder::behind : FirmwareOrder::ahead;
    }
  }
  // The same release: suffixes of the same shape compare by their numbers.
  if (!a.rest.empty() && shape(a.rest) == shape(b.rest)) {
    for (size_t k = 0; k < a.rest.size(); ++k) {
      if (is_number(a.rest[k])) {
        int c = compare_numbers(a.rest[k], b.rest[k]);
        if (c != 0) {
          return c < 0 ? FirmwareOrder::behind : FirmwareOrder::ahead;
        }
      }
    }
  }
  return FirmwareOrder::different_build;
}

const char* to_string(FirmwareOrder o) {
  switch (o) {
  case FirmwareOrder::equal:
    return "equal";
  case FirmwareOrder::behind:
    return "behind";
  case FirmwareOrder::ahead:
    return "ahead";
  case FirmwareOrder::different_build:
    return "different build";
  case FirmwareOrder::unordered:
    return "different";
  }
  return "different";
}

} // namespace twinctl::util
