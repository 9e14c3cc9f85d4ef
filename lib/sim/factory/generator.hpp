// The factory generator's model and steps, shared by its files (see
// lib/sim/factory.hpp for the contract and lib/sim/factory.cpp for the shape
// of a generated site). Internal to lib/sim.
#pragma once

#include "lib/sim/factory.hpp"
#include "lib/sim/factory/catalog.hpp"
#include "lib/sim/factory/text.hpp"
#include "lib/util/rng.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace twinctl::sim::factory {

// PRNG: lib/util/rng.hpp (our own: the standard distributions differ between
// standard libraries).
using util::Rng;
using util::splitmix64;

// Independent streams, so that assets do not depend on each other's draws.
enum Domain : uint64_t { k_dom_asset = 1, k_dom_line = 2, k_dom_unmanaged = 3, k_dom_team = 4 };

inline Rng keyed_rng(uint64_t seed, uint64_t domain, uint64_t a, uint64_t b = 0) {
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
inline const std::array<Variant, 13> k_forced{{Variant::status_fault, Variant::eq_v_prefix, Variant::ip,
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
// The generator: one object per run holding the layout of the site and what
// pass 1 collects for the snapshot and the truth file. run() is in
// lib/sim/factory.cpp; its steps in topology.cpp, assets.cpp, live.cpp, truth.cpp.
class Factory {
public:
  Factory(const FactoryOptions &o, int64_t now);

  FactoryStats run(const FileSink &sink);

private:
  const FactoryOptions &m_opt;
  int64_t m_now;
  int64_t m_today;
  std::string m_twin_id, m_ns, m_topic;
  uint64_t m_seed = 0;  // the PRNG seed: the option's, or one of its own for a site of a fleet
  std::string m_host;   // the suffix of every endpoint's host name, ".sim.invalid"

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

  std::vector<ZoneNet> m_site_zones, m_line_zones;
  std::vector<std::string> m_source_names;           // by source index
  mutable std::map<int64_t, std::string> m_day_text; // day number -> YYYY-MM-DD

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

  // lib/sim/factory.cpp: dates and times as text.
  const std::string &day_text(int64_t day) const;
  std::string timestamp(int64_t t) const;

  // topology.cpp: the site's layout, zones and sources, and the small files
  // (twin.yaml, policy/, sources/, spaces/, teams/).
  std::string source_name(size_t s) const;
  const char *source_adapter(size_t s) const;
  static ZoneNet site_zone(int which);
  ZoneNet line_zone(size_t li, bool supervisory) const;
  void plan_layout();
  Variant forced_variant(size_t ordinal) const;
  void write_twin(Emitter &em);
  void write_policies(Emitter &em);
  void write_sources(Emitter &em);
  void write_spaces(Emitter &em);
  void write_teams(Emitter &em);

  // assets.cpp: the assets of the site and of each line, and their YAML (pass 1).
  Asset &add(std::vector<Asset> &out, size_t ordinal, std::string id, std::string name,
             const char *cls, const Model &model, ZoneNet &zone, bool varied_status);
  CertRec certificate(Rng &rng, std::string id, const char *kind, const char *issuer);
  SensorRec sensor(Rng &rng, const SensorKind &kind, double calibrated_share);
  void set_source(Asset &a, size_t building);
  std::vector<Asset> build_site();
  std::vector<Asset> build_line(size_t li);
  void write_assets(Emitter &em);
  void write_asset(std::string &o, const Asset &a) const;

  // live.cpp: what the live side reports, and live/snapshot.json (pass 2).
  void plan_live(Asset &a);
  void write_snapshot(Emitter &em);
  void observation_head(std::string &o, const std::string &asset, size_t source,
                        const std::string &ref, const std::string &observed_at, bool online) const;
  void fields(std::string &o, const std::string &status, const std::string &ip,
              const std::string &firmware, const std::string &checksum,
              const std::string &zone) const;
  void write_observation(std::string &o, const Asset &a) const;
  void write_unmatched(std::string &o, const Unmanaged &u) const;

  // truth.cpp: the ground truth of what was injected, live/truth.json.
  void record_truth(const Asset &a);
  void write_truth(Emitter &em);
};

} // namespace twinctl::sim::factory
