// Reading retained state from an MQTT broker (libmosquitto). The collector is
// subscribe-only: it never publishes, except the requests a
// caller names in MqttConnect::requests (the AWS shadow `get`, behind an explicit
// flag). Publishing is
// MqttPublisher (mqtt_publish.hpp, implemented in mqtt.cpp), used only behind
// an explicit --publish.
#pragma once

#include "lib/io/mqtt_message.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::io {

struct MqttConnect {
  std::string host;
  int port = 1883;
  bool tls = false;
  std::string ca_file;   // PEM; empty = the system's CAs (/etc/ssl/certs)
  std::string cert_file; // client certificate (PEM)
  std::string key_file;
  bool insecure = false; // TLS without verifying the broker's certificate or name
  std::string user;      // never printed
  std::string password;  // never printed
  std::string client_id;
  std::vector<std::string> filters;
  int qos = 0;
  double connect_timeout = 10; // seconds to the broker's CONNACK
  double timeout = 60;         // seconds for the whole collection
  double settle = 2;           // seconds without a retained message that end it
  // Topics to publish an empty, non-retained message to once every filter is
  // subscribed (AWS IoT's `$aws/things/T/shadow/get`). Each must be answered on
  // TOPIC/accepted or TOPIC/rejected (the filters must cover those); answers
  // prolong the collection as retained messages do, and a request still
  // unanswered when it settles fails the collection.
  std::vector<std::string> requests;
};

struct MqttCollected {
  std::vector<MqttMessage> messages; // in arrival order
  std::string error;                 // why the collection failed; empty = ok. Never holds a secret.
};

// Connects, subscribes to every filter and collects messages until no retained
// message has arrived for `settle` seconds after the last subscription was
// acknowledged. Retained messages come as a burst after each SUBACK; live
// (non-retained) messages are kept but do not prolong the collection, so a
// busy broker still settles. Fails (error set, no messages) when the broker
// cannot be resolved, reached or verified, refuses the connection or a
// subscription, closes the connection, does not answer within
// `connect_timeout`, or is still sending retained messages at `timeout`.
// Never throws; publishes nothing but `requests`.
// With a `sink`, each message goes to it as it arrives (in the network loop's
// thread) instead of into MqttCollected::messages.
MqttCollected mqtt_collect(const MqttConnect& c, const std::function<void(MqttMessage&&)>& sink = nullptr);

// True when `filter` is a valid MQTT subscription filter.
bool mqtt_filter_valid(const std::string& filter);

} // namespace twinctl::io
