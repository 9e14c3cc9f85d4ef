// The fast simdjson readers (live_v1_fast.cpp, fast_json.cpp) accept only the
// common case and hand everything else to the general nlohmann reader, which
// reports errors with line and column: `bail()` says "let the general reader
// decide", `ok()` unwraps a simdjson result or bails.
#pragma once

#include <simdjson.h>

#include <utility>

namespace twinctl::live::detail {

// Thrown inside the fast readers only, caught at their entry points.
struct NotCommon {};

[[noreturn]] inline void bail() { throw NotCommon{}; }

template <class T> T ok(simdjson::simdjson_result<T> r) {
  T v;
  if (std::move(r).get(v) != simdjson::SUCCESS) {
    bail();
  }
  return v;
}

} // namespace twinctl::live::detail
