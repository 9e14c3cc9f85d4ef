// `twinctl simulate sensors`: readings with injected faults and their ground
// truth, for demos, the detector quality harness (bench/sensor_quality.py)
// and the replay benchmarks.
#include "cmd/commands.hpp"
#include "cmd/common.hpp"
#include "cmd/pacer.hpp"
#include "cmd/publish.hpp"
#include "lib/output/oee_output.hpp"
#include "lib/output/report_text.hpp"
#include "lib/sensors/simulate.hpp"
#include "lib/sim/production.hpp"
#include "lib/util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace twinctl::cmd {

namespace {

struct SensorsArgs {
  TwinArgs twin;
  size_t sensors = 0;
  sensors::SimulateOptions sim;
  std::string duration = "6h";
  std::string start = "2026-05-04T00:00:00Z";
  std::string format = "csv";
  std::string out;
  PublishArgs publish;
  std::string speed = "1";
  bool force = false;
  bool production = false; // --production: statuses and part counters with a known OEE
  sim::ProductionOptions prod;
};

// Bounds of --duration and the last timestamp: a generator run stays within
// ten years and within the four-digit years of RFC 3339.
constexpr double k_max_duration_s = 3660.0 * 86400;
constexpr int64_t k_last_ms = 253402300799000; // 9999-12-31T23:59:59Z

// "90s", "30m", "6h", "2d" or an ISO 8601 duration ("PT6H") -> seconds.
double parse_span(const std::string& s) {
  if (!s.empty() && s[0] == 'P') {
    if (auto d = util::parse_duration(s); d && util::approx_seconds(*d) > 0) {
      return double(util::approx_seconds(*d));
    }
  } else if (s.size() >= 2) {
    const double unit = s.back() == 's' ? 1 : s.back() == 'm' ? 60 : s.back() == 'h' ? 3600 : s.back() == 'd' ? 86400 : 0;
    try {
      size_t used = 0;
      const double v = std::stod(s.substr(0, s.size() - 1), &used);
      if (unit > 0 && used == s.size() - 1 && v > 0) {
        return v * unit;
      }
    } catch (const std::exception&) {
    }
  }
  throw Error("--duration '" + s + "': expected a length such as 90s, 30m, 6h, 2d or PT6H");
}

class File {
public:
  explicit File(const std::string& path) : m_path(path), m_f(std::fopen(path.c_str(), "wb")) {
    if (!m_f) {
      throw Error(path + ": cannot write: " + std::strerror(errno));
    }
  }
  ~File() {
    if (m_f) {
      std::fclose(m_f);
    }
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  void write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), m_f) != s.size()) {
      throw Error(m_path + ": write failed: " + std::strerror(errno));
    }
  }
  void close() {
    std::FILE* f = m_f;
    m_f = nullptr;
    if (std::fclose(f) != 0) {
      throw Error(m_path + ": write failed: " + std::strerror(errno));
    }
  }

private:
  std::string m_path;
  std::FILE* m_f;
};

void write_truth(const std::string& dir, const std::vector<sensors::InjectedFault>& truth) {
  File t(dir + "/truth.csv");
  t.write("machineId,sensorType,kind,start,end\n");
  for (const auto& f : truth) {
    t.write(f.machine + "," + f.sensor + "," + f.kind + "," + sensors::format_time_ms(f.start_ms) + "," +
            sensors::format_time_ms(f.end_ms) + "\n");
  }
  t.close();
}

// --publish: the readings as JSON objects (the JSONL format), each at its time
// (paced to --speed), instead of a file; truth.csv still goes to --out.
int publish_sensors(SensorsArgs& a, const std::vector<sensors::SensorSpec>& specs, const GlobalOptions& g) {
  const double speed = parse_speed(a.speed);
  SensorPublisher publisher(a.publish); // connects first: no broker, exit 2 at once
  Pacer pacer(speed, !g.quiet && ::isatty(STDERR_FILENO), "simulate");
  pacer.on_idle([&] { publisher.idle(); });
  a.sim.format = sensors::Format::jsonl;
  uint64_t count = 0;
  sensors::Reading r;
  auto truth = sensors::simulate_sensors(specs, a.sim, [&](std::string_view chunk) {
    // Whole lines: the generator hands out chunks that end with a newline.
    for (size_t pos = 0; pos < chunk.size();) {
      const size_t nl = chunk.find('\n', pos);
      const std::string_view line = chunk.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? chunk.size() : nl + 1;
      if (line.empty()) {
        continue;
      }
      if (const char* why = sensors::parse_jsonl_line(line, r)) {
        throw Error(std::string("simulate sensors: generated a reading it cannot read (") + why + "): a bug");
      }
      pacer.tick(r.ts_ms, ++count);
      publisher.reading(r.machine, r.sensor, line);
    }
  });
  pacer.done();
  publisher.close();
  if (!a.out.empty()) {
    write_truth(a.out, truth);
  }
  if (!g.quiet) {
    std::cerr << "twinctl: simulated " << specs.size() << " sensors for " << a.duration << ": published " << count
              << " readings to " << publisher.endpoint() << ", " << truth.size() << " injected faults"
              << (a.out.empty() ? std::string() : " in " + a.out + "/truth.csv") << "\n";
  }
  return k_exit_ok;
}

// DIR/readings.* and DIR/truth.csv (oee-truth.json) are replaced only with --force.
void refuse_overwrite(const SensorsArgs& a, bool readings) {
  std::vector<std::string> paths = {a.out + (a.production ? "/oee-truth.json" : "/truth.csv")};
  if (readings) {
    paths.push_back(a.out + "/readings." + a.format);
  }
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!a.force && std::filesystem::symlink_status(p, ec).type() != std::filesystem::file_type::not_found) {
      throw Error(p + ": already exists (use --force to replace it, or another --out)");
    }
  }
}

// --production: DIR/readings.* with the statuses and part counters, and
// DIR/oee-truth.json with the OEE built into them (twinctl-oee/v1, totals).
int simulate_production(SensorsArgs& a, const GlobalOptions& g) {
  if (a.sensors > 0 || !a.publish.url.empty()) {
    throw Error("--production simulates the twin's production assets to --out: not with --sensors or --publish");
  }
  if (a.out.empty()) {
    throw Error("--out DIR is required");
  }
  loaders::LoadResult loaded = load_twin(a.twin);
  if (!loaded.errors.empty()) {
    print_errors(loaded.errors);
    return k_exit_error;
  }
  a.prod.seed = a.sim.seed;
  a.prod.start_ms = a.sim.start_ms;
  a.prod.duration = a.sim.duration;
  a.prod.format = a.sim.format;
  if (a.sim.interval > 0) {
    a.prod.interval = a.sim.interval;
  }
  sim::check_production(loaded.twin, a.prod);
  refuse_overwrite(a, true);
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) {
    throw Error(a.out + ": cannot create directory: " + ec.message());
  }
  const std::string readings_path = a.out + "/readings." + a.format;
  File readings(readings_path);
  const oee::Result truth =
      sim::simulate_production(loaded.twin, a.prod, [&](std::string_view chunk) { readings.write(chunk); });
  readings.close();
  const std::string truth_path = a.out + "/oee-truth.json";
  {
    std::ofstream t(truth_path, std::ios::binary | std::ios::trunc);
    output::write_oee_json(t, truth);
    t.close();
    if (!t) {
      throw Error(truth_path + ": write failed");
    }
  }
  if (!g.quiet) {
    for (const auto* list : {&truth.lines, &truth.assets}) {
      for (const oee::Period& p : *list) {
        std::cerr << "twinctl: built in: " << (p.asset.empty() ? "line " + p.line : p.asset) << ": OEE "
                  << output::percent_text(p.oee) << " = A " << output::percent_text(p.availability) << " x P "
                  << output::percent_text(p.performance) << " x Q " << output::percent_text(p.quality) << "\n";
      }
    }
    std::cerr << "twinctl: readings in " << readings_path << ", the OEE built in in " << truth_path << "\n";
  }
  return k_exit_ok;
}

int run_simulate_sensors(SensorsArgs& a, const GlobalOptions& g) {
  a.sim.duration = parse_span(a.duration);
  if (a.sim.duration > k_max_duration_s) {
    throw Error("--duration '" + a.duration + "': at most 3660d (ten years)");
  }
  auto start = sensors::parse_time_ms(a.start);
  if (!start || a.start.size() < 19) {
    throw Error("--start '" + a.start + "': expected an RFC 3339 time such as 2026-05-04T00:00:00Z");
  }
  if (*start < 0 || double(*start) + a.sim.duration * 1000 > double(k_last_ms)) {
    throw Error("--start '" + a.start + "' with --duration '" + a.duration +
                "': the readings must fall between 1970 and 9999-12-31T23:59:59Z");
  }
  a.sim.start_ms = *start;
  a.sim.format = a.format == "jsonl" ? sensors::Format::jsonl : sensors::Format::csv;
  if (a.production) {
    return simulate_production(a, g);
  }
  std::vector<sensors::SensorSpec> specs;
  if (a.sensors > 0) {
    specs = sensors::synthetic_specs(a.sensors);
  } else {
    loaders::LoadResult loaded = load_twin(a.twin);
    if (!loaded.errors.empty()) {
      print_errors(loaded.errors);
      return k_exit_error;
    }
    specs = sensors::specs_from_twin(loaded.twin);
  }
  if (a.out.empty() && a.publish.url.empty()) {
    throw Error("--out DIR is required (or --publish URL)");
  }
  if (!a.out.empty()) {
    refuse_overwrite(a, a.publish.url.empty());
    std::error_code ec;
    std::filesystem::create_directories(a.out, ec);
    if (ec) {
      throw Error(a.out + ": cannot create directory: " + ec.message());
    }
  }
  if (!a.publish.url.empty()) {
    return publish_sensors(a, specs, g);
  }
  const std::string readings_path = a.out + "/readings." + a.format;
  File readings(readings_path);
  uint64_t bytes = 0;
  auto truth = sensors::simulate_sensors(specs, a.sim, [&](std::string_view chunk) {
    readings.write(chunk);
    bytes += chunk.size();
  });
  readings.close();
  write_truth(a.out, truth);
  if (!g.quiet) {
    std::cerr << "twinctl: simulated " << specs.size() << " sensors for " << a.duration << ": " << bytes / 1000000.0
              << " MB in " << readings_path << ", " << truth.size() << " injected faults in " << a.out
              << "/truth.csv\n";
  }
  return k_exit_ok;
}

} // namespace

void register_simulate_sensors(CLI::App& simulate, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<SensorsArgs>();
  auto* sub = simulate.add_subcommand("sensors", "Generate sensor readings with injected faults and their ground truth");
  sub->description(
      "Generate deterministic readings for the twin's sensors (or --sensors N synthetic ones): a level,\n"
      "daily and shift cycles, a slow walk and noise, with one injected fault on a share of the sensors:\n"
      "spike, step, stuck, dropout, drift (past the warning threshold), noise burst, out-of-order and\n"
      "duplicate timestamps, bad quality, NaN. Writes DIR/readings.csv (or .jsonl) and DIR/truth.csv\n"
      "(machineId,sensorType,kind,start,end). The same options give the same bytes. With --publish,\n"
      "the readings go to an MQTT broker instead, at real-time rate (--speed N for N x), one JSON\n"
      "object per message on PREFIX/readings/MACHINE/SENSOR.\n"
      "With --production, the twin's assets with production: get a status (running, fault, setup, idle;\n"
      "stopped outside planned time) and part counters (good, reject, total as declared; counters start\n"
      "anywhere and reset at local midnight) every --interval (default 60 s), made to come near the\n"
      "--availability, --performance and --quality targets: breakdowns, setups and idle time; small\n"
      "stops (the counter still while running) and reduced speed, half of the performance loss each;\n"
      "rejects at random. DIR/oee-truth.json is the OEE built in (twinctl-oee/v1 totals per asset and\n"
      "line), for `replay --twin DIR -o oee=FILE` to be checked against.");
  add_twin_options(*sub, a->twin);
  sub->add_option("--sensors", a->sensors, "Synthetic sensors instead of the twin's")->check(CLI::Range(1, 10000000));
  sub->add_option("--duration", a->duration, "Length: 90s, 30m, 6h, 2d or PT6H")->capture_default_str();
  sub->add_option("--interval", a->sim.interval, "Seconds between readings (default: each sensor's interval, else 10)")
      ->check(CLI::Range(0.001, 86400.0));
  sub->add_option("--start", a->start, "Time of the first reading (RFC 3339)")->capture_default_str();
  sub->add_option("--seed", a->sim.seed, "Seed of the generator")->capture_default_str();
  sub->add_option("--fault-rate", a->sim.fault_rate, "Share of sensors with one injected fault, 0 to 1 (0 = clean)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--format", a->format, "csv or jsonl")->check(CLI::IsMember({"csv", "jsonl"}))->capture_default_str();
  sub->add_option("--out", a->out, "Output directory (created); with --publish only truth.csv is written");
  sub->add_flag("--force", a->force, "Replace readings and truth.csv already in --out");
  sub->add_flag("--production", a->production,
                "Statuses and part counters of the twin's production assets, with a known OEE (oee-truth.json)")
      ->group("Production");
  sub->add_option("--availability", a->prod.availability, "With --production: target share of planned time running")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str()
      ->group("Production");
  sub->add_option("--performance", a->prod.performance,
                  "With --production: target share of the ideal rate while running")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str()
      ->group("Production");
  sub->add_option("--quality", a->prod.quality, "With --production: target share of good parts")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str()
      ->group("Production");
  add_publish_options(*sub, a->publish);
  sub->add_option("--speed", a->speed, "With --publish: N for N x real time (default 1), or max")
      ->capture_default_str();
  sub->footer(help_footer(
      "  twinctl simulate sensors --twin examples/factory --duration 6h --out /tmp/s\n"
      "  twinctl simulate sensors --sensors 1000 --duration 1d --seed 7 --out /tmp/big\n"
      "  twinctl simulate sensors --sensors 50 --fault-rate 0 --format jsonl --out /tmp/clean\n"
      "  twinctl replay /tmp/s/readings.csv --twin examples/factory -o alerts=/tmp/s/alerts.jsonl\n"
      "  twinctl simulate sensors --twin examples/factory --duration 1h --speed 60 --publish mqtt://localhost/demo\n"
      "  twinctl simulate sensors --twin line --production --availability 0.8 --performance 0.9 --quality 0.95 \\\n"
      "      --duration 7d --out /tmp/line; twinctl replay /tmp/line/readings.csv --twin line -o oee=/tmp/line/oee.json\n"));
  sub->callback([a, &g, &rc] { rc = run_simulate_sensors(*a, g); });
}

} // namespace twinctl::cmd
