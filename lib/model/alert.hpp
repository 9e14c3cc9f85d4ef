// An alert event, one line of the JSONL stream `replay` writes and `rca
// --alerts` reads (schemas/alert.schema.json). Alerts are
// events: `raise` opens one, `clear` closes it.
#pragma once

#include <optional>
#include <string>

namespace twinctl::model {

struct Alert {
  std::string ts;       // RFC 3339
  std::string asset;    // asset id
  std::string sensor;   // sensor id or type; may be empty (asset-level detectors)
  std::string detector; // threshold, range, zscore, ewma, rate, stuck, gap, quality, ...
  std::string event;    // raise | clear
  std::string severity; // critical | warning | info
  std::optional<double> value;
  std::string message;
  int line = 0; // line in the file, for messages
};

} // namespace twinctl::model
