// The live side: what each asset reports (drifted or an equivalent form, or
// not at all) and live/snapshot.json (pass 2, rebuilding each line).
#include "lib/sim/factory/generator.hpp"

#include "lib/util/time.hpp"

namespace twinctl::sim::factory {

// Decides what the live side reports for one asset.
void Factory::plan_live(Asset &a) {
  Rng &r = a.rng;
  a.live_status = a.status;
  a.live_ip = a.ip;
  a.live_firmware = a.firmware;
  a.live_checksum = "sha256:" + a.checksum_hex;
  a.live_zone = a.zone->id;
  if (a.source == 0 && power_source_fails()) {
    a.variant = Variant::unobserved;
    return;
  }
  Variant v = a.variant;
  if (v == Variant::none && drift_on()) {
    if (r.chance(m_opt.drift_rate)) {
      const auto w = r.below(100);
      v = w < 20   ? Variant::status
          : w < 28 ? Variant::ip
          : w < 40 ? Variant::firmware_behind
          : w < 45 ? Variant::firmware_ahead
          : w < 60 ? Variant::checksum
          : w < 65 ? Variant::zone
          : w < 80 ? Variant::missing
                   : Variant::stale;
      if (v == Variant::status && a.status == "running" && r.chance(0.35)) {
        v = Variant::status_fault;
      }
    } else if (r.chance(m_opt.drift_rate / 2)) {
      const auto w = r.below(a.ipv6 ? 4 : 3);
      v = w == 0   ? Variant::eq_v_prefix
          : w == 1 ? Variant::eq_hex_case
          : w == 2 ? Variant::eq_status_alias
                   : Variant::eq_ipv6_form;
    }
  }
  a.variant = v;
  if (v == Variant::missing && !a.live_key) {
    // Bound to its source, so that it is unambiguously missing (not
    // unobserved) even though another source of the run failed.
    if (a.source > m_buildings) {
      a.live_key = "mqtt";
      a.live_value = m_topic + "/b" + pad(a.source - m_buildings, m_wb) + "/" + a.id + "/state";
    } else {
      a.live_key = "ditto";
      a.live_value = m_ns + ":" + a.id;
    }
  }
  switch (v) {
  case Variant::status_fault:
    a.live_status = "fault";
    break;
  case Variant::status: {
    static const std::array<const char *, 5> k_from_running{
        {"stopped", "idle", "maintenance", "offline", "fault"}};
    a.live_status =
        a.status == "running" ? k_from_running[r.below(k_from_running.size())] : "running";
    break;
  }
  case Variant::ip:
    a.live_ip = a.zone->ip(
        a.zone->changed_first + static_cast<uint32_t>(r.below(a.zone->changed_count)), a.ipv6);
    break;
  case Variant::firmware_behind:
  case Variant::firmware_ahead:
    a.live_firmware = firmware_step(a.firmware, v == Variant::firmware_ahead);
    break;
  case Variant::checksum:
    a.live_checksum = "sha256:" + random_hex(r, 64);
    break;
  case Variant::zone:
    a.live_zone = a.zone->other;
    break;
  case Variant::eq_v_prefix:
    a.live_firmware = "v" + a.firmware;
    break;
  case Variant::eq_hex_case:
    a.live_checksum = "sha256:" + upper(a.checksum_hex);
    break;
  case Variant::eq_ipv6_form:
    a.live_ip = a.zone->ip(a.host, true, true);
    break;
  case Variant::eq_status_alias:
    a.live_status = status_alias(a.status);
    break;
  default:
    break;
  }
  a.age = v == Variant::stale ? r.range(20 * 60, 6 * 3600) : r.range(0, 600);
}

void Factory::write_snapshot(Emitter &em) {
  em.open("live/snapshot.json");
  std::string &o = em.buf();
  o += "{\n  \"format\": \"twinctl-live/v1\",\n  \"taken_at\": ";
  append_json_string(o, util::format_timestamp(m_now));
  o += ",\n  \"sources\": [\n";
  for (size_t s = 0; s < source_count(); ++s) {
    const bool failed = s == 0 && power_source_fails();
    o += "    {\"name\": ";
    append_json_string(o, source_name(s));
    o += ", \"adapter\": ";
    append_json_string(o, source_adapter(s));
    o += failed ? ", \"ok\": false" : ", \"ok\": true";
    o += ", \"items\": " + std::to_string(m_source_items[s]) + ", \"error\": ";
    if (failed) {
      append_json_string(o, "https://energy-hub" + m_host + ": connection refused");
    } else {
      o += "null";
    }
    o += s + 1 < source_count() ? "},\n" : "}\n";
  }
  o += "  ],\n  \"observations\": [";
  bool first = true;
  auto observe = [&](const std::vector<Asset> &assets) {
    for (const Asset &a : assets) {
      if (a.variant == Variant::missing || a.variant == Variant::unobserved) {
        continue;
      }
      o += first ? "\n" : ",\n";
      first = false;
      write_observation(o, a);
      em.maybe_flush();
    }
  };
  observe(build_site());
  for (size_t li = 0; li < m_lines; ++li) {
    observe(build_line(li));
  }
  // Devices no intended asset matches (the schema's "unmatched", drift kind unmanaged).
  o += first ? "],\n  \"unmatched\": [" : "\n  ],\n  \"unmatched\": [";
  for (size_t i = 0; i < m_unmanaged.size(); ++i) {
    o += i ? ",\n" : "\n";
    write_unmatched(o, m_unmanaged[i]);
  }
  o += m_unmanaged.empty() ? "]\n}\n" : "\n  ]\n}\n";
}

void Factory::observation_head(std::string &o, const std::string &asset, size_t source,
                               const std::string &ref, const std::string &observed_at, bool online) const {
  o += "    {\"asset\": ";
  append_json_string(o, asset);
  put(o, ", \"source\": \"", m_source_names[source], "\", \"ref\": ");
  append_json_string(o, ref);
  put(o, ", \"observed_at\": \"", observed_at,
      online ? "\", \"online\": true" : "\", \"online\": false");
}

void Factory::fields(std::string &o, const std::string &status, const std::string &ip,
                     const std::string &firmware, const std::string &checksum,
                     const std::string &zone) const {
  o += ", \"fields\": {\"status\": ";
  append_json_string(o, status);
  o += ", \"ip\": ";
  append_json_string(o, ip);
  o += ", \"firmware\": ";
  append_json_string(o, firmware);
  o += ", \"config_checksum\": ";
  append_json_string(o, checksum);
  o += ", \"zone\": ";
  append_json_string(o, zone);
  o += "}";
}

void Factory::write_observation(std::string &o, const Asset &a) const {
  std::string ref;
  if (a.live_key) {
    ref = a.live_value;
  } else if (a.source > m_buildings) {
    put(ref, m_topic, "/b", pad(a.source - m_buildings, m_wb), "/", a.id, "/state");
  } else {
    put(ref, m_ns, ":", a.id);
  }
  const std::string ts = timestamp(m_now - a.age);
  observation_head(o, a.id, a.source, ref, ts, a.live_status != "offline");
  fields(o, a.live_status, a.live_ip, a.live_firmware, a.live_checksum, a.live_zone);
  o += ", \"metrics\": {";
  for (size_t i = 0; i < a.sensors.size(); ++i) {
    const SensorRec &s = a.sensors[i];
    put(o, i ? ", \"" : "\"", s.kind->id, "\": {\"value\": ");
    append_tenths(o, s.reading_tenths);
    put(o, ", \"unit\": \"", s.kind->unit, "\", \"ts\": \"", ts, "\"}");
  }
  o += "}}";
}

void Factory::write_unmatched(std::string &o, const Unmanaged &u) const {
  o += "    {\"source\": ";
  append_json_string(o, source_name(u.source));
  o += ", \"ref\": ";
  append_json_string(o, u.ref);
  o += ", \"observed_at\": ";
  append_json_string(o, timestamp(m_now - u.age));
  fields(o, "running", u.ip, u.firmware, u.checksum, u.zone);
  o += "}";
}

} // namespace twinctl::sim::factory
