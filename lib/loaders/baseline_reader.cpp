#include "lib/loaders/baseline_reader.hpp"

#include "lib/io/files.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace twinctl::loaders {

namespace {

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Where each element of the top-level "findings" array starts (byte offsets), so
// an error can name its line: nlohmann keeps no positions. `t` is valid JSON.
std::vector<size_t> finding_offsets(std::string_view t) {
  std::vector<size_t> out;
  int depth = 0;
  bool findings_key = false; // the last string at depth 1 was "findings"
  bool in_findings = false;
  bool expect_element = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    }
    if (in_findings && depth == 2 && expect_element && c != ']') {
      out.push_back(i);
      expect_element = false;
    }
    if (c == '"') {
      size_t j = i + 1;
      while (j < t.size() && t[j] != '"') {
        j += t[j] == '\\' ? 2 : 1;
      }
      if (depth == 1) {
        findings_key = t.substr(i + 1, j - i - 1) == "findings";
      }
      i = j;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (c == '[' && depth == 2 && findings_key) {
        in_findings = expect_element = true;
        out.clear(); // a repeated key: nlohmann keeps the last
      }
    } else if (c == '}' || c == ']') {
      in_findings = in_findings && depth != 2;
      --depth;
    } else if (c == ',' && in_findings && depth == 2) {
      expect_element = true;
    }
  }
  return out;
}

// A line or column: a whole number that fits an int (1e300, -1 or "7" are errors,
// not undefined behaviour or a crash).
int position(const nlohmann::json& loc, const char* key, const std::string& where) {
  auto it = loc.find(key);
  if (it == loc.end() || it->is_null()) {
    return 0;
  }
  if (it->is_number_unsigned() && it->get<uint64_t>() <= uint64_t(INT32_MAX)) {
    return static_cast<int>(it->get<uint64_t>());
  }
  if (it->is_number_integer() && it->get<int64_t>() >= 0 && it->get<int64_t>() <= INT32_MAX) {
    return static_cast<int>(it->get<int64_t>());
  }
  throw Error(where + "\"location\"." + key + " must be a whole number from 0 to " + std::to_string(INT32_MAX) +
              ", not " + it->dump().substr(0, 40));
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
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double ("line": 3e1441): nlohmann names the number, not its offset.
    std::string msg = e.what();
    size_t q1 = msg.find('\''), q2 = msg.rfind('\'');
    size_t at = q1 < q2 ? text.find(msg.substr(q1 + 1, q2 - q1 - 1)) : std::string::npos;
    throw Error(path + ":" + util::line_column(text, at == std::string::npos ? 0 : at) + ": not valid JSON (" +
                msg.substr(msg.find("] ") == std::string::npos ? 0 : msg.find("] ") + 2) + ")");
  }
  if (!j.is_object() || str(j, "format") != "twinctl-baseline/v1" || !j.contains("findings") ||
      !j["findings"].is_array()) {
    throw Error(path + ":1:1: not a twinctl baseline (expected \"format\": \"twinctl-baseline/v1\" and a findings list)");
  }
  const nlohmann::json& findings = j["findings"];
  std::vector<size_t> offsets = finding_offsets(text);
  std::vector<report::BaselineEntry> out;
  for (size_t i = 0; i < findings.size(); ++i) {
    const nlohmann::json& f = findings[i];
    std::string where = path + ":" + util::line_column(text, i < offsets.size() ? offsets[i] : 0) + ": finding " +
                        std::to_string(i + 1) + ": ";
    if (!f.is_object() || str(f, "fingerprint").empty()) {
      throw Error(where + "a baseline finding needs a \"fingerprint\" (a string)");
    }
    report::BaselineEntry e;
    e.fingerprint = str(f, "fingerprint");
    e.rule = str(f, "rule");
    e.asset = str(f, "asset");
    e.field = str(f, "field");
    e.message = str(f, "message");
    // The observed value (twinctl-baseline/v1 since it keys on values); absent in older
    // baselines, whose entries then match by fingerprint alone.
    if (auto obs = f.find("observed"); obs != f.end() && !obs->is_null()) {
      if (!obs->is_string()) {
        throw Error(where + "\"observed\" must be a string");
      }
      e.observed = obs->get<std::string>();
    }
    if (auto loc = f.find("location"); loc != f.end() && !loc->is_null()) {
      if (!loc->is_object()) {
        throw Error(where + "\"location\" must be an object");
      }
      e.loc.path = str(*loc, "path");
      e.loc.line = position(*loc, "line", where);
      e.loc.column = position(*loc, "column", where);
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.fingerprint < b.fingerprint; });
  return out;
}

} // namespace twinctl::loaders
