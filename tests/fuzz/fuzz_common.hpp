// Shared by the libFuzzer targets in tests/fuzz (see ARCHITECTURE.md, "Testing").
// A target returns normally on input the parser rejects with twinctl::Error;
// any other exception escapes, and libFuzzer reports it as a crash (abort),
// like a sanitizer finding or a broken property (FUZZ_CHECK).
#pragma once

#include "lib/model/twin.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::fuzz {

// A property that must hold for every input: prints what broke and aborts.
#define FUZZ_CHECK(cond, what)                                                                                       \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      std::fprintf(stderr, "fuzz property broken: %s (%s)\n", static_cast<const char*>(what), #cond);                 \
      std::abort();                                                                                                    \
    }                                                                                                                  \
  } while (0)

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits the input at each `sep` (at most `max` parts; the last takes the rest).
inline std::vector<std::string_view> split(std::string_view in, char sep, size_t max = 64) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    size_t p = in.find(sep);
    if (p == std::string_view::npos) {
      break;
    }
    out.push_back(in.substr(0, p));
    in.remove_prefix(p + 1);
  }
  out.push_back(in);
  return out;
}

// The twin of the fixtures in tests/data/live-formats: press-07 and plc-l2-01
// (plc-l2-01 bound to its device names), so matching code runs too.
inline const model::Twin& scenario_twin() {
  static const model::Twin twin = [] {
    model::Twin t;
    t.id = "plant-a";
    model::Asset plc;
    plc.id = "plc-l2-01";
    plc.live = {{"aws", "plc-thing"}, {"azure", "plc-dev"}, {"ditto", "plant.a:plc"}, {"sparkplug", "g/n/plc"}};
    model::Asset press;
    press.id = "press-07";
    t.assets = {plc, press};
    return t;
  }();
  return twin;
}

} // namespace twinctl::fuzz
