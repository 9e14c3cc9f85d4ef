#include "lib/loaders/alert_reader.hpp"

#include "lib/io/files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <nlohmann/json.hpp>

namespace twinctl::loaders {

namespace {

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

std::string required_string(const nlohmann::json& j, const char* key, const std::string& at) {
  auto it = j.find(key);
  if (it == j.end()) {
    throw Error(at + "alert has no \"" + key + "\"");
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw Error(at + "\"" + key + "\" must be a non-empty string");
  }
  return it->get<std::string>();
}

std::string optional_string(const nlohmann::json& j, const char* key, const std::string& at) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return "";
  }
  if (!it->is_string()) {
    throw Error(at + "\"" + key + "\" must be a string");
  }
  return it->get<std::string>();
}

model::Alert parse_line(const std::string& path, int line, std::string_view text) {
  const std::string at = where(path, line);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    throw Error(at + "not a JSON object (one alert per line)");
  }
  if (!j.is_object()) {
    throw Error(at + "an alert must be a JSON object");
  }
  model::Alert a;
  a.line = line;
  a.ts = required_string(j, "ts", at);
  if (!util::parse_timestamp(a.ts)) {
    throw Error(at + "\"ts\" '" + a.ts + "' is not an RFC 3339 time");
  }
  a.asset = required_string(j, "asset", at);
  a.event = required_string(j, "event", at);
  if (a.event != "raise" && a.event != "clear") {
    throw Error(at + "\"event\" must be raise or clear, not '" + a.event + "'");
  }
  a.severity = required_string(j, "severity", at);
  if (a.severity != "critical" && a.severity != "warning" && a.severity != "info") {
    throw Error(at + "\"severity\" must be critical, warning or info, not '" + a.severity + "'");
  }
  a.sensor = optional_string(j, "sensor", at);
  a.detector = optional_string(j, "detector", at);
  a.message = optional_string(j, "message", at);
  if (auto it = j.find("value"); it != j.end() && !it->is_null()) {
    if (!it->is_number()) {
      throw Error(at + "\"value\" must be a number");
    }
    a.value = it->get<double>();
  }
  return a;
}

} // namespace

std::vector<model::Alert> parse_alerts(const std::string& path, const std::string& text) {
  std::vector<model::Alert> out;
  size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    ++line;
    std::string_view l(text.data() + pos, end - pos);
    if (!l.empty() && l.back() == '\r') {
      l.remove_suffix(1);
    }
    if (l.find_first_not_of(" \t") != std::string_view::npos) {
      out.push_back(parse_line(path, line, l));
    }
    pos = end + 1;
  }
  return out;
}

std::vector<model::Alert> read_alerts(const std::string& path) {
  return parse_alerts(path, io::read_file(path, size_t(1) << 30));
}

} // namespace twinctl::loaders
