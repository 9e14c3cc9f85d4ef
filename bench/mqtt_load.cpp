// Loads a broker with retained plain-JSON state messages for bench/mqtt.sh:
//   bench_mqtt_load HOST PORT PREFIX COUNT
// publishes PREFIX/<i>/state (i = 0..COUNT-1), QoS 1, retained, and exits when
// the broker has acknowledged every one.
#include <mosquitto.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct State {
  long acked = 0;
};

void on_publish(mosquitto*, void* obj, int) { ++static_cast<State*>(obj)->acked; }

} // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: bench_mqtt_load HOST PORT PREFIX COUNT\n");
    return 2;
  }
  long count = std::atol(argv[4]);
  mosquitto_lib_init();
  State st;
  mosquitto* m = mosquitto_new(nullptr, true, &st);
  mosquitto_publish_callback_set(m, on_publish);
  mosquitto_max_inflight_messages_set(m, 1000);
  if (mosquitto_connect(m, argv[1], std::atoi(argv[2]), 60) != MOSQ_ERR_SUCCESS) {
    std::fprintf(stderr, "bench_mqtt_load: cannot connect\n");
    return 1;
  }
  char payload[256];
  for (long i = 0; i < count; ++i) {
    std::string topic = std::string(argv[3]) + "/dev-" + std::to_string(i) + "/state";
    int n = std::snprintf(payload, sizeof payload,
                          "{\"status\":\"running\",\"ip\":\"10.%ld.%ld.%ld\",\"firmware\":\"4.2.%ld\","
                          "\"observed_at\":\"2026-05-04T09:41:07Z\",\"temperature\":%.1f}",
                          (i >> 16) & 255, (i >> 8) & 255, i & 255, i % 7, 20.0 + double(i % 300) / 10);
    if (mosquitto_publish(m, nullptr, topic.c_str(), n, payload, 1, true) != MOSQ_ERR_SUCCESS) {
      std::fprintf(stderr, "bench_mqtt_load: publish failed\n");
      return 1;
    }
    mosquitto_loop(m, 0, 1);
  }
  while (st.acked < count) {
    if (mosquitto_loop(m, 1000, 1) != MOSQ_ERR_SUCCESS) {
      std::fprintf(stderr, "bench_mqtt_load: connection lost after %ld acks\n", st.acked);
      return 1;
    }
  }
  mosquitto_disconnect(m);
  mosquitto_destroy(m);
  mosquitto_lib_cleanup();
  return 0;
}
