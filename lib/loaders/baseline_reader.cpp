#include "lib/loaders/baseline_reader.hpp"

#include "lib/io/files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace twinctl::loaders {

namespace {

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

} // namespace

std::vector<report::BaselineEntry> read_baseline(const std::string& path) {
  std::string text = io::read_file(path, size_t(256) << 20);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    throw Error(path + ":" + util::line_column(text, e.byte == 0 ? 0 : e.byte - 1) + ": not valid JSON (" +
                msg.substr(msg.find(':') == std::string::npos ? 0 : msg.rfind(": ") + 2) + ")");
  }
  if (!j.is_object() || str(j, "format") != "twinctl-baseline/v1" || !j.contains("findings") ||
      !j["findings"].is_array()) {
    throw Error(path + ":1:1: not a twinctl baseline (expected \"format\": \"twinctl-baseline/v1\" and a findings list)");
  }
  std::vector<report::BaselineEntry> out;
  for (const nlohmann::json& f : j["findings"]) {
    if (!f.is_object() || str(f, "fingerprint").empty()) {
      throw Error(path + ":1:1: every baseline finding needs a fingerprint");
    }
    report::BaselineEntry e;
    e.fingerprint = str(f, "fingerprint");
    e.rule = str(f, "rule");
    e.asset = str(f, "asset");
    e.field = str(f, "field");
    e.message = str(f, "message");
    if (auto obs = f.find("observed"); obs != f.end() && obs->is_string()) {
      e.observed = obs->get<std::string>();
    }
    if (auto loc = f.find("location"); loc != f.end() && loc->is_object()) {
      e.loc.path = str(*loc, "path");
      e.loc.line = loc->value("line", 0);
      e.loc.column = loc->value("column", 0);
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.fingerprint < b.fingerprint; });
  return out;
}

} // namespace twinctl::loaders
