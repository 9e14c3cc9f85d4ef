// Decoding cost of MQTT live state without a broker (bench/RESULTS.md): feeds
// COUNT retained plain-JSON state messages, shaped as bench_mqtt_load publishes
// them, to live::MqttDecoder and reports the CPU time of add() and finish().
//   bench_mqtt_decode COUNT [--general]   (--general: the nlohmann reader only)
#include "lib/live/formats/fast_json.hpp"
#include "lib/live/formats/live_files.hpp"
#include "lib/live/match.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char** argv) {
  using namespace twinctl;
  long count = argc > 1 ? std::atol(argv[1]) : 100000;
  live::detail::g_fast_json = !(argc > 2 && std::strcmp(argv[2], "--general") == 0);
  std::vector<io::MqttMessage> messages;
  messages.reserve(size_t(count));
  char payload[256];
  for (long i = 0; i < count; ++i) {
    int n = std::snprintf(payload, sizeof payload,
                          "{\"status\":\"running\",\"ip\":\"10.%ld.%ld.%ld\",\"firmware\":\"4.2.%ld\","
                          "\"observed_at\":\"2026-05-04T09:41:07Z\",\"temperature\":%.1f}",
                          (i >> 16) & 255, (i >> 8) & 255, i & 255, i % 7, 20.0 + double(i % 300) / 10);
    messages.push_back({"bench/dev-" + std::to_string(i) + "/state", std::string(payload, size_t(n)), {}});
  }
  model::Twin twin;
  live::AssetMatcher matcher(twin);
  live::MqttDecoder decoder({"bench", "mqtt://127.0.0.1/bench/+/state", "plain-json", {"bench/+/state"}, {}, {}}, twin,
                            matcher);
  double t0 = cpu_seconds();
  for (io::MqttMessage& m : messages) {
    decoder.add(std::move(m));
  }
  double t1 = cpu_seconds();
  model::LiveSnapshot snap = decoder.finish();
  double t2 = cpu_seconds();
  std::printf("%ld messages (%s): add %.3f s, finish %.3f s, %.2f us/message; %zu observations, ok %d\n", count,
              live::detail::g_fast_json ? "fast path" : "general reader", t1 - t0, t2 - t1,
              (t2 - t0) / double(count) * 1e6, snap.observations.size(), int(snap.sources.front().ok));
  return snap.sources.front().ok && snap.observations.size() == size_t(count) ? 0 : 1;
}
