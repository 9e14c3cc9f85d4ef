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
// A fleet (--sites) is N runs of this generator, one per site; a site differs
// from the single twin only in its id, namespaces, host names and PRNG seed
// (the Factory constructor).
//
// Determinism and streaming: every asset draws from its own PRNG keyed by
// (seed, ordinal), so a line can be rebuilt at any time with identical
// results. The generator makes two passes over the lines: the first writes
// the YAML and counts what each live source will report; the second rebuilds
// each line and writes its observations. Only one line's assets are in memory
// at a time, plus the (small) ground truth.
//
// The files: factory/generator.hpp (the model and the Factory class),
// factory/topology.cpp (layout and the small files), factory/assets.cpp
// (assets, pass 1), factory/live.cpp (the snapshot, pass 2), factory/truth.cpp
// (the truth file), factory/catalog.hpp (device models), factory/text.hpp.
#include "lib/sim/factory.hpp"

#include "lib/sim/factory/generator.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <algorithm>

namespace twinctl::sim {

namespace factory {

Factory::Factory(const FactoryOptions &o, int64_t now) : m_opt(o), m_now(now), m_today(now / 86400) {
  if (now < 0) {
    m_today = (now - 86399) / 86400;
  }
  const std::string seed = std::to_string(o.seed);
  m_twin_id = "sim-" + seed;
  m_ns = "plant.sim" + seed;
  m_topic = "sim-" + seed;
  m_seed = o.seed;
  m_host = ".sim.invalid";
  if (o.site > 0) {
    // A site of a fleet: its own id, names and device namespace (the sites may
    // share brokers and a history database), and its own PRNG stream, so no
    // two sites have the same assets or the same drift.
    const std::string site = fleet_site_id(o.site, o.sites);
    m_twin_id = site;
    m_ns += "." + site;
    m_topic += "/" + site;
    m_host = "." + site + m_host;
    uint64_t x = o.seed ^ (o.site * 0x9E3779B97F4A7C15ULL);
    m_seed = splitmix64(x);
  }
}

FactoryStats Factory::run(const FileSink &sink) {
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

// "YYYY-MM-DD" of a day number, cached: a few hundred distinct days occur.
const std::string &Factory::day_text(int64_t day) const {
  auto [it, fresh] = m_day_text.try_emplace(day);
  if (fresh) {
    it->second = util::format_date(day * 86400);
  }
  return it->second;
}

// Same text as util::format_timestamp, without snprintf per call.
std::string Factory::timestamp(int64_t t) const {
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

} // namespace factory

std::string fleet_site_id(size_t site, size_t sites) {
  const size_t width = std::max<size_t>(2, std::to_string(sites).size());
  return "site-" + factory::pad(site, static_cast<int>(width));
}

int64_t check_factory_options(const FactoryOptions &options) {
  if (options.sites > k_factory_max_sites || options.site > options.sites) {
    throw Error("--sites must be between 1 and " + std::to_string(k_factory_max_sites) + ", not " +
                std::to_string(options.sites));
  }
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
  factory::Factory generator(options, check_factory_options(options));
  return generator.run(sink);
}

} // namespace twinctl::sim
