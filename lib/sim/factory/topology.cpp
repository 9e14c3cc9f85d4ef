// The site's layout (buildings, areas, lines, cells sized so that the asset
// count is exact), its zones and sources, and the small files: twin.yaml,
// policy/, sources/, spaces/, teams/.
#include "lib/sim/factory/generator.hpp"

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <cmath>

namespace twinctl::sim::factory {

std::string Factory::source_name(size_t s) const {
  if (s == 0) {
    return "azure-energy";
  }
  if (s <= m_buildings) {
    return "ditto-b" + pad(s, m_wb);
  }
  return "mqtt-b" + pad(s - m_buildings, m_wb);
}

const char *Factory::source_adapter(size_t s) const {
  return s == 0 ? "azure-twin" : s <= m_buildings ? "ditto" : "plain-json";
}

// Zones of the site and of a line. Addresses: site-ops 10.0.0.0/20, idmz
// 10.0.16.0/24, enterprise 10.0.17.0/24, line i a /22 from 10.0.20.0 on
// (control the first /23, supervisory the third /24).
ZoneNet Factory::site_zone(int which) {
  ZoneNet z;
  if (which == 0) {
    z = {"site-ops", 0x0A000000u, 20, 1, 1, 3500, 500, "idmz", "3"};
  } else if (which == 1) {
    z = {"idmz", 0x0A001000u, 24, 2, 1, 200, 30, "site-ops", "3.5"};
  } else {
    z = {"enterprise", 0x0A001100u, 24, 3, 1, 200, 30, "site-ops", "4"};
  }
  return z;
}

ZoneNet Factory::line_zone(size_t li, bool supervisory) const {
  const uint32_t base = 0x0A000000u + static_cast<uint32_t>((li + 5) * 1024);
  const std::string l = line_id(li);
  const auto z6 = static_cast<uint16_t>(16 + 2 * li + (supervisory ? 1 : 0));
  if (supervisory) {
    return {l + "-supervisory", base + 512, 24, z6, 1, 200, 30, l + "-control", "2"};
  }
  return {l + "-control", base, 23, z6, 1, 450, 30, l + "-supervisory", "1"};
}

// -------------------------------------------------------------------------
// Step: size the site from N so that the asset count is exact.
void Factory::plan_layout() {
  const size_t n = m_opt.assets;
  m_lines = std::max<size_t>(1, (n + 100) / 200);
  m_areas = (m_lines + 3) / 4;
  m_buildings = (m_lines + 11) / 12;
  m_wl = std::max(2, digits_of(m_lines));
  m_wa = std::max(2, digits_of(m_areas));
  m_wb = std::max(2, digits_of(m_buildings));

  size_t overhead = site_asset_count();
  m_line.resize(m_lines);
  for (size_t li = 0; li < m_lines; ++li) {
    Rng rng = keyed_rng(m_seed, k_dom_line, li);
    m_line[li].switches = rng.chance(0.5) ? 2 : 1;
    overhead += 3 + static_cast<size_t>(m_line[li].switches); // 2 feeds, switches, SCADA
  }
  if (overhead + 2 * m_lines > n) {
    throw Error("--assets " + std::to_string(n) + " is too small for a factory (at least " +
                std::to_string(k_factory_min_assets) + ")");
  }
  // About 20 assets per cell, at least 2 (a PLC and a machine).
  const size_t rest = n - overhead;
  const size_t cells = std::min(std::max(m_lines, (rest + 19) / 20), rest / 2);
  m_cell_sizes.resize(cells);
  for (size_t c = 0; c < cells; ++c) {
    m_cell_sizes[c] = static_cast<uint16_t>(rest / cells + (c < rest % cells ? 1 : 0));
  }
  size_t cell = 0, ordinal = site_asset_count(), max_cells = 0;
  for (size_t li = 0; li < m_lines; ++li) {
    LineLayout &l = m_line[li];
    l.cells = cells / m_lines + (li < cells % m_lines ? 1 : 0);
    l.first_cell = cell;
    l.first_ordinal = ordinal;
    cell += l.cells;
    ordinal += 3 + static_cast<size_t>(l.switches);
    size_t control_hosts = 2 + static_cast<size_t>(l.switches);
    for (size_t c = l.first_cell; c < l.first_cell + l.cells; ++c) {
      ordinal += m_cell_sizes[c];
      control_hosts += m_cell_sizes[c];
    }
    max_cells = std::max(max_cells, l.cells);
    // The control /23 keeps hosts 450..509 for drifted and rogue addresses.
    if (control_hosts >= 450) {
      throw Error("internal: line " + std::to_string(li) + " has too many assets");
    }
  }
  m_wc = std::max(2, digits_of(max_cells));
  if (ordinal != n) {
    throw Error("internal: factory layout has " + std::to_string(ordinal) + " assets, not " +
                std::to_string(n));
  }
  if (m_opt.assets_per_file > 1) {
    m_wp = std::max(4, digits_of((n + m_opt.assets_per_file - 1) / m_opt.assets_per_file));
  }

  // Spread one of each drift kind and equivalent form evenly over the
  // observable assets (everything after the site's power, whose source fails).
  if (drift_on()) {
    const size_t first = 1 + m_buildings;
    const size_t m = n - first;
    const size_t k = k_forced.size();
    for (size_t j = 0; j < k; ++j) {
      m_forced.emplace_back(first + (2 * j + 1) * m / (2 * k), k_forced[j]);
    }
    // Rogue devices: about a tenth of the drift rate, at least one.
    const auto count = std::max<size_t>(
        1, static_cast<size_t>(std::llround(static_cast<double>(n) * m_opt.drift_rate * 0.1)));
    for (size_t j = 0; j < count; ++j) {
      Rng rng = keyed_rng(m_seed, k_dom_unmanaged, j);
      Unmanaged u;
      u.line = j * m_lines / count;
      u.source = ditto_source(building_of_line(u.line));
      u.ref = m_ns + ":unknown-" + random_hex(rng, 8);
      const ZoneNet z = line_zone(u.line, false);
      u.ip = z.ip(480 + static_cast<uint32_t>(rng.below(30)), false);
      u.firmware = "1.0." + std::to_string(rng.below(20));
      u.checksum = "sha256:" + random_hex(rng, 64);
      u.zone = z.id;
      u.age = rng.range(0, 600);
      m_unmanaged.push_back(std::move(u));
    }
  }
  m_source_items.assign(source_count(), 0);
  for (size_t s = 0; s < source_count(); ++s) {
    m_source_names.push_back(source_name(s));
  }
}

Variant Factory::forced_variant(size_t ordinal) const {
  auto it = std::lower_bound(m_forced.begin(), m_forced.end(), ordinal,
                             [](const auto &p, size_t o) { return p.first < o; });
  return it != m_forced.end() && it->first == ordinal ? it->second : Variant::none;
}

void Factory::write_twin(Emitter &em) {
  em.open("twin.yaml");
  std::string &o = em.buf();
  char rate[32];
  auto r = std::to_chars(rate, rate + sizeof rate, m_opt.drift_rate);
  o += "apiVersion: twinctl/v1\nkind: Twin\nid: " + m_twin_id + "\n";
  o += "name: " + yq("Simulated factory " + m_twin_id) + "\n";
  o += "description: " +
       yq("Synthetic twin from twinctl simulate factory: " + std::to_string(m_opt.assets) +
          " assets, seed " + std::to_string(m_opt.seed) +
          (m_opt.site > 0 ? ", site " + std::to_string(m_opt.site) + " of " +
                                std::to_string(m_opt.sites)
                          : std::string()) +
          ", drift rate " +
          std::string(rate, r.ptr) + ".") +
       "\n";
  o += "defaults:\n  stale_after: PT15M\n  cert_due_soon: P30D\n  co2_kg_per_kwh: 0.38\n";
  o += "  status_aliases: {\"RUN\": running, \"STOP\": stopped, \"IDLE\": idle, \"MAINT\": "
       "maintenance, \"FAULT\": fault, \"OFF\": offline}\n";
  o += "  unit_aliases: {\"degC\": Cel}\n";
}

void Factory::write_policies(Emitter &em) {
  em.open("policy/drift.yaml");
  em.buf() += "apiVersion: twinctl/v1\nkind: DriftPolicy\noverrides:\n"
              "  - {rule: TWIN103, criticality: safety, severity: high}\n"
              "  - {rule: TWIN101, class: sensor, severity: low}\n"
              "  - {rule: TWIN108, class: sensor, severity: low}\n";

  em.open("policy/zones.yaml");
  std::string &o = em.buf();
  o += "apiVersion: twinctl/v1\nkind: ZonePolicy\nzones:\n";
  auto zone = [&](const ZoneNet &z, const std::string &name, int sl) {
    o += "  - {id: " + z.id + ", name: " + yq(name) + ", purdue_level: " + z.purdue +
         ", security_level: " + std::to_string(sl) + ", subnets: [" + yq(z.subnet4()) + ", " +
         yq(z.subnet6()) + "]}\n";
  };
  zone(site_zone(0), "Site operations", 2);
  zone(site_zone(1), "Industrial DMZ", 3);
  zone(site_zone(2), "Enterprise", 1);
  for (size_t li = 0; li < m_lines; ++li) {
    const std::string lp = pad(li + 1, m_wl);
    zone(line_zone(li, false), "Line " + lp + " control", 3);
    zone(line_zone(li, true), "Line " + lp + " supervisory", 2);
    em.maybe_flush();
  }
  o += "conduits:\n";
  auto conduit = [&](const std::string &id, const std::string &from, const std::string &to,
                     const char *protocols, const std::string &what) {
    o += "  - {id: " + id + ", from: " + from + ", to: " + to + ", protocols: [" + protocols +
         "], description: " + yq(what) + "}\n";
  };
  for (size_t li = 0; li < m_lines; ++li) {
    const std::string l = line_id(li);
    conduit(l + "-control-to-supervisory", l + "-control", l + "-supervisory", "opc-ua, profinet",
            "PLCs to HMIs and SCADA");
    conduit(l + "-supervisory-to-site-ops", l + "-supervisory", "site-ops", "opc-ua",
            "SCADA to the historian");
    em.maybe_flush();
  }
  conduit("site-ops-to-idmz", "site-ops", "idmz", "https", "MES to the IDMZ gateway");
  conduit("idmz-to-enterprise", "idmz", "enterprise", "https", "IDMZ gateway to ERP");
}

void Factory::write_sources(Emitter &em) {
  for (size_t s = 0; s < source_count(); ++s) {
    const std::string name = source_name(s);
    em.open(s == 0             ? "sources/azure-energy.yaml"
            : s <= m_buildings ? "sources/ditto.yaml"
                               : "sources/mqtt.yaml");
    std::string &o = em.buf();
    if (s > 1 && s != m_buildings + 1) {
      o += "---\n";
    }
    o += "apiVersion: twinctl/v1\nkind: Source\nid: " + name + "\nadapter: " + source_adapter(s) +
         "\n";
    if (s == 0) {
      o += "name: " + yq("Azure IoT Hub, energy meters") +
           "\nendpoint: " + yq("https://energy-hub" + m_host) + "\n";
    } else if (s <= m_buildings) {
      o += "name: " + yq("Eclipse Ditto, building " + pad(s, m_wb)) +
           "\nendpoint: " + yq("https://ditto-b" + pad(s, m_wb) + m_host) + "\n";
    } else {
      const std::string bp = pad(s - m_buildings, m_wb);
      o += "name: " + yq("MQTT sensors, building " + bp) +
           "\nendpoint: " + yq("mqtt://mqtt-b" + bp + m_host + ":1883") + "\ntopics: [" +
           yq(m_topic + "/b" + bp + "/+/state") + "]\n";
    }
  }
}

void Factory::write_spaces(Emitter &em) {
  em.open("spaces/site.yaml");
  std::string &o = em.buf();
  o += "apiVersion: twinctl/v1\nkind: Space\nid: plant\nname: " +
       yq("Simulated plant " + m_twin_id) + "\ntype: site\n";
  for (size_t b = 0; b < m_buildings; ++b) {
    o += "---\napiVersion: twinctl/v1\nkind: Space\nid: " + bld_id(b) +
         "\nname: " + yq("Building " + pad(b + 1, m_wb)) + "\ntype: building\nparent: plant\n";
  }
  auto space = [&](const std::string &id, const std::string &name, const char *type,
                   const std::string &parent, bool first) {
    if (!first) {
      o += "---\n";
    }
    o += "apiVersion: twinctl/v1\nkind: Space\nid: " + id + "\nname: " + yq(name) +
         "\ntype: " + type + "\nparent: " + parent + "\n";
  };
  for (size_t li = 0; li < m_lines; ++li) {
    const size_t area = li / 4;
    const size_t b = building_of_line(li);
    if (li % 12 == 0) {
      em.open("spaces/" + bld_id(b) + ".yaml");
    }
    if (li % 4 == 0) {
      space(area_id(area), "Area " + pad(area + 1, m_wa), "area", bld_id(b), li % 12 == 0);
    }
    const std::string lid = line_id(li);
    space(lid, "Line " + pad(li + 1, m_wl), "line", area_id(area), false);
    for (size_t c = 0; c < m_line[li].cells; ++c) {
      const std::string cp = pad(c + 1, m_wc);
      space(lid + "-c" + cp, "Line " + pad(li + 1, m_wl) + " cell " + cp, "cell", lid, false);
    }
    em.maybe_flush();
  }
}

void Factory::write_teams(Emitter &em) {
  auto team = [&](std::string &o, const std::string &id, const std::string &name, size_t key) {
    Rng rng = keyed_rng(m_seed, k_dom_team, key);
    const char initial = static_cast<char>('A' + rng.below(26));
    o += "apiVersion: twinctl/v1\nkind: Team\nid: " + id + "\nname: " + yq(name) + "\nlead: " +
         yq(std::string(1, initial) + ". " + k_surnames[rng.below(k_surnames.size())]) +
         "\nemail: " + id + "@example.invalid\nchat: " + yq("#" + id) +
         "\noncall: " + yq("+49 30 5550 " + pad(1000 + key % 9000, 4)) + "\n";
  };
  em.open("teams/site.yaml");
  team(em.buf(), "facilities", "Facilities and power", 0);
  em.buf() += "---\n";
  team(em.buf(), "ot-network", "OT network", 1);
  em.buf() += "---\n";
  team(em.buf(), "site-it", "Site IT applications", 2);
  for (size_t li = 0; li < m_lines; ++li) {
    const bool first = li % 12 == 0;
    if (first) {
      em.open("teams/" + bld_id(building_of_line(li)) + ".yaml");
    } else {
      em.buf() += "---\n";
    }
    team(em.buf(), "maint-" + line_id(li), "Maintenance line " + pad(li + 1, m_wl), 3 + li);
    em.maybe_flush();
  }
}

} // namespace twinctl::sim::factory
