// `twinctl simulate sensors`: readings with injected faults and their ground
// truth, for demos, the detector quality harness (bench/sensor_quality.py)
// and the replay benchmarks.
#include "cmd/commands.hpp"
#include "cmd/common.hpp"
#include "lib/sensors/simulate.hpp"
#include "lib/util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

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
};

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

int run_simulate_sensors(SensorsArgs& a, const GlobalOptions& g) {
  a.sim.duration = parse_span(a.duration);
  auto start = sensors::parse_time_ms(a.start);
  if (!start || a.start.size() < 19) {
    throw Error("--start '" + a.start + "': expected an RFC 3339 time such as 2026-05-04T00:00:00Z");
  }
  a.sim.start_ms = *start;
  a.sim.format = a.format == "jsonl" ? sensors::Format::jsonl : sensors::Format::csv;
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
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) {
    throw Error(a.out + ": cannot create directory: " + ec.message());
  }
  const std::string readings_path = a.out + "/readings." + a.format;
  File readings(readings_path);
  uint64_t bytes = 0;
  auto truth = sensors::simulate_sensors(specs, a.sim, [&](std::string_view chunk) {
    readings.write(chunk);
    bytes += chunk.size();
  });
  readings.close();
  File t(a.out + "/truth.csv");
  t.write("machineId,sensorType,kind,start,end\n");
  for (const auto& f : truth) {
    t.write(f.machine + "," + f.sensor + "," + f.kind + "," + sensors::format_time_ms(f.start_ms) + "," +
            sensors::format_time_ms(f.end_ms) + "\n");
  }
  t.close();
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
      "(machineId,sensorType,kind,start,end). The same options give the same bytes.");
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
  sub->add_option("--out", a->out, "Output directory (created)")->required();
  sub->footer(help_footer(
      "  twinctl simulate sensors --twin examples/factory --duration 6h --out /tmp/s\n"
      "  twinctl simulate sensors --sensors 1000 --duration 1d --seed 7 --out /tmp/big\n"
      "  twinctl simulate sensors --sensors 50 --fault-rate 0 --format jsonl --out /tmp/clean\n"
      "  twinctl replay /tmp/s/readings.csv --twin examples/factory -o alerts=/tmp/s/alerts.jsonl\n"));
  sub->callback([a, &g, &rc] { rc = run_simulate_sensors(*a, g); });
}

} // namespace twinctl::cmd
