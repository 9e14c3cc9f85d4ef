#include "cmd/publish.hpp"

#include "lib/live/sources.hpp"
#include "lib/output/replay.hpp"
#include "lib/util/error.hpp"
#include "lib/util/url.hpp"

#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace twinctl::cmd {

void add_publish_options(CLI::App& sub, PublishArgs& a) {
  const char* group = "Publishing (MQTT, Kafka)";
  sub.add_option("--publish", a.url,
                 "Publish to mqtt(s)://[user@]HOST[:PORT]/PREFIX (password from TWINCTL_<HOST>_PASSWORD or "
                 "TWINCTL_PASSWORD), or kafka://HOST:PORT[,…]/PREFIX (topics PREFIX.readings, PREFIX.alerts)")
      ->type_name("URL")
      ->group(group);
  sub.add_option("--connect-timeout", a.connect_timeout, "Seconds to wait for the broker (default 10)")
      ->check(CLI::Range(0.1, 86400.0))
      ->type_name("SECONDS")
      ->group(group);
  sub.add_option("--ca-file", a.ca_file, "Trust this PEM CA bundle (instead of the system's) for TLS")
      ->check(CLI::ExistingFile)
      ->group(group);
  sub.add_option("--cert", a.cert_file, "Client certificate (PEM) for mutual TLS")->check(CLI::ExistingFile)->group(group);
  sub.add_option("--key", a.key_file, "Key of the client certificate (PEM)")->check(CLI::ExistingFile)->group(group);
  sub.add_flag("--insecure", a.insecure, "Do NOT verify the broker's TLS certificate (loud warning)")->group(group);
}

SensorPublisher::SensorPublisher(const PublishArgs& a) {
  if (io::is_kafka_url(a.url)) {
    const io::KafkaUrl k = io::parse_kafka_url(a.url);
    m_endpoint = k.display;
    m_readings_topic = k.topic + ".readings";
    m_alerts_topic = k.topic + ".alerts";
    m_kafka = std::make_unique<io::KafkaProducer>(k);
    return;
  }
  const util::Url url = util::parse_url(a.url); // its errors never repeat the credentials
  m_endpoint = url.redacted();
  const std::string flag = "--publish " + m_endpoint;
  if (url.scheme != "mqtt" && url.scheme != "mqtts") {
    throw Error(flag + ": expected an mqtt:// or mqtts:// URL");
  }
  if (url.host.empty()) {
    throw Error(flag + ": the URL has no host");
  }
  io::MqttConnect c;
  c.host = url.host;
  c.tls = url.scheme == "mqtts";
  c.port = url.port ? url.port : (c.tls ? 8883 : 1883);
  for (const auto& [key, value] : url.query) {
    if (key != "qos") {
      throw Error(flag + ": unknown setting '" + key + "' (expected qos)");
    }
    if (value != "0" && value != "1" && value != "2") {
      throw Error(flag + ": qos must be 0, 1 or 2, not '" + value + "'");
    }
    m_reading_qos = m_alert_qos = value[0] - '0';
  }
  m_prefix = url.path;
  while (!m_prefix.empty() && m_prefix.back() == '/') {
    m_prefix.pop_back();
  }
  if (m_prefix.find_first_of("+#") != std::string::npos) {
    throw Error(flag + ": the topic prefix '" + m_prefix + "' may not hold the wildcards '+' or '#'");
  }
  if (!m_prefix.empty()) {
    m_prefix += '/';
  }
  if (!c.tls && (!a.ca_file.empty() || !a.cert_file.empty() || a.insecure)) {
    throw Error(flag + ": TLS settings (--ca-file, --cert, --insecure) need an mqtts:// URL");
  }
  if (a.insecure) {
    std::cerr << "twinctl: warning: --insecure: the broker's TLS certificate and host name are NOT verified; anyone "
                 "on the network path can impersonate it and read the credentials sent to it\n";
  }
  c.ca_file = a.ca_file;
  c.cert_file = a.cert_file;
  c.key_file = a.key_file;
  c.insecure = a.insecure;
  c.connect_timeout = a.connect_timeout;
  c.client_id = "twinctl-pub-" + std::to_string(::getpid()); // names us in the broker's log
  live::SourceSpec spec;
  spec.name = url.host;
  spec.endpoint = a.url;
  const live::Credentials cred = live::credentials_for(spec);
  c.user = cred.user;
  c.password = cred.password;
  try {
    m_pub = std::make_unique<io::MqttPublisher>(c);
  } catch (const Error& e) {
    throw Error(flag + ": " + e.what());
  }
}

void SensorPublisher::reading(std::string_view machine, std::string_view sensor, std::string_view json) {
  if (m_kafka) {
    m_kafka->send(m_readings_topic, machine, json);
    ++m_sent;
    return;
  }
  m_topic.assign(m_prefix).append("readings/");
  m_topic.append(io::mqtt_topic_level(machine)).append("/").append(io::mqtt_topic_level(sensor));
  m_pub->publish(m_topic, json, m_reading_qos);
}

void SensorPublisher::alert(const model::Alert& a) {
  if (m_kafka) {
    m_kafka->send(m_alerts_topic, a.asset, output::alert_json(a));
    ++m_sent;
    return;
  }
  m_topic.assign(m_prefix).append("alerts/");
  m_topic.append(io::mqtt_topic_level(a.asset)).append("/").append(io::mqtt_topic_level(a.sensor));
  m_pub->publish(m_topic, output::alert_json(a), m_alert_qos);
}

void SensorPublisher::idle() {
  if (m_kafka) {
    m_kafka->idle();
  } else {
    m_pub->idle();
  }
}

void SensorPublisher::close() {
  try {
    if (m_kafka) {
      m_kafka->flush();
    } else {
      m_pub->close();
    }
  } catch (const Error& e) {
    throw Error("--publish " + m_endpoint + ": " + e.what());
  }
}

} // namespace twinctl::cmd
