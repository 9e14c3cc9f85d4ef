// `twinctl replay FILE…`: stream sensor readings through the detectors and
// write alert events and a summary. Load (twin, optional) -> compute
// (lib/sensors, one reading at a time) -> render (lib/output/replay).
#include "cmd/commands.hpp"
#include "cmd/common.hpp"
#include "cmd/pacer.hpp"
#include "cmd/publish.hpp"
#include "cmd/replay_kafka.hpp"
#include "cmd/readings.hpp"
#include "lib/io/files.hpp"
#include "lib/io/line_reader.hpp"
#include "lib/oee/oee.hpp"
#include "lib/output/oee_output.hpp"
#include "lib/output/replay.hpp"
#include "lib/sensors/replay.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

namespace twinctl::cmd {

namespace {

using Clock = std::chrono::steady_clock;

struct ReplayArgs {
  std::vector<std::string> files;
  TwinArgs twin;
  std::string format = "auto"; // auto|csv|jsonl
  std::vector<std::string> settings;
  double window = 10;
  std::string speed = "max";
  bool strict = false;
  size_t max_sensors = 100000;
  std::string learn, model_in, model_out; // multivariate models: --learn FILE, --model FILE, --model-out FILE
  std::string fail_on = "critical";
  PublishArgs publish;
  std::string checkpoint_dir; // kafka://: detector state per partition
};

// An output target: stdout or a file opened once and streamed to.
struct Target {
  std::unique_ptr<std::ofstream> file;
  std::ostream* out = nullptr;
  std::string path;
};

Target open_target(const std::string& path) {
  Target t;
  t.path = path;
  if (path.empty() || path == "-") {
    t.out = &std::cout;
    return t;
  }
  t.file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*t.file) {
    throw Error(path + ": cannot write");
  }
  t.out = t.file.get();
  return t;
}

std::vector<std::pair<std::string, std::string>> output_specs(const GlobalOptions& g) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& spec : g.outputs.empty() ? std::vector<std::string>{"table"} : g.outputs) {
    const size_t eq = spec.find('=');
    out.emplace_back(spec.substr(0, eq), eq == std::string::npos ? "" : spec.substr(eq + 1));
  }
  return out;
}

// The twin's DetectorPolicy, then --set (which overrides it): each twin
// setting's error names its file and line.
void apply_detector_settings(sensors::DetectorConfig& config, const model::Twin* twin,
                             const std::vector<std::string>& settings) {
  if (twin) {
    for (const model::DetectorSetting& s : twin->detector_policy.settings) {
      try {
        sensors::apply_setting(config, s.sensor_type ? std::optional<std::string_view>(*s.sensor_type) : std::nullopt,
                               s.key, s.value);
      } catch (const Error& e) {
        throw Error(s.loc.str() + ": " + e.what());
      }
    }
  }
  for (const std::string& s : settings) {
    sensors::apply_setting(config, s);
  }
}

// Readings the detectors never saw, beyond what messy data explains: more
// than 1 % dropped as out of order (a newest-first export loses nearly all),
// or sensors past --max-sensors. "" when the replay judged what it read.
std::string lost_readings(const sensors::ReplaySummary& s, size_t max_sensors) {
  std::string out;
  const uint64_t seen = s.readings - s.over_cap_readings;
  if (s.out_of_order > 0 && double(s.out_of_order) > 0.01 * double(seen)) {
    out = std::to_string(s.out_of_order) + " of " + std::to_string(seen) +
          " readings were older than their sensor's previous reading and were dropped (is the input sorted by "
          "time, oldest first?)";
  }
  // Lines that could not be read were not judged: past 1 % of the lines (or
  // when nothing could be read), what was judged is not the input.
  const uint64_t lines = s.readings + s.bad_lines;
  if (s.bad_lines > 0 && (s.readings == 0 || double(s.bad_lines) > 0.01 * double(lines))) {
    out += (out.empty() ? "" : "; ") + std::to_string(s.bad_lines) + " of " + std::to_string(lines) +
           " lines could not be read and were not judged";
  }
  if (s.over_cap_readings > 0) {
    out += (out.empty() ? "" : "; ") + std::to_string(s.over_cap_readings) + " readings of sensors beyond the first " +
           std::to_string(max_sensors) + " were skipped (--max-sensors)";
  }
  return out;
}

int run_replay(const ReplayArgs& a, const GlobalOptions& g) {
  // Load: options, the twin when named, output targets (before reading data).
  sensors::ReplayOptions opts;
  opts.max_sensors = a.max_sensors;
  const auto fail_on = sensors::parse_severity(a.fail_on);
  const double speed = parse_speed(a.speed);
  std::optional<loaders::LoadResult> loaded;
  if (!a.twin.twin.empty() || !a.twin.repo.empty()) {
    loaded = load_twin(a.twin);
    if (!loaded->errors.empty()) {
      print_errors(loaded->errors);
      return k_exit_error;
    }
  }
  apply_detector_settings(opts.detectors, loaded ? &loaded->twin : nullptr, a.settings);
  Target alerts_target, aggregates_target, oee_target;
  std::unique_ptr<io::KafkaProducer> alerts_kafka; // -o alerts=kafka://…/TOPIC
  std::string alerts_topic;
  std::vector<std::pair<std::string, std::string>> summaries;
  for (const auto& [fmt, path] : output_specs(g)) {
    if (fmt == "alerts" && io::is_kafka_url(path)) {
      const io::KafkaUrl k = io::parse_kafka_url(path);
      alerts_topic = k.topic;
      alerts_kafka = std::make_unique<io::KafkaProducer>(k);
    } else if (fmt == "alerts") {
      alerts_target = open_target(path);
    } else if (fmt == "aggregates") {
      aggregates_target = open_target(path);
      opts.window = a.window;
    } else if (fmt == "oee") {
      if (!loaded) {
        throw Error("-o oee needs the twin (--twin): OEE comes from its assets' production settings");
      }
      oee_target = open_target(path);
    } else {
      summaries.emplace_back(fmt, path);
    }
  }
  if (summaries.empty() && (!alerts_target.out || alerts_target.out != &std::cout) &&
      (!aggregates_target.out || aggregates_target.out != &std::cout) &&
      (!oee_target.out || oee_target.out != &std::cout)) {
    summaries.emplace_back("table", ""); // the table, unless stdout already carries a stream
  }

  // Connect before reading: a broker that cannot be reached is exit 2 at once.
  std::unique_ptr<SensorPublisher> publisher;
  if (!a.publish.url.empty()) {
    publisher = std::make_unique<SensorPublisher>(a.publish);
  }

  output::ReplayReport report;
  report.inputs = a.files;
  std::optional<io::KafkaUrl> kafka_url;
  if (std::any_of(a.files.begin(), a.files.end(), [](const std::string& f) { return io::is_kafka_url(f); })) {
    if (a.files.size() != 1) {
      throw Error("replay reads one kafka:// URL, or files: not both");
    }
    kafka_url = io::parse_kafka_url(a.files[0]);
    if (kafka_url->group.empty()) {
      throw Error(kafka_url->display + ": ?group=G is required (the consumer group that shares the partitions)");
    }
    if (speed > 0) {
      throw Error("--speed paces files: a Kafka topic is read as it comes");
    }
    if (!a.model_out.empty()) {
      throw Error("--model-out writes the models of one replay of files; with kafka:// each partition learns its own");
    }
    if (oee_target.out) {
      throw Error("-o oee is computed from files; with kafka:// it is not (yet)");
    }
  } else if (!a.checkpoint_dir.empty()) {
    throw Error("--checkpoint-dir is for kafka:// input");
  }
  report.fail_on = a.fail_on;

  // Learn: multivariate models from --model, then from a known-good recording (--learn).
  uint64_t bad_lines = 0;
  auto on_bad = [&](const std::string& where) {
    ++bad_lines;
    if (a.strict) {
      throw Error(where);
    }
    if (report.bad_line_samples.size() < 10) {
      report.bad_line_samples.push_back(where);
    }
  };
  if (!a.model_in.empty()) {
    for (auto& [asset, m] : sensors::models_from_json(io::read_file(a.model_in, size_t(64) << 20), a.model_in)) {
      opts.mv_models[asset] = std::move(m);
    }
  }
  if (!a.learn.empty()) {
    sensors::ReplayOptions learn_opts = opts;
    learn_opts.learn_whole = true;
    sensors::Replayer learner(loaded ? &loaded->twin : nullptr, learn_opts, {});
    for_each_reading(a.learn, a.format, [&](const sensors::Reading& r, int line_no) { learner.add(r, line_no); },
                     on_bad);
    learner.finish();
    for (auto& [asset, m] : learner.models()) {
      opts.mv_models[asset] = std::move(m);
    }
  }

  // Compute: every file, line by line, through one engine.
  auto alert_sink = [&](const model::Alert& al) {
    if (alerts_target.out) {
      output::write_alert_jsonl(*alerts_target.out, al);
    }
    if (alerts_kafka) {
      alerts_kafka->send(alerts_topic, al.asset, output::alert_json(al)); // keyed by asset, like the readings
    }
    if (publisher) {
      publisher->alert(al);
    }
  };
  auto aggregate_sink = [&](const sensors::Aggregate& ag) {
    *aggregates_target.out << sensors::format_time_ms(ag.start_ms) << ',' << ag.machine << ',' << ag.sensor << ','
                           << ag.count << ',' << ag.min << ',' << ag.mean << ',' << ag.max << '\n';
  };
  if (aggregates_target.out) {
    *aggregates_target.out << "window_start,machineId,sensorType,count,min,mean,max\n";
  }
  std::unique_ptr<oee::Tracker> oee_tracker;
  if (oee_target.out) {
    oee_tracker = std::make_unique<oee::Tracker>(loaded->twin);
    if (!oee_tracker->tracks()) {
      throw Error("-o oee: no asset of the twin has 'production:' (ideal_cycle and part counters)");
    }
  }
  sensors::Replayer engine(loaded ? &loaded->twin : nullptr, opts, alert_sink,
                           aggregates_target.out ? sensors::AggregateSink(aggregate_sink) : sensors::AggregateSink());
  const auto start = Clock::now();
  Pacer pacer(speed, !g.quiet && ::isatty(STDERR_FILENO), "replay");
  std::string payload;
  if (publisher) {
    pacer.on_idle([&] { publisher->idle(); });
  }
  std::optional<KafkaReplayResult> kafka;
  if (kafka_url) {
    KafkaReplayOptions ko;
    ko.url = *kafka_url;
    ko.checkpoint_dir = a.checkpoint_dir;
    ko.format = a.format;
    ko.twin = loaded ? &loaded->twin : nullptr;
    ko.engine = opts;
    ko.quiet = g.quiet;
    KafkaReplayHooks hooks;
    hooks.alert = alert_sink;
    if (aggregates_target.out) {
      hooks.aggregate = aggregate_sink;
    }
    hooks.bad = on_bad;
    hooks.flush = [&] {
      if (alerts_kafka) {
        alerts_kafka->flush(); // delivered before any offset moves
      }
      if (alerts_target.out) {
        alerts_target.out->flush();
        if (!*alerts_target.out) {
          throw Error((alerts_target.path.empty() ? std::string("stdout") : alerts_target.path) + ": write failed");
        }
      }
    };
    if (publisher) {
      hooks.reading = [&](const sensors::Reading& r) {
        payload.clear();
        output::append_reading_json(payload, r);
        publisher->reading(r.machine, r.sensor, payload);
      };
    }
    kafka = replay_kafka(ko, hooks);
  }
  for (const std::string& file : kafka_url ? std::vector<std::string>{} : a.files) {
    for_each_reading(file, a.format, [&](const sensors::Reading& r, int line_no) {
      // Paced, then published, then judged: a reading goes out before the alerts it raises.
      pacer.tick(r.ts_ms, line_no);
      if (publisher) {
        payload.clear();
        output::append_reading_json(payload, r);
        publisher->reading(r.machine, r.sensor, payload);
      }
      engine.add(r, line_no);
      if (oee_tracker) {
        oee_tracker->add(r);
      }
    }, on_bad);
  }
  if (!kafka_url) {
    engine.finish();
  }
  if (oee_tracker) {
    const oee::Result oee = oee_tracker->finish();
    output::write_oee_json(*oee_target.out, oee);
    oee_target.out->flush();
    if (!*oee_target.out) {
      throw Error("-o oee: cannot write");
    }
    for (const std::string& n : oee.notes) {
      std::cerr << "twinctl: note: oee: " << util::visible(n) << "\n";
    }
  }
  pacer.done();
  if (publisher) {
    publisher->close();
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!a.model_out.empty()) {
    io::write_file(a.model_out, sensors::models_to_json(engine.models()));
  }
  report.summary = kafka ? kafka->summary : engine.summary();
  report.summary.bad_lines = bad_lines;

  // Render: summaries, then the gate.
  for (const std::string& b : report.bad_line_samples) {
    std::cerr << "twinctl: warning: " << util::visible(b) << "\n";
  }
  if (bad_lines > report.bad_line_samples.size()) {
    std::cerr << "twinctl: warning: " << bad_lines << " bad lines in all (use --strict to make them an error)\n";
  }
  if (kafka) {
    report.inputs = {kafka_url->display};
    report.kafka = output::ReplayReport::Kafka{kafka->misrouted, kafka->unkeyed, kafka->skipped, kafka->incomplete};
    for (const std::string& m : kafka->misrouted_samples) {
      std::cerr << "twinctl: warning: " << util::visible(m) << "\n";
    }
    if (kafka->misrouted > 0) {
      std::cerr << "twinctl: warning: " << kafka->misrouted
                << " readings arrived on a partition their machineId does not belong to (producers must key each "
                   "reading by its machineId, partitioner murmur2): a sensor split over partitions is judged in "
                   "pieces\n";
    }
  }
  const std::string lost = lost_readings(report.summary, a.max_sensors);
  if (!lost.empty() && a.strict) {
    throw Error(lost);
  }
  if (!lost.empty()) {
    std::cerr << "twinctl: warning: " << lost << " (exit 3; --strict makes it an error)\n";
  }
  if (alerts_kafka) {
    alerts_kafka->flush();
  }
  if (alerts_target.file) {
    alerts_target.file->close();
    if (!*alerts_target.file) {
      throw Error(alerts_target.path + ": write failed");
    }
  }
  for (const auto& [fmt, path] : summaries) {
    std::ostringstream buf;
    if (fmt == "table") {
      output::write_replay_table(buf, report);
    } else if (fmt == "json") {
      output::write_replay_json(buf, report);
    } else {
      output::write_replay_markdown(buf, report);
    }
    if (path.empty() || path == "-") {
      std::cout << buf.view() << std::flush;
    } else {
      io::write_file(path, buf.view());
    }
  }
  if (!g.quiet) {
    const auto& s = report.summary;
    std::cerr << "twinctl: replayed " << s.readings << " readings in " << report.seconds << " s ("
              << (report.seconds > 0 ? double(s.readings) / report.seconds / 1e6 : 0) << " M/s)\n";
    if (publisher) {
      std::cerr << "twinctl: published " << publisher->published() << " messages to " << publisher->endpoint() << "\n";
    }
  }
  for (size_t sev = size_t(*fail_on); *fail_on != sensors::Severity::none && sev <= 3; ++sev) {
    if (report.summary.alerts_by_severity[sev] > 0) {
      return k_exit_gate_failed; // failed on the readings judged, whatever was lost
    }
  }
  if (kafka && !kafka->incomplete.empty()) {
    std::cerr << "twinctl: " << kafka_url->display << ": stopped before the end: " << util::visible(kafka->incomplete)
              << " (exit 3; offsets are committed up to what was judged)\n";
    return k_exit_incomplete;
  }
  if (kafka && kafka->skipped > 0) {
    std::cerr << "twinctl: warning: " << kafka->skipped
              << " readings were deleted from the topic before they were read (exit 3)\n";
    return k_exit_incomplete;
  }
  return lost.empty() ? k_exit_ok : k_exit_incomplete;
}

} // namespace

void register_replay(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<ReplayArgs>();
  auto* sub = root.add_subcommand("replay", "Stream sensor readings through the detectors and write alert events");
  sub->description(
      "Read sensor readings (CSV timestamp,machineId,sensorType,value,unit,quality or JSONL with the same\n"
      "keys; '-' is stdin) as a stream in constant memory and run the detectors: threshold (from the twin,\n"
      "with hysteresis), range, anomaly (outliers rare for the sensor, level shifts and change points\n"
      "against limits learned from each sensor; daily and weekly cycles learned), multivariate (per\n"
      "asset: PCA T2 and Q, learned from its first 50 rows per sensor, --learn FILE or --model FILE),\n"
      "stuck, gap (no data) and quality; rate, zscore and\n"
      "ewma are off. Defaults are in units of each sensor's learned sampling interval. Alerts are\n"
      "raise/clear events with a pending period and keep-firing (-o alerts=FILE, the input of rca\n"
      "--alerts). See man twinctl-replay for every detector, its parameters and defaults. Detector\n"
      "settings come from the twin's DetectorPolicy (policy/detectors.yaml) and --set, which overrides\n"
      "it. --publish sends each reading to PREFIX/readings/MACHINE/SENSOR and each alert event to\n"
      "PREFIX/alerts/ASSET/SENSOR (kafka://: topics PREFIX.readings and PREFIX.alerts).\n"
      "kafka://HOST:PORT[,...]/TOPIC?group=G reads a topic as a member of consumer group G: N processes\n"
      "split its partitions (producers key readings by machineId, partitioner murmur2); offsets are\n"
      "committed after the alerts are flushed and each partition's state is checkpointed to\n"
      "--checkpoint-dir (at-least-once); ?until=end stops at the end offsets seen at the start. TLS and\n"
      "SASL from TWINCTL_KAFKA_* (man twinctl-replay, KAFKA).");
  sub->add_option("FILE", a->files,
                  "Readings: CSV or JSONL files, '-' for stdin, or kafka://HOST:PORT[,…]/TOPIC?group=G[&until=end]")
      ->required();
  sub->add_option("--checkpoint-dir", a->checkpoint_dir,
                  "kafka:// input: keep each partition's detector state here (shared by the group), restored "
                  "when a partition moves");
  add_twin_options(*sub, a->twin);
  sub->add_option("--format", a->format, "Input format (auto: by extension, else by the first line)")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}))
      ->capture_default_str();
  sub->add_option("--set", a->settings,
                  "Detector setting [TYPE:]DETECTOR.PARAM=VALUE or [TYPE:]DETECTOR=on|off, repeatable");
  sub->add_option("--window", a->window, "Seconds of the window aggregates written by -o aggregates=FILE")
      ->check(CLI::Range(0.001, 1e9))
      ->capture_default_str();
  sub->add_option("--speed", a->speed, "max, or N for N x real time")->capture_default_str();
  add_publish_options(*sub, a->publish);
  sub->add_option("--learn", a->learn,
                  "Learn each asset's multivariate model from this known-good recording (CSV or JSONL)");
  sub->add_option("--model", a->model_in, "Multivariate models to judge with (JSON written by --model-out)");
  sub->add_option("--model-out", a->model_out,
                  "Write the multivariate models as learned (JSON, see man twinctl-replay)");
  sub->add_option("--max-sensors", a->max_sensors,
                  "Distinct sensors judged; readings of more are counted and skipped (exit 3)")
      ->check(CLI::Range(size_t(1), size_t(100000000)))
      ->capture_default_str();
  sub->add_flag("--strict", a->strict,
                "Bad lines, > 1 % out-of-order readings or sensors past --max-sensors are an error (exit 2)");
  sub->add_option("--fail-on", a->fail_on, "Exit 1 when alerts of this severity or above were raised")
      ->check(CLI::IsMember({"critical", "warning", "info", "none"}))
      ->capture_default_str();
  add_output_option(*sub, g, {"table", "json", "markdown", "alerts", "aggregates", "oee"});
  sub->footer(help_footer(
      "  twinctl replay readings.csv --twin examples/factory -o alerts=alerts.jsonl\n"
      "  twinctl simulate sensors --twin examples/factory --duration 6h --out /tmp/s && \\\n"
      "    twinctl replay /tmp/s/readings.csv --twin examples/factory -o json=summary.json -o alerts=-\n"
      "  zcat day.jsonl.gz | twinctl replay - --set temperature:zscore.limit=6 --fail-on warning\n"
      "  twinctl replay readings.csv --speed 60 -o aggregates=agg.csv --window 10\n"
      "  twinctl replay good-week.csv --model-out pump.model.json && twinctl replay today.csv --model pump.model.json\n"
      "  TWINCTL_PASSWORD=... twinctl replay day.csv --twin plant --speed 10 --publish mqtt://ops@broker:1883/plant/replay\n"
      "  twinctl replay 'kafka://k1:9092,k2:9092/plant.readings?group=nightly&until=end' --checkpoint-dir ck \\\n"
      "    -o alerts=kafka://k1:9092/plant.alerts\n"));
  sub->callback([a, &g, &rc] { rc = run_replay(*a, g); });
}

} // namespace twinctl::cmd
