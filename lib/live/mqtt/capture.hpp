// MQTT messages -> observations: the capture reader behind MQTT capture files
// (read) and messages received from a broker (add_received, finish_received).
// Which topics map to what is described with the default mappings in mapping.cpp.
// Internal to lib/live.
#pragma once

#include "lib/io/mqtt_message.hpp"
#include "lib/live/formats/fast_json.hpp"
#include "lib/live/formats/mapping.hpp"

#include <map>
#include <set>
#include <unordered_map>

namespace twinctl::live::detail {

// What Home Assistant discovery says about a topic.
struct HaTopic {
  std::vector<std::string> identifiers;
  bool availability = false;
  std::string available = "online";
  std::string not_available = "offline";
  std::map<std::string, std::string> units; // value_json key -> unit_of_measurement
};

class CaptureReader {
public:
  // `forced`: the profile of every topic (a Source's adapter); empty = by topic.
  // `filters`: the subscribed filters (default: the Source's topics).
  // `device`: the device template (default: the Source's `device` option).
  CaptureReader(Ctx& c, std::string forced, std::vector<std::string> filters = {}, std::string device = {});

  // An MQTT capture document. Returns the adapter name the source gets.
  std::string read(const json& root);

  // Messages received from a broker, in arrival order. Unlike a capture
  // file's utf8 payloads, a payload that looks like JSON must be JSON, and a
  // payload must be UTF-8 text (Sparkplug: protobuf): a malformed one fails
  // the read, naming its topic.
  // They come one at a time, as they arrive, so parsing (and, where the order allows it,
  // mapping) overlaps the wait for the network.
  void add_received(io::MqttMessage&& r);
  // Maps the received messages; returns the adapter name the source gets.
  std::string finish_received();

private:
  struct Message {
    std::string topic;
    std::vector<std::string> levels;
    std::string profile;
    const json* payload = nullptr; // JSON payloads
    std::optional<json> parsed;    // utf8 payloads that hold JSON
    std::optional<FastPayload> fast; // a received plain-json object, mapped by the fast path
    std::string text;              // utf8 payloads
    bool is_text = false;
    std::optional<int64_t> received;
    Path where_in_file; // a capture file's message: its path; a received one: empty
    // Where the message is, for errors: a capture's path, else "topic 'T'" (made when needed).
    Path where() const { return where_in_file.empty() ? Path{"topic '" + topic + "'"} : where_in_file; }
    const json& body() const { return parsed ? *parsed : *payload; }
  };

  struct Device {
    model::Observation obs;
    std::optional<int64_t> time;
    json attrs;                  // Homie topics / Sparkplug metrics by name, for the mapping (null until one)
    std::string attrs_profile;   // whose mapping reads attrs
    std::string profile;
    // What made it this device, per profile (TopicMatch::identity), and the first topic that
    // did, for errors. A device may speak two profiles (Tasmota telemetry beside plain JSON).
    struct Named {
      std::string profile;
      std::string identity;
      std::string topic;
    };
    std::vector<Named> named;
  };

  struct Identity {
    std::string asset;
    std::string ref;
    std::string identity; // see TopicMatch::identity
  };

  std::string process(const std::vector<Message>& list);
  std::optional<Message> message(const json& messages, size_t i, const Path& where);
  std::optional<Message> received_message(io::MqttMessage&& r);
  static void order_sparkplug(std::vector<Message>& list);
  static bool is_sparkplug_protobuf(const std::vector<std::string>& l);
  json sparkplug_payload(std::string_view bytes, const Path& where) const;
  std::string profile_of(const std::vector<std::string>& l) const;
  const Mapping& mapping(const std::string& profile);
  // The device of `msg`; fails when it already holds another identity's topics
  // (two devices would merge). `identity` defaults to `ref`.
  Device& device(const Message& msg, const std::string& asset, const std::string& ref, const std::string& profile,
                 const std::string& identity = {});
  Device& device(const Message& msg, const Identity& id, const std::string& profile) {
    return device(msg, id.asset, id.ref, profile, id.identity);
  }
  Identity identify(const Message& msg, const std::string& own_ref) const;
  void discovery(const Message& msg);

  // The profiles (mqtt_profiles.cpp).
  void dispatch(const Message& msg);
  static std::string last_level_lower(const Message& msg);
  void plain_json(const Message& msg);
  void plain_json_fast(const Message& msg, Device& d, const HaTopic* ha);
  void tasmota(const Message& msg);
  void shelly(const Message& msg);
  void homie(const Message& msg);
  void aws_shadow(const Message& msg);
  void sparkplug(const Message& msg);
  std::string finish();
  static void homie_units(Device& d);

  Ctx& m_c;
  std::string m_forced;
  std::vector<std::string> m_filters;
  DeviceTemplate m_device_template;
  std::map<std::string, Mapping> m_mappings;
  // "a<US>asset" | "r<US>ref"; finish() emits them sorted by key: matched first, each sorted.
  std::unordered_map<std::string, Device> m_devices;
  std::set<std::string> m_profiles;
  std::unordered_map<std::string, HaTopic> m_ha;
  std::map<std::string, std::string> m_aliases;                // "group/node#alias" -> metric name
  std::map<std::string, std::set<std::string>> m_node_devices; // "group/node" -> device keys
  std::vector<Message> m_received;                             // messages from a broker, kept for finish
  // Received messages are mapped as they arrive, in arrival order, while that is what finish
  // would do: no Home Assistant discovery can arrive (it is mapped before everything else),
  // and no Sparkplug message has (they are applied in payload-timestamp order). Then no
  // message is kept: 100k retained topics cost their devices, not their messages.
  bool m_streaming = false;
  FastParser m_fast;
};

} // namespace twinctl::live::detail
