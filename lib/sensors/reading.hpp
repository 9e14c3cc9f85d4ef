// One sensor reading and the line parsers of the two reading formats:
// CSV `timestamp,machineId,sensorType,value,unit,quality` and
// JSONL objects with the same keys. Pure and allocation-free: the string
// fields of a Reading are views into the parsed line (or, for JSON strings
// with escapes, into Reading::unescaped).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twinctl::sensors {

enum class Quality : uint8_t { good, uncertain, bad };
enum class Format : uint8_t { csv, jsonl };

struct Reading {
  int64_t ts_ms = 0;        // milliseconds since the epoch, UTC
  std::string_view machine; // machineId = asset id or its live binding
  std::string_view sensor;  // sensorType = sensor id or type
  double value = 0;         // NaN when the value is "NaN" or a status text
  std::string_view text;    // the value as written when it is not a number (status readings)
  std::string_view unit;
  Quality quality = Quality::good;
  // The parsers' memory of the last timestamp (its text -> ms) and of its
  // hour ("YYYY-MM-DDTHH" -> ms): consecutive lines nearly always share the
  // hour, often the whole timestamp, so reuse one Reading per stream.
  char ts_key[32] = {};
  size_t ts_len = 0;
  int64_t ts_key_ms = 0;
  char hour_key[13] = {};
  int64_t hour_ms = 0;
  // JSONL strings with escapes ("press\u002d01"), decoded: the views above
  // may point here. Reserved once per line, so it allocates only when lines grow.
  std::string unescaped;
};

// ISO 8601 / RFC 3339 ("2026-05-04T09:42:00.250Z", "+02:00" offsets, a space
// instead of T) or epoch seconds / milliseconds (13+ digits = ms) -> ms since
// the epoch; nullopt when invalid.
std::optional<int64_t> parse_time_ms(std::string_view s);
// "2026-05-04T09:42:00.250Z" (milliseconds only when not zero).
std::string format_time_ms(int64_t ms);

// Parses one line into `out`. Returns nullptr on success, else a short
// reason ("6 fields expected", "bad timestamp", ...). A header line is not a
// reading: is_header() tells it apart.
const char* parse_csv_line(std::string_view line, Reading& out);
const char* parse_jsonl_line(std::string_view line, Reading& out);
bool is_csv_header(std::string_view line);

} // namespace twinctl::sensors
