// Formatters of `twinctl history`: one per format, rendering a HistoryView.
#pragma once

#include "lib/history/rows.hpp"

#include <ostream>

namespace twinctl::output {

void write_history_table(std::ostream& out, const history::HistoryView& v);
// The JSON document of schemas/history.schema.json.
void write_history_json(std::ostream& out, const history::HistoryView& v);

} // namespace twinctl::output
