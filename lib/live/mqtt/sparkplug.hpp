// Sparkplug B protobuf payloads (lib/live/mqtt/sparkplug_b.proto) -> the JSON
// representation the Sparkplug specification uses to show payloads, which the
// MQTT capture reader (mqtt_capture.cpp) maps to observations. One decoder for
// live MQTT and for captured base64 payloads.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace twinctl::live {

// {"timestamp", "seq", "uuid", "metrics": [{"name", "alias", "timestamp",
// "dataType", "is_null", "is_historical", "is_transient", "value",
// "properties": {key: {"type", "value"}}}]}; keys absent on the wire are left
// out, and so is the value of non-scalar types (DataSet, Template, Bytes, File,
// arrays). Signed integer types are sign-extended. Throws twinctl::Error on
// bytes that are not a Sparkplug B payload or strings that are not UTF-8.
nlohmann::json decode_sparkplug(std::string_view bytes);

// Standard base64 (RFC 4648, padding optional, whitespace ignored); nullopt
// on any other character.
std::optional<std::string> decode_base64(std::string_view text);

} // namespace twinctl::live
