// Text inside a GitHub-flavoured Markdown table cell, shared by every Markdown
// formatter (drift/validate, audit, report).
#pragma once

#include <string>
#include <string_view>

namespace twinctl::output {

// Control characters and line breaks shown escaped by util::visible (\x1b, \n),
// then HTML entities for < > &, a backslash before Markdown syntax
// (\ ` * _ [ ] ~ | #): the text shows as itself, cannot end the cell, the row or
// the table, and sends nothing to a terminal that prints the file.
std::string markdown_text(std::string_view s);

} // namespace twinctl::output
