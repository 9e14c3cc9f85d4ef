// Reading files for the commands that take sensor readings (replay, health):
// CSV or JSONL, chosen by --format, the file name or the first line.
#pragma once

#include "lib/io/line_reader.hpp"
#include "lib/sensors/reading.hpp"

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace twinctl::cmd {

// "csv" | "jsonl" | "auto": auto is JSONL for .jsonl/.ndjson/.json files and
// for a first line that starts with '{', else CSV.
inline sensors::Format format_of(const std::string& arg, const std::string& path, std::string_view first_line) {
  if (arg == "csv") {
    return sensors::Format::csv;
  }
  if (arg == "jsonl") {
    return sensors::Format::jsonl;
  }
  for (const char* ext : {".jsonl", ".ndjson", ".json"}) {
    if (path.size() > std::strlen(ext) && path.compare(path.size() - std::strlen(ext), std::string::npos, ext) == 0) {
      return sensors::Format::jsonl;
    }
  }
  const size_t i = first_line.find_first_not_of(" \t");
  return i != std::string_view::npos && first_line[i] == '{' ? sensors::Format::jsonl : sensors::Format::csv;
}

// Reads FILE ('-' = stdin) line by line: each reading to on_reading(reading,
// line number), each line that is not one to on_bad("FILE:LINE: reason").
template <typename OnReading, typename OnBad>
void for_each_reading(const std::string& file, const std::string& format_arg, OnReading&& on_reading, OnBad&& on_bad) {
  io::LineReader reader(file);
  const std::string name = file == "-" ? "<stdin>" : file;
  std::string_view line;
  int line_no = 0;
  std::optional<sensors::Format> format;
  sensors::Reading r;
  while (reader.next(line)) {
    ++line_no;
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") {
      line.remove_prefix(3); // a UTF-8 byte-order mark, as spreadsheet exports write
    }
    if (!format) {
      format = format_of(format_arg, file, line);
      if (*format == sensors::Format::csv && sensors::is_csv_header(line)) {
        continue;
      }
    }
    if (!reader.too_long() && (line.empty() || (line.size() == 1 && line[0] == '\r'))) {
      continue;
    }
    const char* why = reader.too_long()                  ? "line longer than 4 MiB"
                      : *format == sensors::Format::csv ? sensors::parse_csv_line(line, r)
                                                         : sensors::parse_jsonl_line(line, r);
    if (why) {
      on_bad(name + ":" + std::to_string(line_no) + ": " + why);
      continue;
    }
    on_reading(r, line_no);
  }
}

} // namespace twinctl::cmd
