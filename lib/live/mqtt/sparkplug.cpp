#include "lib/live/mqtt/sparkplug.hpp"

#include "lib/live/mqtt/sparkplug_b.pb.h"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <cstdint>
#include <limits>

namespace twinctl::live {

namespace {

using json = nlohmann::json;
namespace pb = twinctl::sparkplug;

std::string checked(const std::string& s, const char* what) {
  if (!util::is_utf8(s)) {
    throw Error(std::string("Sparkplug ") + what + " is not UTF-8");
  }
  return s;
}

// The value of a metric or property by its declared type; the members of the
// oneof share names in Metric and PropertyValue, so one template serves both.
template <class T> std::optional<json> scalar_value(const T& v, uint32_t type) {
  switch (type) {
  case pb::Int8:
    return json(int64_t(int8_t(v.int_value())));
  case pb::Int16:
    return json(int64_t(int16_t(v.int_value())));
  case pb::Int32:
    return json(int64_t(int32_t(v.int_value())));
  case pb::Int64:
    return json(int64_t(v.long_value()));
  case pb::UInt8:
  case pb::UInt16:
  case pb::UInt32:
    return json(uint64_t(v.int_value()));
  case pb::UInt64:
  case pb::DateTime:
    return json(v.long_value());
  case pb::Float:
    return json(double(v.float_value()));
  case pb::Double:
    return json(v.double_value());
  case pb::Boolean:
    return json(v.boolean_value());
  case pb::String:
  case pb::Text:
  case pb::UUID:
    return json(checked(v.string_value(), "string"));
  default:
    break;
  }
  // Unknown or absent type: whichever scalar is on the wire.
  if (v.has_int_value()) {
    return json(uint64_t(v.int_value()));
  }
  if (v.has_long_value()) {
    return json(v.long_value());
  }
  if (v.has_float_value()) {
    return json(double(v.float_value()));
  }
  if (v.has_double_value()) {
    return json(v.double_value());
  }
  if (v.has_boolean_value()) {
    return json(v.boolean_value());
  }
  if (v.has_string_value()) {
    return json(checked(v.string_value(), "string"));
  }
  return std::nullopt;
}

std::string type_name(uint32_t type) {
  if (type > std::numeric_limits<int>::max() || !pb::DataType_IsValid(int(type))) {
    return "Unknown";
  }
  return pb::DataType_Name(pb::DataType(type));
}

json properties(const pb::Payload::PropertySet& set) {
  json out = json::object();
  for (int i = 0; i < set.keys_size() && i < set.values_size(); ++i) {
    const pb::Payload::PropertyValue& v = set.values(i);
    json p = {{"type", type_name(v.type())}};
    if (v.is_null()) {
      p["is_null"] = true;
    } else if (auto value = scalar_value(v, v.type())) {
      p["value"] = std::move(*value);
    }
    out[checked(set.keys(i), "property name")] = std::move(p);
  }
  return out;
}

json metric(const pb::Payload::Metric& m) {
  json out = json::object();
  if (m.has_name()) {
    out["name"] = checked(m.name(), "metric name");
  }
  if (m.has_alias()) {
    out["alias"] = m.alias();
  }
  if (m.has_timestamp()) {
    out["timestamp"] = m.timestamp();
  }
  out["dataType"] = type_name(m.datatype());
  if (m.is_historical()) {
    out["is_historical"] = true;
  }
  if (m.is_transient()) {
    out["is_transient"] = true;
  }
  if (m.has_properties()) {
    out["properties"] = properties(m.properties());
  }
  if (m.is_null()) {
    out["is_null"] = true;
  } else if (auto value = scalar_value(m, m.datatype())) {
    out["value"] = std::move(*value);
  }
  return out;
}

} // namespace

json decode_sparkplug(std::string_view bytes) {
  pb::Payload p;
  if (bytes.size() > size_t(std::numeric_limits<int>::max()) || !p.ParseFromArray(bytes.data(), int(bytes.size()))) {
    throw Error("not a Sparkplug B payload (the protobuf does not parse)");
  }
  json out = json::object();
  if (p.has_timestamp()) {
    out["timestamp"] = p.timestamp();
  }
  if (p.has_seq()) {
    out["seq"] = p.seq();
  }
  if (p.has_uuid()) {
    out["uuid"] = checked(p.uuid(), "uuid");
  }
  json metrics = json::array();
  for (const pb::Payload::Metric& m : p.metrics()) {
    metrics.push_back(metric(m));
  }
  out["metrics"] = std::move(metrics);
  return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char ch : text) {
    int v = -1;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '+') {
      v = 62;
    } else if (ch == '/') {
      v = 63;
    } else if (ch == '=') {
      padding = true;
      continue;
    } else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
      continue;
    }
    if (v < 0 || padding) {
      return std::nullopt;
    }
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

} // namespace twinctl::live
