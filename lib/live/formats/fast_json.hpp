// Fast paths (simdjson) for the two documents a big plant sends most: Ditto
// search pages and plain-JSON MQTT payloads. Like live_v1_fast.cpp, they
// accept only what the general readers (nlohmann) accept, with the same
// result, and return nullopt for anything unusual — invalid JSON, duplicate
// keys, keys holding '/' or '~', -0, nesting deeper than k_max_depth, a
// Ditto thing of the wrong shape — so that the general reader runs and
// reports the error exactly as before (file:line:col, the topic named).
// A unit test holds each fast path to its general one. Internal to lib/live.
#pragma once

#include "lib/live/formats/live_files.hpp"
#include "lib/live/formats/mapping.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace twinctl::live::detail {

// Off = the general readers only (for the tests that compare the two).
extern bool g_fast_json;

// A plain-JSON object payload mapped as CaptureReader::plain_json maps it,
// before the device and Home Assistant units are known.
struct FastPayload {
  std::vector<std::pair<std::string, std::string>> fields; // in the mapping's key order
  std::optional<bool> online;
  std::optional<int64_t> time;                     // observed_at found by the mapping
  std::vector<std::pair<std::string, double>> metrics; // numeric leaves not used as fields
};

// One simdjson parser and a padded buffer, reused from payload to payload.
class FastParser {
public:
  FastParser();
  ~FastParser();
  FastParser(const FastParser&) = delete;
  FastParser& operator=(const FastParser&) = delete;

  // A payload that is a JSON object, mapped with `m` (the plain-json mapping).
  std::optional<FastPayload> plain_json(std::string_view payload, const Mapping& m);

  // A Ditto page: the things of the list at `items` ("" = the root, or its "items") mapped
  // into c.observations, and the cursor at `cursor` ("" = none). nullopt (and
  // c.observations untouched) when anything is unusual.
  std::optional<std::string> ditto_page(std::string_view text, const std::string& items, const std::string& cursor,
                                        Ctx& c, const Mapping& m);

  // How a file looks, for read_live_text: the list pointer of a Ditto search
  // page ({items: [Thing, ...], ...} without format/messages, or [Thing, ...]):
  // "/items" or ""; nullopt when it is not one (or is unusual).
  std::optional<std::string> ditto_file_items(std::string_view text);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace twinctl::live::detail
