// One MQTT message as received from a broker: plain data, no libmosquitto. The
// capture and payload readers (lib/live/mqtt/, lib/live/formats/) take these, so
// they build and test without the network client in lib/io/mqtt.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace twinctl::io {

struct MqttMessage {
  std::string topic;
  std::string payload; // raw bytes
  // Epoch seconds of a live message; none for a retained one, whose age is
  // unknown (it must not make a device look fresh).
  std::optional<int64_t> received;
};

} // namespace twinctl::io
