// Publishing to an MQTT broker (libmosquitto; implemented in mqtt.cpp, next to
// the collector, with which it shares the client set-up): the one place twinctl sends
// PUBLISH packets, and only when the user gave an explicit publishing flag
// (`replay --publish`, `simulate sensors --publish`).
#pragma once

#include "lib/io/mqtt.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace twinctl::io {

// A connected publisher. Connects in the constructor and waits for the
// broker's CONNACK (at most `connect_timeout` seconds); throws twinctl::Error
// "<host>:<port>: <reason>" when the broker cannot be resolved, reached or
// verified, or refuses the connection. Never prints the credentials.
// Uses host, port, tls, ca_file, cert_file, key_file, insecure, user,
// password, client_id and connect_timeout of MqttConnect.
class MqttPublisher {
public:
  explicit MqttPublisher(const MqttConnect& c);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  // Queues one message and writes what the socket takes. Blocks while more
  // than a bounded number of messages are unsent or unacknowledged, so a slow
  // broker slows the caller instead of growing memory. Throws twinctl::Error
  // when the connection is lost or the topic is invalid.
  void publish(const std::string& topic, std::string_view payload, int qos);
  // Waits until every message was written (QoS 0) or acknowledged (QoS 1, 2),
  // then disconnects. Throws twinctl::Error when that does not happen within
  // `timeout` seconds or the connection is lost.
  void close(double timeout = 30);
  // Keeps the connection alive (keep-alive pings, acknowledgements) while the
  // caller waits between messages. Throws like publish().
  void idle();
  uint64_t published() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

// One MQTT topic level from free text: '/', '+', '#', control characters and
// (in text that is not UTF-8) bytes above 0x7f become '_'; empty becomes '_'.
std::string mqtt_topic_level(std::string_view text);

} // namespace twinctl::io
