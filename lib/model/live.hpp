// Live state, normalised: what every adapter (snapshot file, Ditto, AWS
// shadow, Azure twin, MQTT, ...) produces and what `snapshot` writes as
// twinctl-live/v1.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::model {

struct LiveSource {
  std::string name;    // source name (a sources/*.yaml id, or derived from the file/URL)
  std::string adapter; // ditto, aws-shadow, azure-twin, plain-json, sparkplug, file, ...
  std::string endpoint; // file path or URL without credentials
  bool ok = true;
  size_t items = 0;
  std::string error; // why it failed; never contains secrets
};

struct Metric {
  double value = 0;
  std::string unit;
  std::string ts;
};

struct Observation {
  std::string asset;  // matched asset id; empty = matches no asset (unmanaged)
  std::string source; // LiveSource::name
  std::string ref;    // the device's identity in the source (thingId, topic, deviceId, ...)
  std::string observed_at; // RFC 3339; empty = unknown
  std::optional<bool> online;
  std::map<std::string, std::string> fields; // status, ip, firmware, config_checksum, zone
  std::map<std::string, Metric> metrics;
  std::map<std::string, std::string> desired; // desired state the source itself holds (Ditto, shadows)
};

// An intended asset whose live source failed: neither observed nor missing.
struct Unobserved {
  std::string asset;
  std::string sources; // the failed source(s) that would have reported it, comma-separated
};

struct LiveSnapshot {
  std::string taken_at; // RFC 3339
  std::vector<LiveSource> sources;
  std::vector<Observation> observations;

  // Appends another snapshot (several --live sources make one snapshot).
  void merge(LiveSnapshot other);
};

} // namespace twinctl::model
