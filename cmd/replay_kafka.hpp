// `replay kafka://BROKERS/TOPIC?group=G`: the readings of a Kafka topic, as a
// member of consumer group G, through one sensors::Replayer per assigned
// partition (the sensors of a machine live on one partition: its state
// belongs to that partition). Offsets are committed only after the alerts of
// what was read are flushed (flush_outputs) and the partition's detector
// state is checkpointed (--checkpoint-dir): at-least-once.
#pragma once

#include "lib/io/kafka.hpp"
#include "lib/model/alert.hpp"
#include "lib/sensors/replay.hpp"

#include <functional>
#include <string>
#include <vector>

namespace twinctl::cmd {

struct KafkaReplayOptions {
  io::KafkaUrl url;
  std::string checkpoint_dir; // "" = detector state starts empty on every assignment
  std::string format = "auto";
  const model::Twin* twin = nullptr;
  sensors::ReplayOptions engine;
  bool quiet = false;
  double commit_every = 1; // seconds between commits
};

struct KafkaReplayHooks {
  sensors::AlertSink alert;
  sensors::AggregateSink aggregate; // -o aggregates, or empty
  std::function<void(const sensors::Reading&)> reading; // after parsing, before judging (--publish)
  std::function<void()> flush;                           // makes every alert so far durable; throws on failure
  std::function<void(const std::string&)> bad;            // "TOPIC[P]@OFFSET: reason"
};

struct KafkaReplayResult {
  sensors::ReplaySummary summary; // readings: those this process read; per sensor: the partition's history
  uint64_t misrouted = 0;         // readings on a partition their key or machineId does not belong to
  uint64_t unkeyed = 0;           // messages without a key
  uint64_t skipped = 0;           // offsets gone from the log before they were read (retention)
  std::vector<std::string> misrouted_samples;
  std::string incomplete;         // why the stream stopped early ("" = it did not)
};

// Runs until ?until=end is reached, SIGINT/SIGTERM, or the brokers stop
// answering (result.incomplete). Throws twinctl::Error on a fatal error.
KafkaReplayResult replay_kafka(const KafkaReplayOptions& o, const KafkaReplayHooks& hooks);

} // namespace twinctl::cmd
