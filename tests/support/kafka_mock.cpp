// A Kafka cluster for the tests: librdkafka's mock cluster (rdkafka_mock.h),
// which speaks the real Kafka protocol over TCP on loopback. Kafka itself has
// no Debian package; the mock supports producing, consuming, consumer groups
// with offset commits and ListOffsets, which is what twinctl uses.
//
//   twinctl_kafka_mock [--brokers N] [--topic NAME:PARTITIONS]... [--down-file PATH] [--rtt MS]
//
// Prints the bootstrap servers ("127.0.0.1:PORT,...") on one line of stdout,
// then runs until SIGTERM or SIGINT. Brokers go down (every connection
// dropped, new ones refused) on SIGUSR1 or once PATH exists, and up again on
// SIGUSR2 or once PATH is removed: a broker that disappears mid-stream.
// --rtt delays every response by MS milliseconds (a slow consumer to kill mid-stream).
//
//   twinctl_kafka_mock --committed BOOTSTRAP GROUP TOPIC
//
// Prints the offset GROUP committed on each partition of TOPIC and the
// partition's end (high watermark), "PARTITION COMMITTED END" per line
// (COMMITTED -1001: none), as any Kafka client sees them.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace {

std::atomic<int> g_signal{0};

void on_signal(int sig) { g_signal = sig; }

int usage(const char* why) {
  std::fprintf(stderr,
               "twinctl_kafka_mock: %s\nusage: twinctl_kafka_mock [--brokers N] [--topic NAME:PARTITIONS]... "
               "[--down-file PATH] [--rtt MS]\n",
               why);
  return 2;
}

// The committed offsets of a group, read the way a consumer of it would.
int print_committed(const char* bootstrap, const char* group, const char* topic) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "group.id", group, err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "twinctl_kafka_mock: %s\n", err);
    return 2;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "twinctl_kafka_mock: %s\n", err);
    return 2;
  }
  int rc = 2;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic, nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, t, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1) {
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
    for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
      rd_kafka_topic_partition_list_add(parts, topic, p);
    }
    if (rd_kafka_committed(rk, parts, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rc = 0;
      for (int i = 0; i < parts->cnt; ++i) {
        int64_t lo = 0, hi = 0;
        if (rd_kafka_query_watermark_offsets(rk, topic, parts->elems[i].partition, &lo, &hi, 10000)) {
          rc = 2;
        }
        std::printf("%d %lld %lld\n", int(parts->elems[i].partition), static_cast<long long>(parts->elems[i].offset),
                    static_cast<long long>(hi));
      }
    }
    rd_kafka_topic_partition_list_destroy(parts);
  }
  if (rc != 0) {
    std::fprintf(stderr, "twinctl_kafka_mock: cannot read the committed offsets\n");
  }
  if (md) {
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(t);
  rd_kafka_destroy(rk);
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "--committed") == 0) {
    return print_committed(argv[2], argv[3], argv[4]);
  }
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  std::string down_file;
  int rtt = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      return usage(("missing value of " + arg).c_str());
    }
    const std::string value = argv[++i];
    if (arg == "--brokers") {
      brokers = std::atoi(value.c_str());
    } else if (arg == "--topic") {
      const size_t colon = value.rfind(':');
      if (colon == std::string::npos || colon == 0) {
        return usage("--topic wants NAME:PARTITIONS");
      }
      topics.emplace_back(value.substr(0, colon), std::atoi(value.c_str() + colon + 1));
    } else if (arg == "--rtt") {
      rtt = std::atoi(value.c_str());
    } else if (arg == "--down-file") {
      down_file = value;
    } else {
      return usage(("unknown option " + arg).c_str());
    }
  }
  if (brokers < 1 || brokers > 9) {
    return usage("--brokers must be 1 to 9");
  }

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "twinctl_kafka_mock: %s\n", err);
    return 2;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) {
    std::fprintf(stderr, "twinctl_kafka_mock: cannot create the mock cluster\n");
    rd_kafka_destroy(rk);
    return 2;
  }
  for (const auto& [name, partitions] : topics) {
    if (partitions < 1 || rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "twinctl_kafka_mock: cannot create topic %s\n", name.c_str());
      return 2;
    }
  }
  if (rtt > 0) {
    rd_kafka_mock_broker_set_rtt(cluster, -1, rtt);
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGUSR1, on_signal);
  std::signal(SIGUSR2, on_signal);
  std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  std::fflush(stdout);

  bool down = false;
  auto set_down = [&](bool d) {
    if (d != down) {
      down = d;
      (d ? rd_kafka_mock_broker_set_down : rd_kafka_mock_broker_set_up)(cluster, -1);
      std::fprintf(stderr, "twinctl_kafka_mock: brokers %s\n", d ? "down" : "up");
    }
  };
  for (;;) {
    const int sig = g_signal.exchange(0);
    if (sig == SIGTERM || sig == SIGINT) {
      break;
    }
    if (sig == SIGUSR1 || sig == SIGUSR2) {
      set_down(sig == SIGUSR1);
    }
    struct stat st;
    if (!down_file.empty()) {
      set_down(::stat(down_file.c_str(), &st) == 0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
