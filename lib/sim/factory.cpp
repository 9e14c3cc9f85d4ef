// The synthetic factory generator. See factory.hpp for the contract.
//
// Shape of a generated site (everything scales with the asset count N):
//   plant > buildings (12 lines each) > areas (4 lines each) > lines (~200
//   assets) > cells (~20 assets). Each cell: a PLC, an HMI (cells of 6+),
//   machines, drives and sensors. Each line: two power feeds (A and B), one or
//   two switches (a ring when two), a SCADA server. The site: a main feed, a
//   distribution board, a historian per building, a core switch, MES, an IDMZ
//   gateway and ERP.
//   Data: sensor/drive/machine -> PLC -> HMI, SCADA -> historian -> MES ->
//   IDMZ gateway -> ERP (Purdue 0/1 -> 2 -> 3 -> 3.5 -> 4, no skips).
//   Power: site feed -> distribution -> line feeds -> loads (some loads fed by
//   both feeds with redundancy {POWERS: 2}).
//
// Determinism and streaming: every asset draws from its own PRNG keyed by
// (seed, ordinal), so a line can be rebuilt at any time with identical
// results. The generator makes two passes over the lines: the first writes
// the YAML and counts what each live source will report; the second rebuilds
// each line and writes its observations. Only one line's assets are in memory
// at a time, plus the (small) ground truth.
#include "lib/sim/factory.hpp"

#include "lib/util/error.hpp"
#include "lib/util/rng.hpp"
#include "lib/util/time.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace twinctl::sim {

namespace {

// ---------------------------------------------------------------------------
// PRNG: lib/util/rng.hpp (our own: the standard distributions differ between
// standard libraries).
using util::Rng;
using util::splitmix64;

// Independent streams, so that assets do not depend on each other's draws.
enum Domain : uint64_t { k_dom_asset = 1, k_dom_line = 2, k_dom_unmanaged = 3, k_dom_team = 4 };

Rng keyed_rng(uint64_t seed, uint64_t domain, uint64_t a, uint64_t b = 0) {
  uint64_t x = seed;
  uint64_t h = splitmix64(x);
  x = h ^ (domain * 0xD6E8FEB86659FD93ULL);
  h = splitmix64(x);
  x = h ^ (a * 0xC2B2AE3D27D4EB4FULL);
  h = splitmix64(x);
  x = h ^ (b * 0x165667B19E3779F9ULL);
  return Rng(splitmix64(x));
}

// ---------------------------------------------------------------------------
// Text helpers.

std::string pad(size_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) {
    s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  }
  return s;
}

int digits_of(size_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// 713 -> "71.3", 700 -> "70", -5 -> "-0.5".
void append_tenths(std::string &out, int64_t tenths) {
  if (tenths < 0) {
    out += '-';
    tenths = -tenths;
  }
  out += std::to_string(tenths / 10);
  if (tenths % 10 != 0) {
    out += '.';
    out += static_cast<char>('0' + tenths % 10);
  }
}

const char k_hex[] = "0123456789abcdef";

std::string random_hex(Rng &rng, size_t n) {
  std::string s(n, '0');
  uint64_t bits = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i % 16 == 0) {
      bits = rng.next();
    }
    s[i] = k_hex[bits & 15];
    bits >>= 4;
  }
  return s;
}

std::string upper(std::string s) {
  for (auto &c : s) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return s;
}

std::string ipv4_text(uint32_t a) {
  return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 255) + '.' +
         std::to_string((a >> 8) & 255) + '.' + std::to_string(a & 255);
}

// RFC 5952 text (the longest run of two or more zero groups becomes "::",
// the first on a tie), or every group written out in full when `expanded`.
std::string ipv6_text(const std::array<uint16_t, 8> &g, bool expanded) {
  std::string s;
  auto group = [&](uint16_t v) {
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof buf, v, 16);
    std::string h(buf, r.ptr);
    if (expanded) {
      h.insert(0, 4 - h.size(), '0');
    }
    s += h;
  };
  int best = -1, best_len = 0;
  if (!expanded) {
    for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && g[static_cast<size_t>(j)] == 0) {
        ++j;
      }
      if (j - i > best_len && j - i >= 2) {
        best = i;
        best_len = j - i;
      }
      i = j == i ? i + 1 : j;
    }
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      s += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && !(best >= 0 && i == best + best_len)) {
      s += ':';
    }
    group(g[static_cast<size_t>(i)]);
  }
  return s;
}

void append_json_string(std::string &out, std::string_view s) {
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

// A JSON string, or null when empty.
void append_json_or_null(std::string &out, std::string_view s) {
  if (s.empty()) {
    out += "null";
  } else {
    append_json_string(out, s);
  }
}

// A double-quoted YAML scalar (so that no YAML 1.1 reader turns it into a
// date, a number or a boolean).
std::string yq(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

// Appends every part: no temporaries on the hot paths.
template <class... Parts> void put(std::string &o, const Parts &...parts) {
  (o.append(std::string_view(parts)), ...);
}

// Appends s as a double-quoted YAML scalar.
void put_q(std::string &o, std::string_view s) {
  o += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
    }
    o += c;
  }
  o += '"';
}

void put_int(std::string &o, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  o.append(buf, r.ptr);
}

// ---------------------------------------------------------------------------
// Catalogues.

struct Model {
  const char *vendor;
  const char *model;
  const char *firmware;
};

const std::array<Model, 3> k_plcs{{{"Siemens", "S7-1516F-3 PN/DP", "2.9.4"},
                                   {"Rockwell Automation", "ControlLogix 5580", "33.11.2"},
                                   {"Beckhoff", "CX5140", "3.1.4024"}}};
const std::array<Model, 2> k_hmis{
    {{"Siemens", "TP1200 Comfort", "17.0.3"}, {"Rockwell Automation", "PanelView 5510", "8.1.2"}}};
const std::array<Model, 3> k_drives{{{"SEW-Eurodrive", "MOVIDRIVE B", "4.21.6"},
                                     {"Danfoss", "VLT FC 302", "8.42.1"},
                                     {"ABB", "ACS880", "3.5.12"}}};
const std::array<Model, 3> k_switches{{{"Hirschmann", "RSP35", "9.1.2"},
                                       {"Cisco", "IE-3400", "17.9.4"},
                                       {"Moxa", "EDS-G516E", "6.3.1"}}};
const Model k_meter{"Schneider Electric", "PowerLogic PM5560", "2.7.4"};
const Model k_main_meter{"ABB", "M4M 30", "1.12.3"};
const Model k_server{"Dell", "PowerEdge R650", "2.19.1"};
const Model k_gateway{"Hirschmann", "EAGLE40-6", "4.3.2"};
const Model k_erp{"HPE", "ProLiant DL380 Gen11", "1.50.2"};

struct MachineKind {
  const char *prefix;
  const char *label;
  Model model;
  int kw_min, kw_max;
  bool inspected; // carries a safety-inspection certificate
  const char *criticality;
};

const std::array<MachineKind, 10> k_machines{{
    {"press", "Hydraulic press", {"Schuler", "MSD 400", "4.2.1"}, 15, 90, true, "safety"},
    {"cnc", "CNC machining centre", {"DMG Mori", "DMU 65", "8.1.3"}, 20, 45, false, "high"},
    {"robot", "Welding robot", {"KUKA", "KR 16 R1610-2", "8.7.4"}, 3, 8, true, "safety"},
    {"conveyor", "Conveyor", {"Interroll", "RollerDrive EC5000", "2.3.1"}, 1, 6, false, "medium"},
    {"oven", "Curing oven", {"Heller", "1913 MK5", "3.4.2"}, 40, 120, true, "high"},
    {"pump", "Coolant pump", {"Grundfos", "CR 15", "1.9.2"}, 4, 22, false, "medium"},
    {"filler", "Filling machine", {"Krones", "Modulfill", "6.1.2"}, 10, 35, false, "high"},
    {"packer", "Case packer", {"Schubert", "TLM F44", "5.2.1"}, 8, 25, false, "medium"},
    {"mixer", "Mixer", {"Eirich", "R08W", "2.11.1"}, 15, 55, false, "medium"},
    {"compressor", "Air compressor", {"Atlas Copco", "GA 37 VSD", "3.1.7"}, 30, 37, true, "high"},
}};

struct SensorKind {
  const char *id;     // sensor id on the asset
  const char *prefix; // asset id prefix of a stand-alone sensor
  const char *label;
  const char *type;
  const char *unit;
  Model model;
  int min, max;                        // measuring range
  int low_warn, high_warn, high_alarm; // thresholds (low_warn < -1000 = none)
  int hysteresis;
  int normal_lo, normal_hi; // where healthy readings lie
};

constexpr int k_none = -100000;

const std::array<SensorKind, 6> k_sensors{{
    {"temp",
     "ts",
     "Temperature sensor",
     "temperature",
     "Cel",
     {"ifm", "TA2105", "1.6.2"},
     -20,
     150,
     10,
     70,
     85,
     2,
     35,
     60},
    {"pressure",
     "pt",
     "Pressure transmitter",
     "pressure",
     "bar",
     {"Endress+Hauser", "Cerabar PMC71", "2.4.1"},
     0,
     250,
     20,
     180,
     210,
     5,
     60,
     160},
    {"vibration",
     "vs",
     "Vibration sensor",
     "vibration",
     "mm/s",
     {"ifm", "VVB001", "1.3.4"},
     0,
     50,
     k_none,
     7,
     11,
     1,
     1,
     5},
    {"current",
     "ct",
     "Current transducer",
     "current",
     "A",
     {"Phoenix Contact", "PACT RCP", "1.2.1"},
     0,
     400,
     k_none,
     300,
     350,
     10,
     40,
     220},
    {"flow",
     "ft",
     "Flow meter",
     "flow",
     "m3/h",
     {"Endress+Hauser", "Promag 10W", "2.2.3"},
     0,
     120,
     5,
     90,
     110,
     2,
     20,
     80},
    {"level",
     "lt",
     "Level sensor",
     "level",
     "%",
     {"SICK", "LFP Cubic", "1.5.1"},
     0,
     100,
     10,
     85,
     95,
     2,
     30,
     70},
}};

const std::array<const char *, 12> k_surnames{{"Nguyen", "Schmidt", "Okafor", "Rossi", "Kowalski",
                                               "Haddad", "Lindqvist", "Tanaka", "Moreau", "Silva",
                                               "Novak", "Fischer"}};

// Live status words the twin aliases (twin.yaml defaults.status_aliases).
const char *status_alias(const std::string &status) {
  if (status == "running") {
    return "RUN";
  }
  if (status == "stopped") {
    return "STOP";
  }
  if (status == "idle") {
    return "IDLE";
  }
  return "MAINT";
}

// A firmware one step behind (negative) or ahead (positive) of `fw`.
std::string firmware_step(const std::string &fw, bool ahead) {
  std::vector<long long> parts;
  for (size_t pos = 0; pos <= fw.size();) {
    size_t dot = fw.find('.', pos);
    if (dot == std::string::npos) {
      dot = fw.size();
    }
    parts.push_back(std::stoll(fw.substr(pos, dot - pos)));
    pos = dot + 1;
  }
  if (ahead) {
    ++parts.back();
  } else {
    size_t i = parts.size();
    while (i > 0 && parts[i - 1] == 0) {
      --i;
    }
    // Catalogue versions are never all zeros, so i > 0 here.
    --parts[i - 1];
    for (size_t j = i; j < parts.size(); ++j) {
      parts[j] = 9;
    }
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i ? "." : "") + std::to_string(parts[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// What is injected into the live side of one asset.

enum class Variant : uint8_t {
  none,
  // drift
  status_fault, // running -> fault
  status,
  ip,
  firmware_behind,
  firmware_ahead,
  checksum,
  zone,
  missing,
  stale,
  unobserved,
  // equivalent forms that are not drift
  eq_v_prefix,
  eq_hex_case,
  eq_ipv6_form,
  eq_status_alias,
};

// Every kind that must appear at least once when drift is on, in the order
// they are spread over the site.
const std::array<Variant, 13> k_forced{{Variant::status_fault, Variant::eq_v_prefix, Variant::ip,
                                        Variant::firmware_behind, Variant::eq_hex_case,
                                        Variant::missing, Variant::checksum, Variant::eq_ipv6_form,
                                        Variant::firmware_ahead, Variant::stale,
                                        Variant::eq_status_alias, Variant::zone, Variant::status}};

// ---------------------------------------------------------------------------
// The generated model (a light, generator-side copy of model::Asset).

struct ZoneNet {
  std::string id;
  uint32_t v4 = 0; // network address
  int v4_len = 24;
  uint16_t z6 = 0; // IPv6 subnet fd00:0:0:<z6>::/64
  uint32_t next_host = 1;
  uint32_t changed_first = 200; // host numbers never given to intended assets
  uint32_t changed_count = 20;
  std::string other; // the zone a zone-drifted asset reports
  const char *purdue = "1";

  std::array<uint16_t, 8> v6(uint32_t host) const {
    return {0xfd00,
            0,
            0,
            z6,
            0,
            0,
            static_cast<uint16_t>(host >> 16),
            static_cast<uint16_t>(host & 0xffff)};
  }
  std::string ip(uint32_t host, bool ipv6, bool expanded = false) const {
    return ipv6 ? ipv6_text(v6(host), expanded) : ipv4_text(v4 + host);
  }
  std::string subnet4() const { return ipv4_text(v4) + "/" + std::to_string(v4_len); }
  std::string subnet6() const { return ipv6_text(v6(0), false) + "/64"; }
};

struct Rel {
  const char *type;
  std::string target;
  const char *protocol; // may be null
};

struct SensorRec {
  const SensorKind *kind = nullptr;
  bool calibrated = false;
  std::string cal_cert;
  int64_t cal_day = 0;
  int64_t reading_tenths = 0; // the healthy value the snapshot reports
};

struct CertRec {
  std::string id;
  const char *kind;
  const char *issuer;
  int64_t issued_day = 0;
  int64_t expires_day = 0;
};

struct Asset {
  size_t ordinal = 0;
  Rng rng;
  std::string id, name;
  const char *cls = "";
  const char *criticality = "medium";
  std::string located_in, owned_by;
  const ZoneNet *zone = nullptr;
  const Model *model = nullptr;
  bool level0 = false; // a field device: purdue_level 0
  std::string status = "running";
  uint32_t host = 0;
  bool ipv6 = false;
  std::string ip, firmware, checksum_hex;
  std::vector<Rel> rels;
  bool redundant = false;
  std::vector<SensorRec> sensors;
  std::vector<CertRec> certs;
  int power_kw = -1;
  const char *live_key = nullptr; // identity binding: ditto | mqtt | azure
  std::string live_value;
  std::string group; // "site" or the line id: the folder of its file
  std::string file;  // default file (one file per cell)

  // The live side.
  size_t source = 0;
  Variant variant = Variant::none;
  int64_t age = 0; // seconds before taken_at
  std::string live_status, live_ip, live_firmware, live_checksum, live_zone;
};

struct Unmanaged {
  size_t line = 0;
  size_t source = 0;
  std::string ref, ip, firmware, checksum, zone;
  int64_t age = 0;
};

struct TruthEntry {
  std::string asset, kind, field, intended, live;
  bool operator<(const TruthEntry &o) const {
    return std::tie(asset, kind, field, intended, live) <
           std::tie(o.asset, o.kind, o.field, o.intended, o.live);
  }
};

struct LineLayout {
  int switches = 1;
  size_t first_cell = 0; // index into Layout::cell_sizes
  size_t cells = 0;
  size_t first_ordinal = 0;
};

// ---------------------------------------------------------------------------
// Streams files to the sink in chunks of about 1 MiB.

class Emitter {
public:
  explicit Emitter(const FileSink &sink) : m_sink(sink) {}
  // Switches to `path`; true when this starts a new file.
  bool open(const std::string &path) {
    if (path == m_path) {
      return false;
    }
    flush();
    m_path = path;
    ++m_files;
    return true;
  }
  std::string &buf() { return m_buf; }
  void maybe_flush() {
    if (m_buf.size() >= (1u << 20)) {
      flush();
    }
  }
  void flush() {
    if (!m_buf.empty()) {
      m_sink(m_path, m_buf);
      m_buf.clear();
    }
  }
  size_t files() const { return m_files; }

private:
  const FileSink &m_sink;
  std::string m_path;
  std::string m_buf;
  size_t m_files = 0;
};

// ---------------------------------------------------------------------------

class Factory {
public:
  Factory(const FactoryOptions &o, int64_t now) : m_opt(o), m_now(now), m_today(now / 86400) {
    if (now < 0) {
      m_today = (now - 86399) / 86400;
    }
    m_twin_id = "sim-" + std::to_string(o.seed);
    m_ns = "plant.sim" + std::to_string(o.seed);
    m_topic = "sim-" + std::to_string(o.seed);
  }

  FactoryStats run(const FileSink &sink) {
    plan_layout();
    Emitter em(sink);
    write_twin(em);
    write_policies(em);
    write_sources(em);
    write_spaces(em);
    write_teams(em);
    write_assets(em);   // pass 1: the intended state; collects truth and source counts
    write_snapshot(em); // pass 2: rebuilds each line for its observations
    write_truth(em);
    em.flush();

    FactoryStats st;
    st.twin_id = m_twin_id;
    st.assets = m_opt.assets;
    st.files = em.files();
    st.drift = m_drift.size();
    st.unmanaged = m_unmanaged.size();
    st.equivalents = m_equivalent.size();
    st.now_epoch = m_now;
    return st;
  }

private:
  const FactoryOptions &m_opt;
  int64_t m_now;
  int64_t m_today;
  std::string m_twin_id, m_ns, m_topic;

  // Layout.
  size_t m_lines = 0, m_areas = 0, m_buildings = 0;
  int m_wl = 2, m_wa = 2, m_wb = 2, m_wc = 2, m_wp = 4;
  std::vector<LineLayout> m_line;
  std::vector<uint16_t> m_cell_sizes;
  std::vector<std::pair<size_t, Variant>> m_forced; // by ordinal
  std::vector<Unmanaged> m_unmanaged;               // by line

  // Collected in pass 1.
  std::vector<size_t> m_source_items;
  std::vector<TruthEntry> m_drift, m_equivalent;
  size_t m_asset_docs = 0;

  bool drift_on() const { return m_opt.drift_rate > 0; }
  bool power_source_fails() const { return drift_on(); }

  std::string line_id(size_t li) const { return "line-" + pad(li + 1, m_wl); }
  std::string bld_id(size_t b) const { return "bld-" + pad(b + 1, m_wb); }
  std::string area_id(size_t a) const { return "area-" + pad(a + 1, m_wa); }
  size_t site_asset_count() const { return 5 + 2 * m_buildings; }
  size_t building_of_line(size_t li) const { return li / 12; }

  // Sources: 0 = azure-energy, 1..B = ditto-bXX, B+1..2B = mqtt-bXX (sorted by
  // name). azure-energy reads the site's power meters and fails when drift is
  // on; its binding key (azure) is one no other source claims, so its assets
  // are unobserved and nothing else is.
  size_t ditto_source(size_t b) const { return 1 + b; }
  size_t mqtt_source(size_t b) const { return 1 + m_buildings + b; }
  size_t source_count() const { return 1 + 2 * m_buildings; }
  std::string source_name(size_t s) const {
    if (s == 0) {
      return "azure-energy";
    }
    if (s <= m_buildings) {
      return "ditto-b" + pad(s, m_wb);
    }
    return "mqtt-b" + pad(s - m_buildings, m_wb);
  }
  const char *source_adapter(size_t s) const {
    return s == 0 ? "azure-twin" : s <= m_buildings ? "ditto" : "plain-json";
  }

  // Zones of the site and of a line. Addresses: site-ops 10.0.0.0/20, idmz
  // 10.0.16.0/24, enterprise 10.0.17.0/24, line i a /22 from 10.0.20.0 on
  // (control the first /23, supervisory the third /24).
  static ZoneNet site_zone(int which) {
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
  ZoneNet line_zone(size_t li, bool supervisory) const {
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
  void plan_layout() {
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
      Rng rng = keyed_rng(m_opt.seed, k_dom_line, li);
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
        Rng rng = keyed_rng(m_opt.seed, k_dom_unmanaged, j);
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

  Variant forced_variant(size_t ordinal) const {
    auto it = std::lower_bound(m_forced.begin(), m_forced.end(), ordinal,
                               [](const auto &p, size_t o) { return p.first < o; });
    return it != m_forced.end() && it->first == ordinal ? it->second : Variant::none;
  }

  // -------------------------------------------------------------------------
  // Building assets.

  // A new asset with the attributes every asset has: address, firmware,
  // checksum, status. Callers add the rest.
  Asset &add(std::vector<Asset> &out, size_t ordinal, std::string id, std::string name,
             const char *cls, const Model &model, ZoneNet &zone, bool varied_status) {
    Asset &a = out.emplace_back();
    a.ordinal = ordinal;
    a.rng = keyed_rng(m_opt.seed, k_dom_asset, ordinal);
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
  CertRec certificate(Rng &rng, std::string id, const char *kind, const char *issuer) {
    CertRec c{std::move(id), kind, issuer, 0, 0};
    const auto r = rng.below(100);
    const int64_t offset = r < 3   ? -rng.range(1, 120)
                           : r < 6 ? rng.range(1, 29)
                                   : rng.range(60, 700);
    c.expires_day = m_today + offset;
    c.issued_day = c.expires_day - (rng.chance(0.5) ? 365 : 730);
    return c;
  }

  SensorRec sensor(Rng &rng, const SensorKind &kind, double calibrated_share) {
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

  void set_source(Asset &a, size_t building) {
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

  std::vector<Asset> build_site() {
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

  std::vector<Asset> build_line(size_t li) {
    const LineLayout &L = m_line[li];
    const std::string lid = line_id(li);
    const std::string lp = pad(li + 1, m_wl);
    const size_t b = building_of_line(li);
    const std::string team = "maint-" + lid;
    m_line_zones = {line_zone(li, false), line_zone(li, true)};
    ZoneNet &ctl = m_line_zones[0];
    ZoneNet &sup = m_line_zones[1];
    Rng line_rng = keyed_rng(m_opt.seed, k_dom_line, li, 1);

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

  // Decides what the live side reports for one asset.
  void plan_live(Asset &a) {
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

  std::vector<ZoneNet> m_site_zones, m_line_zones;
  std::vector<std::string> m_source_names;           // by source index
  mutable std::map<int64_t, std::string> m_day_text; // day number -> YYYY-MM-DD

  // -------------------------------------------------------------------------
  // Writers of the small files.

  void write_twin(Emitter &em) {
    em.open("twin.yaml");
    std::string &o = em.buf();
    char rate[32];
    auto r = std::to_chars(rate, rate + sizeof rate, m_opt.drift_rate);
    o += "apiVersion: twinctl/v1\nkind: Twin\nid: " + m_twin_id + "\n";
    o += "name: " + yq("Simulated factory " + m_twin_id) + "\n";
    o += "description: " +
         yq("Synthetic twin from twinctl simulate factory: " + std::to_string(m_opt.assets) +
            " assets, seed " + std::to_string(m_opt.seed) + ", drift rate " +
            std::string(rate, r.ptr) + ".") +
         "\n";
    o += "defaults:\n  stale_after: PT15M\n  cert_due_soon: P30D\n  co2_kg_per_kwh: 0.38\n";
    o += "  status_aliases: {\"RUN\": running, \"STOP\": stopped, \"IDLE\": idle, \"MAINT\": "
         "maintenance, \"FAULT\": fault, \"OFF\": offline}\n";
    o += "  unit_aliases: {\"degC\": Cel}\n";
  }

  void write_policies(Emitter &em) {
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

  void write_sources(Emitter &em) {
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
             "\nendpoint: " + yq("https://energy-hub.sim.invalid") + "\n";
      } else if (s <= m_buildings) {
        o += "name: " + yq("Eclipse Ditto, building " + pad(s, m_wb)) +
             "\nendpoint: " + yq("https://ditto-b" + pad(s, m_wb) + ".sim.invalid") + "\n";
      } else {
        const std::string bp = pad(s - m_buildings, m_wb);
        o += "name: " + yq("MQTT sensors, building " + bp) +
             "\nendpoint: " + yq("mqtt://mqtt-b" + bp + ".sim.invalid:1883") + "\ntopics: [" +
             yq(m_topic + "/b" + bp + "/+/state") + "]\n";
      }
    }
  }

  void write_spaces(Emitter &em) {
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

  void write_teams(Emitter &em) {
    auto team = [&](std::string &o, const std::string &id, const std::string &name, size_t key) {
      Rng rng = keyed_rng(m_opt.seed, k_dom_team, key);
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

  // -------------------------------------------------------------------------
  // Pass 1: asset files, ground truth, source counts.

  void write_assets(Emitter &em) {
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

  // "YYYY-MM-DD" of a day number, cached: a few hundred distinct days occur.
  const std::string &day_text(int64_t day) const {
    auto [it, fresh] = m_day_text.try_emplace(day);
    if (fresh) {
      it->second = util::format_date(day * 86400);
    }
    return it->second;
  }

  // Same text as util::format_timestamp, without snprintf per call.
  std::string timestamp(int64_t t) const {
    int64_t day = t / 86400;
    if (t % 86400 < 0) {
      --day;
    }
    int64_t sec = t - day * 86400;
    std::string out = day_text(day);
    out += 'T';
    for (int64_t unit : {3600, 60, 1}) {
      const int64_t v = sec / unit;
      sec %= unit;
      out += static_cast<char>('0' + v / 10);
      out += static_cast<char>('0' + v % 10);
      out += unit == 1 ? 'Z' : ':';
    }
    return out;
  }

  void write_asset(std::string &o, const Asset &a) const {
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

  void record_truth(const Asset &a) {
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

  // -------------------------------------------------------------------------
  // Pass 2: the live snapshot.

  void write_snapshot(Emitter &em) {
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
        append_json_string(o, "https://energy-hub.sim.invalid: connection refused");
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

  void observation_head(std::string &o, const std::string &asset, size_t source,
                        const std::string &ref, const std::string &observed_at, bool online) const {
    o += "    {\"asset\": ";
    append_json_string(o, asset);
    put(o, ", \"source\": \"", m_source_names[source], "\", \"ref\": ");
    append_json_string(o, ref);
    put(o, ", \"observed_at\": \"", observed_at,
        online ? "\", \"online\": true" : "\", \"online\": false");
  }

  void fields(std::string &o, const std::string &status, const std::string &ip,
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

  void write_observation(std::string &o, const Asset &a) const {
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

  void write_unmatched(std::string &o, const Unmanaged &u) const {
    o += "    {\"source\": ";
    append_json_string(o, source_name(u.source));
    o += ", \"ref\": ";
    append_json_string(o, u.ref);
    o += ", \"observed_at\": ";
    append_json_string(o, timestamp(m_now - u.age));
    fields(o, "running", u.ip, u.firmware, u.checksum, u.zone);
    o += "}";
  }

  // -------------------------------------------------------------------------

  void write_truth(Emitter &em) {
    std::sort(m_drift.begin(), m_drift.end());
    std::sort(m_equivalent.begin(), m_equivalent.end());
    em.open("live/truth.json");
    std::string &o = em.buf();
    o += "{\n  \"format\": \"twinctl-truth/v1\",\n  \"seed\": " + std::to_string(m_opt.seed) +
         ",\n  \"assets\": " + std::to_string(m_asset_docs) + ",\n  \"drift\": [";
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
};

} // namespace

int64_t check_factory_options(const FactoryOptions &options) {
  if (options.assets < k_factory_min_assets || options.assets > k_factory_max_assets) {
    throw Error("--assets must be between " + std::to_string(k_factory_min_assets) + " and " +
                std::to_string(k_factory_max_assets) + ", not " + std::to_string(options.assets));
  }
  if (!(options.drift_rate >= 0 && options.drift_rate <= 1)) {
    throw Error("--drift-rate must be between 0 and 1");
  }
  const auto now = util::parse_timestamp(options.now);
  if (!now || options.now.size() <= 10) {
    throw Error("--now '" + options.now + "' is not an RFC 3339 timestamp (2026-05-04T09:42:00Z)");
  }
  return *now;
}

FactoryStats generate_factory(const FactoryOptions &options, const FileSink &sink) {
  Factory factory(options, check_factory_options(options));
  return factory.run(sink);
}

} // namespace twinctl::sim
