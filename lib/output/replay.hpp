// Formatters of `replay`: alert events as JSONL (the input of `rca --alerts`,
// schemas/alert.schema.json) and the run summary as table, JSON
// (schemas/replay-summary.schema.json) and Markdown. They render; the numbers
// come from lib/sensors.
#pragma once

#include "lib/model/alert.hpp"
#include "lib/sensors/replay.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace twinctl::output {

// What the command adds to the engine's summary: inputs and bad lines.
struct ReplayReport {
  std::vector<std::string> inputs;
  sensors::ReplaySummary summary;
  std::vector<std::string> bad_line_samples; // "file:line: reason", the first few
  std::string fail_on;                       // severity of the gate
  double seconds = 0;                        // wall-clock time of the replay
  // kafka:// input: readings on a partition their key or machineId does not
  // belong to, messages without a key, and why the stream stopped early.
  struct Kafka {
    uint64_t misrouted = 0, unkeyed = 0, skipped = 0;
    std::string incomplete;
  };
  std::optional<Kafka> kafka;
};

// One alert as one line of JSON: ts, asset, sensor, detector, event, severity, value, message.
void write_alert_jsonl(std::ostream& out, const model::Alert& a);
// The same JSON object, without the newline (an MQTT payload).
std::string alert_json(const model::Alert& a);
// One reading as a JSON object in the JSONL reading format (timestamp,
// machineId, sensorType, value, unit, quality), appended to `out`. NaN and
// infinities are strings ("NaN", "inf"), as is a status word.
void append_reading_json(std::string& out, const sensors::Reading& r);
void write_replay_table(std::ostream& out, const ReplayReport& r);
void write_replay_json(std::ostream& out, const ReplayReport& r);
void write_replay_markdown(std::ostream& out, const ReplayReport& r);

} // namespace twinctl::output
