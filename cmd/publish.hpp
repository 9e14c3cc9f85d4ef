// `--publish mqtt(s)://[user@]HOST[:PORT]/PREFIX` of `replay` and `simulate
// sensors`: the only commands that publish, and only with this flag.
// Topics under PREFIX:
//   PREFIX/readings/<machineId>/<sensorType>  one reading as a JSON object
//                                             (the JSONL reading format)
//   PREFIX/alerts/<asset>/<sensor>            one alert event (schemas/alert.schema.json)
// Readings go at QoS 0 and alerts at QoS 1 unless the URL sets ?qos=N.
// The password comes from the environment, as for live sources:
// TWINCTL_<HOST>_PASSWORD, else TWINCTL_PASSWORD (user likewise).
//
// `--publish kafka://HOST:PORT[,…]/PREFIX`: readings go to the topic
// PREFIX.readings and alerts to PREFIX.alerts, each message keyed by its
// machineId (alerts: their asset) with the murmur2_random partitioner, so
// a sensor's readings stay on one partition; TLS and SASL settings come from
// TWINCTL_KAFKA_* (see lib/io/kafka.hpp).
#pragma once

#include "lib/io/kafka.hpp"
#include "lib/io/mqtt_publish.hpp"
#include "lib/model/alert.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace twinctl::cmd {

struct PublishArgs {
  std::string url;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
  double connect_timeout = 10;
};

// Registers --publish and its TLS settings (--ca-file, --cert, --key,
// --insecure, --connect-timeout, as on `snapshot`).
void add_publish_options(CLI::App& sub, PublishArgs& a);

class SensorPublisher {
public:
  // Checks the URL and settings, connects and waits for the broker's answer.
  // Throws twinctl::Error (exit 2) when the URL is malformed or the broker
  // cannot be reached, verified or refuses us: never a hang (--connect-timeout).
  explicit SensorPublisher(const PublishArgs& a);
  // One reading: `json` is its JSON object (no newline).
  void reading(std::string_view machine, std::string_view sensor, std::string_view json);
  void alert(const model::Alert& a);
  // Keeps the connection alive while the caller waits.
  void idle();
  // Flushes (every message written or acknowledged) and disconnects.
  void close();
  uint64_t published() const { return m_kafka ? m_sent : m_pub->published(); }
  const std::string& endpoint() const { return m_endpoint; } // without credentials

private:
  std::unique_ptr<io::MqttPublisher> m_pub;
  std::unique_ptr<io::KafkaProducer> m_kafka; // instead of m_pub for kafka://
  std::string m_readings_topic, m_alerts_topic;
  uint64_t m_sent = 0;
  std::string m_endpoint;
  std::string m_prefix; // "" or "plant/replay/"
  int m_reading_qos = 0;
  int m_alert_qos = 1;
  std::string m_topic; // reused
};

} // namespace twinctl::cmd
