// The ground truth: every injected drift and every equivalent form that is not
// drift, collected in pass 1 and written as live/truth.json.
#include "lib/sim/factory/generator.hpp"

#include "lib/util/time.hpp"

#include <algorithm>

namespace twinctl::sim::factory {

void Factory::record_truth(const Asset &a) {
  auto changed = [&](const char *field, const std::string &intended, const std::string &live) {
    m_drift.push_back({a.id, "changed", field, intended, live});
  };
  auto equivalent = [&](const char *field, const std::string &intended, const std::string &live) {
    m_equivalent.push_back({a.id, "", field, intended, live});
  };
  const std::string checksum = "sha256:" + a.checksum_hex;
  switch (a.variant) {
  case Variant::status_fault:
  case Variant::status:
    changed("status", a.status, a.live_status);
    break;
  case Variant::ip:
    changed("ip", a.ip, a.live_ip);
    break;
  case Variant::firmware_behind:
  case Variant::firmware_ahead:
    changed("firmware", a.firmware, a.live_firmware);
    break;
  case Variant::checksum:
    changed("config_checksum", checksum, a.live_checksum);
    break;
  case Variant::zone:
    changed("zone", a.zone->id, a.live_zone);
    break;
  case Variant::missing:
    m_drift.push_back({a.id, "missing", "", "", ""});
    break;
  case Variant::stale:
    m_drift.push_back({a.id, "stale", "observed_at", "", timestamp(m_now - a.age)});
    break;
  case Variant::unobserved:
    m_drift.push_back({a.id, "unobserved", "", "", ""});
    break;
  case Variant::eq_v_prefix:
    equivalent("firmware", a.firmware, a.live_firmware);
    break;
  case Variant::eq_hex_case:
    equivalent("config_checksum", checksum, a.live_checksum);
    break;
  case Variant::eq_ipv6_form:
    equivalent("ip", a.ip, a.live_ip);
    break;
  case Variant::eq_status_alias:
    equivalent("status", a.status, a.live_status);
    break;
  case Variant::none:
    break;
  }
  if (a.variant != Variant::missing && a.variant != Variant::unobserved) {
    ++m_source_items[a.source];
  }
}

void Factory::write_truth(Emitter &em) {
  std::sort(m_drift.begin(), m_drift.end());
  std::sort(m_equivalent.begin(), m_equivalent.end());
  em.open("live/truth.json");
  std::string &o = em.buf();
  o += "{\n  \"format\": \"twinctl-truth/v1\",\n  \"seed\": " + std::to_string(m_opt.seed);
  if (m_opt.site > 0) {
    o += ",\n  \"site\": ";
    append_json_string(o, m_twin_id);
  }
  o += ",\n  \"assets\": " + std::to_string(m_asset_docs) + ",\n  \"drift\": [";
  for (size_t i = 0; i < m_drift.size(); ++i) {
    const TruthEntry &t = m_drift[i];
    o += i ? ",\n    {\"asset\": " : "\n    {\"asset\": ";
    append_json_string(o, t.asset);
    o += ", \"kind\": ";
    append_json_string(o, t.kind);
    o += ", \"field\": ";
    append_json_or_null(o, t.field);
    o += ", \"intended\": ";
    append_json_or_null(o, t.intended);
    o += ", \"live\": ";
    append_json_or_null(o, t.live);
    o += "}";
    em.maybe_flush();
  }
  o += m_drift.empty() ? "],\n  \"equivalent\": [" : "\n  ],\n  \"equivalent\": [";
  for (size_t i = 0; i < m_equivalent.size(); ++i) {
    const TruthEntry &t = m_equivalent[i];
    o += i ? ",\n    {\"asset\": " : "\n    {\"asset\": ";
    append_json_string(o, t.asset);
    o += ", \"field\": ";
    append_json_string(o, t.field);
    o += ", \"intended\": ";
    append_json_string(o, t.intended);
    o += ", \"live\": ";
    append_json_string(o, t.live);
    o += "}";
    em.maybe_flush();
  }
  o += m_equivalent.empty() ? "]\n}\n" : "\n  ]\n}\n";
}

} // namespace twinctl::sim::factory
