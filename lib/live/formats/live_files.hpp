// Live-state files -> model::LiveSnapshot. The format is
// detected from the content:
//
//   twinctl-live/v1      {format, taken_at, sources, observations, unmatched?}, read as written
//   Ditto search page    {items: [Thing], cursor?}, a [Thing] list or one Thing
//   AWS IoT shadows      a shadow document {state, metadata, ...}; {thingName, shadow} or
//                        {thingName, state, ...}; {things: [...]} or a list of those
//   Azure IoT Hub twins  a twin query page: [twin], {items: [twin]} or {value: [twin]}, or one twin
//   MQTT capture         {format: "twinctl-mqtt-capture/...", messages: [{topic, qos, retain,
//                        payload_encoding, payload}]} with plain-json, Tasmota, Shelly Gen2,
//                        Home Assistant discovery, Homie and Sparkplug B (JSON representation) topics
//
// Field mappings are tables of JSON pointers per adapter, overridable by a
// twin `Source`'s `mapping` (see the table in mapping.cpp).
#pragma once

#include "lib/io/mqtt_message.hpp"
#include "lib/live/match.hpp"
#include "lib/model/live.hpp"
#include "lib/model/twin.hpp"

#include <memory>
#include <string>
#include <vector>

namespace twinctl::live {

// Reads one live-state file. Observations carry the matched asset id (empty =
// unmanaged device), the source name (`source_name_hint`, else the file's
// stem), the device's ref, observed_at in RFC 3339 UTC, online, the mapped
// fields present, metrics and the desired state the source holds. Adds one
// LiveSource (ok, items = observations, adapter, endpoint = path); a
// twinctl-live/v1 file instead keeps its own sources as written, failed ones
// included. When `source_name_hint` names a twin Source, its `mapping`
// overrides the default pointers and its `topics` are the MQTT filters.
// Throws twinctl::Error "path:line:column: message" on unreadable, invalid,
// truncated, too deeply nested (> 256) or unknown input, and on files over 1 GiB.
model::LiveSnapshot read_live_file(const std::string& path, const model::Twin& twin,
                                   const std::string& source_name_hint = "");
// The same with a matcher built once for several files.
model::LiveSnapshot read_live_file(const std::string& path, const model::Twin& twin, const AssetMatcher& matcher,
                                   const std::string& source_name_hint = "");
// The same for a document already in memory (an HTTP page, a collected MQTT
// capture): `path` names it in errors and is the endpoint (and, without a
// hint, gives the source name its stem). Throws as read_live_file.
model::LiveSnapshot read_live_text(const std::string& path, std::string text, const model::Twin& twin,
                                   const AssetMatcher& matcher, const std::string& source_name_hint = "");

// What read_mqtt collected from one source.
struct MqttCollection {
  std::string source_name;               // LiveSource::name; when it names a twin Source, its `mapping` applies
  std::string endpoint;                  // LiveSource::endpoint, without credentials
  std::string profile;                   // plain-json|sparkplug|aws-shadow|tasmota|homie|shelly; empty = by topic
  std::vector<std::string> filters;      // the subscribed filters: the device is the topic through the last '+'
  std::vector<io::MqttMessage> messages; // in arrival order
  std::string device;                    // the device template ({N} = topic level N); empty = by the filters
};

// Decodes collected messages by the rules of an MQTT capture, without building
// and re-parsing a document. Payloads must be well-formed: a payload that starts
// like JSON must parse, text must be UTF-8, Sparkplug payloads (but STATE) must
// be protobuf. One malformed payload fails the whole source (fail closed):
// LiveSource{ok = false, error = "topic 'T': ..."} and no observations.
// Throws twinctl::Error only for a bad Source `mapping` (a configuration error).
model::LiveSnapshot read_mqtt_messages(const MqttCollection& collected, const model::Twin& twin,
                                       const AssetMatcher& matcher);

// read_mqtt_messages one message at a time: add() parses and checks each payload
// as it arrives (so decoding overlaps the wait for the broker), finish() maps
// them all (discovery configs first, Sparkplug in timestamp order). The
// constructor throws twinctl::Error for a bad Source `mapping`; add() and
// finish() never throw: a malformed payload makes finish() return the failed source.
class MqttDecoder {
public:
  MqttDecoder(const MqttCollection& settings, const model::Twin& twin, const AssetMatcher& matcher);
  ~MqttDecoder();
  MqttDecoder(const MqttDecoder&) = delete;
  MqttDecoder& operator=(const MqttDecoder&) = delete;

  void add(const io::MqttMessage& message);
  void add(io::MqttMessage&& message); // the same, without copying the message
  model::LiveSnapshot finish();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace twinctl::live

namespace twinctl::live {

// One page of an HTTP source (lib/live/http/source.cpp), decoded with the same
// mappings and matching as the files above.
struct PageFormat {
  std::string adapter;      // "ditto": the items are Ditto things; "generic": Source mapping, plain-json defaults
  std::string items;        // JSON pointer of the device list; "" = the root when it is a list, else /items
  std::string id = "/id";   // generic: pointer of a device's identity in an item (matched by asset id)
  std::string metrics;      // generic: pointer of an object in an item whose numeric leaves are metrics
  std::string cursor;       // pointer of the next page's cursor in the page; "" = none
};
struct Page {
  std::vector<model::Observation> observations;
  std::string cursor; // the next page's cursor; empty = none (the last page)
};
// Throws twinctl::Error "where:line:column: message" on invalid or truncated
// JSON and on a page of the wrong shape.
Page read_live_page(const std::string& where, std::string text, const model::Twin& twin, const AssetMatcher& matcher,
                    const std::string& source_name, const PageFormat& format);

} // namespace twinctl::live
