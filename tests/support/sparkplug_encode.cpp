// Test helper: encodes a Sparkplug B payload given in the specification's JSON
// representation (stdin) as protobuf (stdout), with the generated classes of
// lib/live/mqtt/sparkplug_b.proto, so tests can publish real Sparkplug traffic:
//   sparkplug_encode < payload.json > payload.bin
// Keys: timestamp, seq, uuid, metrics[{name, alias, timestamp, dataType, value,
// is_null, properties: {key: {type, value}}}]. With --garbage it writes bytes
// that are not a Sparkplug payload.
#include "lib/live/mqtt/sparkplug_b.pb.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

namespace {

using json = nlohmann::json;
namespace pb = twinctl::sparkplug;

uint32_t type_of(const json& j) {
  pb::DataType t = pb::Unknown;
  if (j.is_string()) {
    pb::DataType_Parse(j.get<std::string>(), &t);
  }
  return uint32_t(t);
}

template <class T> void set_value(T* out, uint32_t type, const json& v) {
  switch (type) {
  case pb::Int8:
  case pb::Int16:
  case pb::Int32:
  case pb::UInt8:
  case pb::UInt16:
  case pb::UInt32:
    out->set_int_value(uint32_t(v.get<int64_t>()));
    break;
  case pb::Int64:
  case pb::UInt64:
  case pb::DateTime:
    out->set_long_value(uint64_t(v.get<int64_t>()));
    break;
  case pb::Float:
    out->set_float_value(v.get<float>());
    break;
  case pb::Double:
    out->set_double_value(v.get<double>());
    break;
  case pb::Boolean:
    out->set_boolean_value(v.get<bool>());
    break;
  default:
    out->set_string_value(v.get<std::string>());
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--garbage") == 0) {
    std::cout << "\x0a\xff\xff\xff\xff\x0f not protobuf";
    return 0;
  }
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, stdin)) > 0;) {
    text.append(buf, n);
  }
  json in = json::parse(text);
  pb::Payload p;
  if (in.contains("timestamp")) {
    p.set_timestamp(in["timestamp"].get<uint64_t>());
  }
  if (in.contains("seq")) {
    p.set_seq(in["seq"].get<uint64_t>());
  }
  if (in.contains("uuid")) {
    p.set_uuid(in["uuid"].get<std::string>());
  }
  json metrics = in.contains("metrics") ? in["metrics"] : json::array();
  for (const json& jm : metrics) {
    pb::Payload::Metric* m = p.add_metrics();
    if (jm.contains("name")) {
      m->set_name(jm["name"].get<std::string>());
    }
    if (jm.contains("alias")) {
      m->set_alias(jm["alias"].get<uint64_t>());
    }
    if (jm.contains("timestamp")) {
      m->set_timestamp(jm["timestamp"].get<uint64_t>());
    }
    uint32_t type = type_of(jm.value("dataType", json()));
    m->set_datatype(type);
    if (jm.value("is_null", false)) {
      m->set_is_null(true);
    } else if (jm.contains("value")) {
      set_value(m, type, jm["value"]);
    }
    json props = jm.contains("properties") ? jm["properties"] : json::object();
    for (const auto& [key, prop] : props.items()) {
      m->mutable_properties()->add_keys(key);
      pb::Payload::PropertyValue* pv = m->mutable_properties()->add_values();
      uint32_t ptype = type_of(prop.value("type", json("String")));
      pv->set_type(ptype);
      set_value(pv, ptype, prop["value"]);
    }
  }
  std::string out;
  p.SerializeToString(&out);
  std::cout << out;
  return 0;
}
