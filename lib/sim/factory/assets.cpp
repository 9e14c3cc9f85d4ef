// The assets of the site and of each line (PLCs, HMIs, machines, drives,
// sensors, power feeds, switches, servers) with their relationships,
// certificates and sensors, and their YAML files (pass 1).
#include "lib/sim/factory/generator.hpp"

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <string_view>

namespace twinctl::sim::factory {

// A new asset with the attributes every asset has: address, firmware,
// checksum, status. Callers add the rest.
Asset &Factory::add(std::vector<Asset> &out, size_t ordinal, std::string id, std::string name,
                    const char *cls, const Model &model, ZoneNet &zone, bool varied_status) {
  Asset &a = out.emplace_back();
  a.ordinal = ordinal;
  a.rng = keyed_rng(m_seed, k_dom_asset, ordinal);
  a.variant = forced_variant(ordinal);
  a.id = std::move(id);
  a.name = std::move(name);
  a.cls = cls;
  a.model = &model;
  a.zone = &zone;
  a.host = zone.next_host++;
  a.ipv6 = a.variant == Variant::eq_ipv6_form || a.rng.chance(0.05);
  a.ip = zone.ip(a.host, a.ipv6);
  a.firmware = model.firmware;
  a.checksum_hex = random_hex(a.rng, 64);
  if (varied_status && a.variant != Variant::status_fault) {
    const auto r = a.rng.below(100);
    a.status = r < 80 ? "running" : r < 88 ? "idle" : r < 94 ? "stopped" : "maintenance";
  }
  return a;
}

// A certificate expiring mostly well ahead, sometimes soon, sometimes already.
CertRec Factory::certificate(Rng &rng, std::string id, const char *kind, const char *issuer) {
  CertRec c{std::move(id), kind, issuer, 0, 0};
  const auto r = rng.below(100);
  const int64_t offset = r < 3   ? -rng.range(1, 120)
                         : r < 6 ? rng.range(1, 29)
                                 : rng.range(60, 700);
  c.expires_day = m_today + offset;
  c.issued_day = c.expires_day - (rng.chance(0.5) ? 365 : 730);
  return c;
}

SensorRec Factory::sensor(Rng &rng, const SensorKind &kind, double calibrated_share) {
  SensorRec s;
  s.kind = &kind;
  s.reading_tenths = rng.range(kind.normal_lo * 10, kind.normal_hi * 10);
  if (rng.chance(calibrated_share)) {
    s.calibrated = true;
    // Yearly calibration; a few are overdue.
    s.cal_day = m_today - (rng.chance(0.04) ? rng.range(380, 480) : rng.range(20, 330));
    s.cal_cert = "CAL-" + day_text(s.cal_day).substr(0, 4) + "-" +
                 pad(static_cast<size_t>(rng.below(10000)), 4);
  }
  return s;
}

void Factory::set_source(Asset &a, size_t building) {
  if (std::string_view(a.cls) == "sensor") {
    a.source = mqtt_source(building);
    if (a.rng.chance(0.2)) {
      a.live_key = "mqtt";
      a.live_value =
          m_topic + "/b" + pad(building + 1, m_wb) + "/" + a.located_in + "." + a.id + "/state";
    }
  } else {
    a.source = ditto_source(building);
    if (a.rng.chance(0.1)) {
      a.live_key = "ditto";
      a.live_value = m_ns + ".b" + pad(building + 1, m_wb) + ":dev-" + std::to_string(a.ordinal);
    }
  }
}

std::vector<Asset> Factory::build_site() {
  std::vector<Asset> out;
  out.reserve(site_asset_count());
  m_site_zones = {site_zone(0), site_zone(1), site_zone(2)};
  ZoneNet &ops = m_site_zones[0];
  ZoneNet &idmz = m_site_zones[1];
  ZoneNet &ent = m_site_zones[2];
  size_t ord = 0;
  const std::string b1 = bld_id(0);

  auto power = [&](Asset &a, const std::string &where) {
    a.criticality = "high";
    a.located_in = where;
    a.owned_by = "facilities";
    a.source = 0;
    a.live_key = "azure";
    a.live_value = "meter-" + a.id;
  };
  Asset &site_feed =
      add(out, ord++, "pwr-site-main", "Site main feed", "power", k_main_meter, ops, false);
  power(site_feed, b1);
  site_feed.criticality = "safety";
  for (size_t b = 0; b < m_buildings; ++b) {
    const std::string bp = pad(b + 1, m_wb);
    Asset &d = add(out, ord++, "pwr-b" + bp + "-dist", "Building " + bp + " distribution",
                   "power", k_meter, ops, false);
    power(d, bld_id(b));
    out.front().rels.push_back({"POWERS", d.id, nullptr});
    for (size_t li = b * 12; li < std::min(m_lines, (b + 1) * 12); ++li) {
      d.rels.push_back({"POWERS", "pwr-" + pad(li + 1, m_wl) + "-a", nullptr});
      d.rels.push_back({"POWERS", "pwr-" + pad(li + 1, m_wl) + "-b", nullptr});
    }
    d.rels.push_back({"POWERS", "historian-b" + bp, nullptr});
    if (b == 0) {
      for (const char *t : {"sw-core-01", "mes-01", "gw-idmz-01", "erp-01"}) {
        d.rels.push_back({"POWERS", t, nullptr});
      }
    }
  }
  auto it = [&](Asset &a, size_t b, const char *owner, const char *crit) {
    a.located_in = bld_id(b);
    a.owned_by = owner;
    a.criticality = crit;
    set_source(a, b);
    if (a.id != "sw-core-01") {
      a.rels.push_back({"CONNECTS_TO", "sw-core-01", nullptr});
    }
  };
  Asset &core =
      add(out, ord++, "sw-core-01", "Core switch", "network", k_switches[1], ops, false);
  it(core, 0, "ot-network", "high");
  for (size_t b = 0; b < m_buildings; ++b) {
    const std::string bp = pad(b + 1, m_wb);
    Asset &h = add(out, ord++, "historian-b" + bp, "Historian building " + bp, "server", k_server,
                   ops, false);
    it(h, b, "site-it", "medium");
    h.rels.push_back({"FEEDS_DATA", "mes-01", "https"});
    h.certs.push_back(certificate(h.rng, "https-server", "x509", "Sim Plant OT CA"));
  }
  Asset &mes = add(out, ord++, "mes-01", "MES server", "server", k_server, ops, false);
  it(mes, 0, "site-it", "high");
  mes.rels.push_back({"FEEDS_DATA", "gw-idmz-01", "https"});
  mes.certs.push_back(certificate(mes.rng, "https-server", "x509", "Sim Plant OT CA"));
  Asset &gw = add(out, ord++, "gw-idmz-01", "IDMZ gateway", "gateway", k_gateway, idmz, false);
  it(gw, 0, "ot-network", "high");
  gw.rels.push_back({"FEEDS_DATA", "erp-01", "https"});
  gw.certs.push_back(certificate(gw.rng, "idmz-gateway", "x509", "Sim Plant IT CA"));
  Asset &erp = add(out, ord++, "erp-01", "ERP server", "server", k_erp, ent, false);
  it(erp, 0, "site-it", "medium");
  erp.rels.clear(); // the enterprise network is not on the plant's core switch

  for (auto &a : out) {
    a.group = "site";
    a.file = "assets/site.yaml";
    plan_live(a);
  }
  return out;
}

std::vector<Asset> Factory::build_line(size_t li) {
  const LineLayout &L = m_line[li];
  const std::string lid = line_id(li);
  const std::string lp = pad(li + 1, m_wl);
  const size_t b = building_of_line(li);
  const std::string team = "maint-" + lid;
  m_line_zones = {line_zone(li, false), line_zone(li, true)};
  ZoneNet &ctl = m_line_zones[0];
  ZoneNet &sup = m_line_zones[1];
  Rng line_rng = keyed_rng(m_seed, k_dom_line, li, 1);

  std::vector<Asset> out;
  size_t count = 3 + static_cast<size_t>(L.switches);
  for (size_t c = 0; c < L.cells; ++c) {
    count += m_cell_sizes[L.first_cell + c];
  }
  out.reserve(count);
  size_t ord = L.first_ordinal;

  // Line infrastructure: feeds A and B, switches, SCADA.
  for (const char *side : {"a", "b"}) {
    Asset &f = add(out, ord++, "pwr-" + lp + "-" + side, "Line " + lp + " feed " + upper(side),
                   "power", k_meter, ctl, false);
    f.criticality = "high";
    f.located_in = lid;
    f.owned_by = "facilities";
    set_source(f, b);
  }
  const Model &sw_model = k_switches[line_rng.below(k_switches.size())];
  const std::string sw_a = "sw-" + lp + "-a", sw_b = "sw-" + lp + "-b";
  for (int s = 0; s < L.switches; ++s) {
    Asset &sw =
        add(out, ord++, s == 0 ? sw_a : sw_b, "Line " + lp + " switch " + (s == 0 ? "A" : "B"),
            "network", sw_model, ctl, false);
    sw.criticality = "high";
    sw.located_in = lid;
    sw.owned_by = "ot-network";
    set_source(sw, b);
    if (L.switches == 2) {
      sw.rels.push_back({"CONNECTS_TO", s == 0 ? sw_b : sw_a, nullptr}); // the ring
    }
    if (s == 0) {
      sw.rels.push_back({"CONNECTS_TO", "sw-core-01", nullptr});
    }
  }
  const std::string scada_id = "scada-" + lp;
  Asset &scada =
      add(out, ord++, scada_id, "SCADA server line " + lp, "server", k_server, sup, false);
  scada.criticality = "high";
  scada.located_in = lid;
  scada.owned_by = "ot-network";
  set_source(scada, b);
  scada.rels.push_back({"FEEDS_DATA", "historian-b" + pad(b + 1, m_wb), "opc-ua"});
  scada.rels.push_back({"CONNECTS_TO", sw_a, nullptr});
  scada.certs.push_back(certificate(scada.rng, "opcua-client", "x509", "Sim Plant OT CA"));
  for (size_t i = 0; i < 2; ++i) {
    out[i].rels.push_back({"CONNECTS_TO", sw_a, nullptr});
  }
  const size_t infra = out.size();

  // Cells.
  for (size_t c = 0; c < L.cells; ++c) {
    const size_t size = m_cell_sizes[L.first_cell + c];
    const std::string cp = pad(c + 1, m_wc);
    const std::string cid = lid + "-c" + cp;
    const std::string code = lp + "-" + cp;
    const std::string sw = L.switches == 2 && c >= L.cells / 2 ? sw_b : sw_a;
    const size_t first = out.size();
    const bool has_hmi = size >= 6;
    const size_t rest = size - 1 - (has_hmi ? 1 : 0);
    const size_t machines = std::max<size_t>(1, rest * 3 / 10);
    const size_t drives = std::min(rest - machines, rest / 4);

    const std::string plc_id = "plc-" + code;
    const std::string hmi_id = "hmi-" + code;
    {
      const Model &m = k_plcs[line_rng.below(k_plcs.size())];
      Asset &plc = add(out, ord++, plc_id, "PLC cell " + code, "plc", m, ctl, true);
      plc.criticality = "high";
      plc.rels.push_back({"FEEDS_DATA", scada_id, "opc-ua"});
      if (has_hmi) {
        plc.rels.push_back({"FEEDS_DATA", hmi_id, "profinet"});
      }
      plc.certs.push_back(certificate(plc.rng, "opcua-server", "x509", "Sim Plant OT CA"));
    }
    if (has_hmi) {
      const Model &m = k_hmis[line_rng.below(k_hmis.size())];
      add(out, ord++, hmi_id, "HMI cell " + code, "hmi", m, sup, true);
    }
    for (size_t k = 0; k < rest; ++k) {
      const std::string num = pad(k + 1, 2);
      if (k < machines) {
        const MachineKind &mk = k_machines[line_rng.below(k_machines.size())];
        Asset &a =
            add(out, ord++, std::string(mk.prefix) + "-" + code + "-" + num,
                std::string(mk.label) + " " + code + "-" + num, "machine", mk.model, ctl, true);
        a.criticality = mk.criticality;
        a.power_kw = static_cast<int>(a.rng.range(mk.kw_min, mk.kw_max));
        a.rels.push_back({"FEEDS_DATA", plc_id, "opc-ua"});
        if (a.rng.chance(0.5)) {
          // 1-3 distinct built-in sensors.
          const size_t first_kind = a.rng.below(k_sensors.size());
          const size_t n = 1 + a.rng.below(3);
          for (size_t s = 0; s < n; ++s) {
            a.sensors.push_back(
                sensor(a.rng, k_sensors[(first_kind + s * 2) % k_sensors.size()], 0.3));
          }
        }
        if (mk.inspected) {
          a.certs.push_back(certificate(a.rng,
                                        "INSP-" + std::to_string(a.rng.range(2024, 2026)) +
                                            "-" + pad(static_cast<size_t>(a.rng.below(10000)), 4),
                                        "safety-inspection", "TUV SUD"));
        }
      } else if (k < machines + drives) {
        const Model &m = k_drives[line_rng.below(k_drives.size())];
        Asset &a = add(out, ord++, "drv-" + code + "-" + num, "Drive " + code + "-" + num,
                       "drive", m, ctl, true);
        a.power_kw = static_cast<int>(a.rng.range(1, 75));
        a.rels.push_back({"FEEDS_DATA", plc_id, "profinet"});
      } else {
        const SensorKind &sk = k_sensors[line_rng.below(k_sensors.size())];
        Asset &a =
            add(out, ord++, std::string(sk.prefix) + "-" + code + "-" + num,
                std::string(sk.label) + " " + code + "-" + num, "sensor", sk.model, ctl, true);
        a.criticality = a.rng.chance(0.2) ? "medium" : "low";
        a.level0 = true;
        a.rels.push_back({"FEEDS_DATA", plc_id, "io-link"});
        a.sensors.push_back(sensor(a.rng, sk, 1.0));
      }
    }
    for (size_t i = first; i < out.size(); ++i) {
      Asset &a = out[i];
      a.located_in = cid;
      a.owned_by = team;
      a.file = "assets/" + lid + "/" + cid + ".yaml";
      a.rels.push_back({"CONNECTS_TO", sw, nullptr});
      set_source(a, b);
    }
  }

  // Power: every load hangs off feed A or B; a few redundant ones off both.
  for (size_t i = 2; i < out.size(); ++i) {
    Asset &a = out[i];
    const std::string_view cls = a.cls;
    const double p = cls == "server"    ? 1.0
                     : cls == "network" ? 0.5
                     : cls == "plc"     ? 0.3
                     : cls == "machine" ? 0.1
                     : cls == "drive"   ? 0.05
                                        : 0.0;
    a.redundant = p > 0 && a.rng.chance(p);
    if (a.redundant) {
      out[0].rels.push_back({"POWERS", a.id, nullptr});
      out[1].rels.push_back({"POWERS", a.id, nullptr});
    } else {
      out[a.rng.below(2)].rels.push_back({"POWERS", a.id, nullptr});
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].group = lid;
    if (i < infra) {
      out[i].file = "assets/" + lid + "/line.yaml";
    }
    plan_live(out[i]);
  }
  return out;
}

void Factory::write_assets(Emitter &em) {
  size_t written = 0;
  auto emit = [&](const std::vector<Asset> &assets) {
    for (const Asset &a : assets) {
      std::string path;
      if (m_opt.assets_per_file == 0) {
        path = a.file;
      } else if (m_opt.assets_per_file == 1) {
        path = "assets/" + a.group + "/" + a.id + ".yaml";
      } else {
        path = "assets/part-" + pad(written / m_opt.assets_per_file + 1, m_wp) + ".yaml";
      }
      if (!em.open(path)) {
        em.buf() += "---\n";
      }
      write_asset(em.buf(), a);
      em.maybe_flush();
      record_truth(a);
      ++written;
    }
  };
  emit(build_site());
  for (size_t li = 0; li < m_lines; ++li) {
    emit(build_line(li));
  }
  for (const Unmanaged &u : m_unmanaged) {
    m_drift.push_back({u.ref, "unmanaged", "", "", u.ip});
    ++m_source_items[u.source];
  }
  m_asset_docs = written;
  if (written != m_opt.assets) {
    throw Error("internal: generated " + std::to_string(written) + " assets, not " +
                std::to_string(m_opt.assets));
  }
}

void Factory::write_asset(std::string &o, const Asset &a) const {
  put(o, "apiVersion: twinctl/v1\nkind: Asset\nid: ", a.id, "\nname: ");
  put_q(o, a.name);
  put(o, "\nclass: ", a.cls, "\ncriticality: ", a.criticality, "\nvendor: ");
  put_q(o, a.model->vendor);
  put(o, "\nmodel: ");
  put_q(o, a.model->model);
  put(o, "\nlocated_in: ", a.located_in, "\nowned_by: ", a.owned_by, "\nzone: ", a.zone->id,
      "\n");
  if (a.level0) {
    o += "purdue_level: 0\n";
  }
  put(o, "expected:\n  status: ", a.status, "\n  ip: ");
  put_q(o, a.ip);
  put(o, "\n  firmware: ");
  put_q(o, a.firmware);
  put(o, "\n  config_checksum: \"sha256:", a.checksum_hex, "\"\n");
  if (!a.rels.empty()) {
    o += "relationships:\n";
    for (const Rel &r : a.rels) {
      put(o, "  - {type: ", r.type, ", target: ", r.target);
      if (r.protocol) {
        put(o, ", protocol: ", r.protocol);
      }
      o += "}\n";
    }
  }
  if (a.redundant) {
    o += "redundancy: {POWERS: 2}\n";
  }
  if (!a.sensors.empty()) {
    o += "sensors:\n";
    for (const SensorRec &s : a.sensors) {
      const SensorKind &k = *s.kind;
      put(o, "  - id: ", k.id, "\n    type: ", k.type, "\n    unit: ");
      put_q(o, k.unit);
      o += "\n    range: {min: ";
      put_int(o, k.min);
      o += ", max: ";
      put_int(o, k.max);
      o += "}\n    thresholds: {";
      if (k.low_warn != k_none) {
        o += "low_warn: ";
        put_int(o, k.low_warn);
        o += ", ";
      }
      o += "high_warn: ";
      put_int(o, k.high_warn);
      o += ", high_alarm: ";
      put_int(o, k.high_alarm);
      o += ", hysteresis: ";
      put_int(o, k.hysteresis);
      o += "}\n";
      if (s.calibrated) {
        put(o, "    calibration: {certificate: ", s.cal_cert, ", calibrated_on: \"",
            day_text(s.cal_day), "\", interval: P12M}\n");
      }
      o += a.level0 ? "    interval: PT1S\n" : "    interval: PT10S\n";
    }
  }
  if (!a.certs.empty()) {
    o += "certificates:\n";
    for (const CertRec &c : a.certs) {
      put(o, "  - {id: ", c.id, ", kind: ", c.kind, ", issuer: ");
      put_q(o, c.issuer);
      put(o, ", issued: \"", day_text(c.issued_day), "\", expires: \"", day_text(c.expires_day),
          "\"}\n");
    }
  }
  if (a.power_kw >= 0) {
    o += "power_kw: ";
    put_int(o, a.power_kw);
    o += "\n";
  }
  if (a.live_key) {
    put(o, "live: {", a.live_key, ": ");
    put_q(o, a.live_value);
    o += "}\n";
  }
}

} // namespace twinctl::sim::factory
