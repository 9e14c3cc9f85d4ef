#include "lib/output/markdown_text.hpp"

#include "lib/util/strings.hpp"

namespace twinctl::output {

std::string markdown_text(std::string_view raw) {
  std::string s = util::visible(raw);
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '~':
    case '|':
    case '#':
      out += '\\';
      out += c;
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace twinctl::output
