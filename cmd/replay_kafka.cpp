// The partition loop of `replay kafka://…` (see replay_kafka.hpp). Per
// partition: restore the checkpoint that matches the group's committed
// offset, read, judge, and at each commit point flush the alerts, checkpoint
// the state and commit the offset, in that order.
#include "cmd/replay_kafka.hpp"

#include "cmd/readings.hpp"
#include "lib/io/kafka_checkpoint.hpp"
#include "lib/util/error.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <unordered_map>

namespace twinctl::cmd {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

constexpr size_t k_max_message = size_t(1) << 20;

struct Part {
  std::unique_ptr<sensors::Replayer> engine;
  int64_t next = -1;  // the next offset to read: what a commit records
  int64_t committed = -1;
  int64_t end = -1;   // ?until=end: stop before this offset
  int64_t start = 0;  // where this process started reading it
  uint64_t messages = 0; // read by this process since `start`
  bool done = false;  // reached `end` (and finished)
  sensors::Reading reading; // reused: the parsers keep their timestamp cache in it
};

class Run {
public:
  Run(const KafkaReplayOptions& o, const KafkaReplayHooks& h) : m_o(o), m_h(h) {
    // Alerts raised by this process (a restored partition's summary holds its earlier owners' too).
    m_alert = [this](const model::Alert& a) {
      if (a.event == "raise") {
        ++m_raised[size_t(sensors::parse_severity(a.severity).value_or(sensors::Severity::none))];
      }
      m_h.alert(a);
    };
    if (!o.checkpoint_dir.empty()) {
      m_store = std::make_unique<io::CheckpointStore>(o.checkpoint_dir, o.url.topic, o.url.group);
    }
  }

  KafkaReplayResult run();

private:
  // Progress on stderr (not under --quiet); warnings always.
  void note(const std::string& text) const {
    if (!m_o.quiet || text.rfind("warning: ", 0) == 0) {
      std::cerr << "twinctl: " << text << "\n";
    }
  }
  void assigned(std::vector<io::KafkaConsumer::Assigned>& parts);
  void revoked(const std::vector<int32_t>& ids);
  void message(const io::KafkaMessage& msg);
  void reached(int32_t id, int64_t offset);
  void check_route(const io::KafkaMessage& msg, const sensors::Reading& r);
  // Flush the alerts, checkpoint and commit the partitions read since the
  // last commit (all of `ids` when given). False when the brokers refused or
  // did not answer; true when the group was rebalancing (tried again later).
  bool commit(const std::vector<int32_t>* ids = nullptr);
  void retire(int32_t id);
  bool all_done();

  const KafkaReplayOptions& m_o;
  const KafkaReplayHooks& m_h;
  std::unique_ptr<io::KafkaConsumer> m_consumer;
  std::unique_ptr<io::CheckpointStore> m_store;
  std::map<int32_t, Part> m_parts;
  std::vector<int64_t> m_ends; // ?until=end: the end offsets seen at start; else the partition count only
  std::unordered_map<std::string, int32_t> m_machine_partition;
  KafkaReplayResult m_result;
  std::vector<sensors::ReplaySummary> m_retired; // summaries of partitions revoked from this process
  sensors::AlertSink m_alert;
  std::array<uint64_t, 4> m_raised{};
  uint64_t m_read = 0; // readings parsed by this process
  bool m_assigned_once = false;
};

void Run::assigned(std::vector<io::KafkaConsumer::Assigned>& parts) {
  m_assigned_once = true;
  for (io::KafkaConsumer::Assigned& a : parts) {
    Part& p = m_parts[a.partition];
    p.committed = a.committed;
    p.engine = std::make_unique<sensors::Replayer>(m_o.twin, m_o.engine, m_alert, m_h.aggregate);
    p.next = a.committed;
    if (m_o.url.until_end && size_t(a.partition) < m_ends.size()) {
      p.end = m_ends[size_t(a.partition)];
      p.done = std::max<int64_t>(p.next, 0) >= p.end;
    }
    std::string from = a.committed >= 0 ? "committed offset " + std::to_string(a.committed) : "the beginning";
    if (m_store && !p.done) {
      from += " (no usable checkpoint: detector state starts empty)";
      // The newest checkpoint. One past the committed offset is as good as a
      // commit (it is written after the alerts before it were flushed; only the
      // commit did not land, e.g. during a rebalance); one before it means
      // reading again from there.
      for (const io::CheckpointStore::Found& ck : m_store->candidates(a.partition, INT64_MAX)) {
        try {
          p.engine->load_state(m_store->read(ck), ck.path);
        } catch (const Error& e) {
          note(std::string("warning: ") + e.what() + "; trying an older one");
          p.engine = std::make_unique<sensors::Replayer>(m_o.twin, m_o.engine, m_alert, m_h.aggregate);
          continue;
        }
        a.start = p.next = ck.offset;
        from = "checkpoint at offset " + std::to_string(ck.offset) +
               (ck.offset == a.committed ? ""
                : ck.offset < a.committed ? " (before the committed " + std::to_string(a.committed) + ": read again)"
                                          : " (the committed offset is " + std::to_string(a.committed) + ")");
        p.done = p.end >= 0 && p.next >= p.end; // finished by its last owner
        break;
      }
    }
    // p.next < 0: the group has not committed this partition; it is read from
    // the earliest offset the log still holds.
    p.start = p.next;
    note(m_o.url.topic + "[" + std::to_string(a.partition) + "]: assigned, reading from " + from +
         (p.done ? "; nothing to read before the end" : ""));
  }
}

void Run::retire(int32_t id) {
  auto it = m_parts.find(id);
  if (it != m_parts.end()) {
    m_retired.push_back(it->second.engine->summary());
    m_parts.erase(it);
  }
}

void Run::revoked(const std::vector<int32_t>& ids) {
  // Their next owner starts at what is committed now (or at the checkpoints
  // written here, when the group refuses commits while it rebalances).
  if (!commit(&ids)) {
    note("warning: " + m_o.url.display + ": " + m_consumer->why() +
         " while giving partitions up: their next owner starts at the checkpoints written here, or without "
         "--checkpoint-dir reads again from the last commit");
  }
  for (int32_t id : ids) {
    if (auto it = m_parts.find(id); it != m_parts.end()) {
      note(m_o.url.topic + "[" + std::to_string(id) + "]: revoked at offset " + std::to_string(it->second.next) +
           " (" + std::to_string(it->second.messages) + " messages read from offset " +
           std::to_string(it->second.start) + ")");
    }
    retire(id);
  }
}

bool Run::commit(const std::vector<int32_t>* ids) {
  std::vector<std::pair<int32_t, int64_t>> offsets;
  for (auto& [id, p] : m_parts) {
    const bool wanted = !ids || std::find(ids->begin(), ids->end(), id) != ids->end();
    if (wanted && p.next > p.committed && p.next >= 0) {
      offsets.emplace_back(id, p.next);
    }
  }
  if (offsets.empty()) {
    return true;
  }
  m_h.flush(); // the alerts of everything read: written before any offset moves
  if (m_store) {
    for (const auto& [id, next] : offsets) {
      m_store->save(id, next, m_parts[id].engine->save_state());
    }
  }
  const io::KafkaConsumer::Commit c = m_consumer->commit(offsets);
  if (c != io::KafkaConsumer::Commit::ok) {
    // Rebalancing: the checkpoints just written hand the state over (they are
    // as good as the commit); the next commit point tries again.
    return c == io::KafkaConsumer::Commit::rebalancing;
  }
  for (const auto& [id, next] : offsets) {
    m_parts[id].committed = next;
    if (m_store) {
      m_store->prune(id, next);
    }
  }
  return true;
}

void Run::check_route(const io::KafkaMessage& msg, const sensors::Reading& r) {
  std::string why;
  if (!msg.has_key) {
    ++m_result.unkeyed;
    why = "no key (producers must key readings by machineId)";
  } else if (msg.key != r.machine) {
    why = "key '" + std::string(msg.key.substr(0, 64)) + "' is not its machineId";
  } else if (!m_ends.empty() && io::kafka_partition_of(msg.key, int32_t(m_ends.size())) != msg.partition) {
    why = "its key hashes (murmur2) to partition " +
          std::to_string(io::kafka_partition_of(msg.key, int32_t(m_ends.size())));
  } else if (m_machine_partition.size() < m_o.engine.max_sensors) {
    auto [it, added] = m_machine_partition.try_emplace(std::string(r.machine), msg.partition);
    if (!added && it->second != msg.partition) {
      why = "machineId also seen on partition " + std::to_string(it->second);
    }
  }
  if (!why.empty()) {
    ++m_result.misrouted;
    if (m_result.misrouted_samples.size() < 5) {
      m_result.misrouted_samples.push_back(m_o.url.topic + "[" + std::to_string(msg.partition) + "]@" +
                                           std::to_string(msg.offset) + ": machineId '" +
                                           std::string(r.machine.substr(0, 64)) + "': " + why);
    }
  }
}

void Run::message(const io::KafkaMessage& msg) {
  auto it = m_parts.find(msg.partition);
  if (it == m_parts.end() || it->second.done) {
    return; // not ours (any more), or past the end: not read, not committed
  }
  Part& p = it->second;
  if (p.end >= 0 && msg.offset >= p.end) {
    return;
  }
  auto where = [&] { return m_o.url.topic + "[" + std::to_string(msg.partition) + "]@" + std::to_string(msg.offset); };
  if (p.start < 0) {
    p.start = msg.offset;
  } else if (msg.offset > p.next) {
    // Offsets the log no longer holds (retention, or a reset to the earliest):
    // readings that were never judged. Not silent.
    m_result.skipped += uint64_t(msg.offset - p.next);
    note("warning: " + where() + ": offsets " + std::to_string(p.next) + " to " + std::to_string(msg.offset - 1) +
         " are no longer in the log: never read");
  }
  p.next = msg.offset + 1;
  ++p.messages;
  std::string_view line = msg.payload;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  const char* why = nullptr;
  if (msg.payload.size() > k_max_message) {
    why = "message longer than 1 MiB";
  } else if (line.empty()) {
    why = "empty message";
  } else {
    const sensors::Format f = format_of(m_o.format, "", line);
    if (f == sensors::Format::csv && sensors::is_csv_header(line)) {
      why = ""; // a header: not a reading, not an error
    } else {
      why = f == sensors::Format::csv ? sensors::parse_csv_line(line, p.reading)
                                      : sensors::parse_jsonl_line(line, p.reading);
    }
  }
  if (why) {
    if (*why) {
      m_h.bad(where() + ": " + why);
    }
  } else {
    ++m_read;
    check_route(msg, p.reading);
    if (m_h.reading) {
      m_h.reading(p.reading);
    }
    p.engine->add(p.reading, 0);
  }
  reached(msg.partition, p.next);
}

// ?until=end: a partition read up to its end offset is finished (its silent
// sensors raise their gaps, open alerts clear) and no longer fetched.
void Run::reached(int32_t id, int64_t offset) {
  auto it = m_parts.find(id);
  if (it == m_parts.end() || it->second.done || it->second.end < 0 || offset < it->second.end) {
    return;
  }
  Part& p = it->second;
  p.done = true;
  p.next = std::max(p.next, p.end);
  p.engine->finish();
  m_consumer->pause(id);
  note(m_o.url.topic + "[" + std::to_string(id) + "]: end offset " + std::to_string(p.end) + " reached");
}

bool Run::all_done() {
  if (!m_o.url.until_end || !m_assigned_once) {
    return false;
  }
  for (const auto& [id, p] : m_parts) {
    if (!p.done) {
      return false;
    }
  }
  // Ours are done: the group is when every partition is committed to its end
  // (a member that died keeps its partitions unfinished until they move).
  auto committed = m_consumer->committed(m_ends.size());
  if (!committed) {
    return false;
  }
  for (size_t i = 0; i < m_ends.size(); ++i) {
    if (m_ends[i] > 0 && (*committed)[i] < m_ends[i]) {
      return false;
    }
  }
  return true;
}

KafkaReplayResult Run::run() {
  g_stop = 0;
  auto old_int = std::signal(SIGINT, on_stop);
  auto old_term = std::signal(SIGTERM, on_stop);
  io::KafkaConsumer::Handler handler;
  handler.on_assign = [this](std::vector<io::KafkaConsumer::Assigned>& parts) { assigned(parts); };
  handler.on_revoke = [this](const std::vector<int32_t>& ids) { revoked(ids); };
  m_consumer = std::make_unique<io::KafkaConsumer>(m_o.url, handler);
  if (auto ends = m_consumer->end_offsets()) {
    m_ends = std::move(*ends);
    if (!m_o.url.until_end) {
      std::fill(m_ends.begin(), m_ends.end(), -1);
    }
  } else {
    m_result.incomplete = m_consumer->why();
  }
  auto last_commit = Clock::now();
  auto last_check = Clock::now();
  io::KafkaMessage msg;
  while (m_result.incomplete.empty() && !g_stop) {
    const io::KafkaConsumer::Event e = m_consumer->poll(200, msg);
    if (e == io::KafkaConsumer::Event::message) {
      message(msg);
    } else if (e == io::KafkaConsumer::Event::end) {
      reached(msg.partition, msg.offset);
    } else if (e == io::KafkaConsumer::Event::unreachable) {
      m_result.incomplete = m_consumer->why();
      break;
    }
    const auto now = Clock::now();
    if (now - last_commit > std::chrono::duration<double>(m_o.commit_every) || e == io::KafkaConsumer::Event::idle) {
      last_commit = now;
      if (!commit()) {
        m_result.incomplete = m_consumer->why();
        break;
      }
    }
    if (e == io::KafkaConsumer::Event::idle && now - last_check > std::chrono::milliseconds(500)) {
      last_check = now;
      if (all_done()) {
        break;
      }
    }
  }
  if (m_result.incomplete.empty()) {
    m_consumer->close(); // commits what is still assigned (on_revoke) and leaves the group
  } else {
    // The brokers are gone: nothing more can be committed; the state of the
    // last commit is in its checkpoint. No group handshake (it would wait).
    note("warning: " + m_o.url.display + ": " + m_result.incomplete);
  }
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  std::vector<int32_t> left;
  for (const auto& [id, p] : m_parts) {
    left.push_back(id);
  }
  for (int32_t id : left) {
    retire(id);
  }
  for (const sensors::ReplaySummary& s : m_retired) {
    sensors::merge_summary(m_result.summary, s);
  }
  m_result.summary.readings = m_read;
  m_result.summary.alerts_by_severity = m_raised;
  return m_result;
}

} // namespace

KafkaReplayResult replay_kafka(const KafkaReplayOptions& o, const KafkaReplayHooks& hooks) {
  Run run(o, hooks);
  return run.run();
}

} // namespace twinctl::cmd
