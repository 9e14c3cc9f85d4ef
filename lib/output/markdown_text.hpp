// Text inside a GitHub-flavoured Markdown table cell, shared by every Markdown
// formatter (drift/validate, audit, report).
#pragma once

#include <string>
#include <string_view>

namespace twinctl::output {

enum class LineBreaks { html_br, space };

// HTML entities for < > &, a backslash before Markdown syntax (\ ` * _ [ ] ~ | #),
// line breaks as <br> or a space, carriage returns dropped: the text shows as
// itself and cannot end the cell, the row or the table.
std::string markdown_text(std::string_view s, LineBreaks breaks);

} // namespace twinctl::output
