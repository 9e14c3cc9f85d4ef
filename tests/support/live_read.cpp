// Test and bench helper: reads one live source through twinctl's entry point
// (read_live) with LiveOptions the command line cannot set yet, and prints
// what came back, one JSON object per line, sorted:
//   live_read [--ca-file F] [--cert-file F] [--key-file F] [--insecure]
//             [--settle S] [--timeout S] [--adapter P] SRC
//   {"source": name, "ok": bool, "error": "...", "items": n, "seconds": s}
//   {"ref": ..., "online": bool|null, "observed_at": ..., "fields": {...}, "metrics": {name: value}}
// Exit 0 when the source was read, 1 when it failed, 2 on an error.
#include "lib/live/sources.hpp"
#include "lib/util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  using nlohmann::json;
  twinctl::live::LiveOptions o;
  std::string src;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string next = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--insecure") {
      o.insecure = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      src = a;
      continue;
    }
    ++i;
    if (a == "--ca-file") {
      o.ca_file = next;
    } else if (a == "--cert-file") {
      o.cert_file = next;
    } else if (a == "--key-file") {
      o.key_file = next;
    } else if (a == "--settle") {
      o.settle = std::stod(next);
    } else if (a == "--timeout") {
      o.timeout = std::stod(next);
    } else if (a == "--adapter") {
      o.adapter = next;
    } else {
      std::cerr << "live_read: unknown option " << a << "\n";
      return 2;
    }
  }
  try {
    twinctl::model::Twin twin;
    twinctl::live::AssetMatcher matcher(twin);
    auto start = std::chrono::steady_clock::now();
    twinctl::model::LiveSnapshot snap = twinctl::live::read_live(src, twin, matcher, o);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const twinctl::model::LiveSource& ls = snap.sources.front();
    std::cout << json{{"source", ls.name}, {"adapter", ls.adapter}, {"endpoint", ls.endpoint},
                      {"ok", ls.ok},       {"error", ls.error},     {"items", ls.items},
                      {"seconds", s}}
                     .dump()
              << "\n";
    std::sort(snap.observations.begin(), snap.observations.end(),
              [](const auto& a, const auto& b) { return a.ref < b.ref; });
    for (const auto& ob : snap.observations) {
      json metrics = json::object();
      for (const auto& [name, m] : ob.metrics) {
        metrics[name] = m.value;
      }
      std::cout << json{{"ref", ob.ref},
                        {"online", ob.online ? json(*ob.online) : json()},
                        {"observed_at", ob.observed_at},
                        {"fields", ob.fields},
                        {"metrics", metrics}}
                       .dump()
                << "\n";
    }
    return ls.ok ? 0 : 1;
  } catch (const twinctl::Error& e) {
    std::cerr << "live_read: error: " << e.what() << "\n";
    return 2;
  }
}
