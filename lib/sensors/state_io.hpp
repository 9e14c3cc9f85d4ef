// The byte stream of a detector-state checkpoint (replay_state.cpp): fixed-
// width little-endian numbers and length-prefixed strings. The reader checks
// every length against what is left and against the caller's bound, and
// throws twinctl::Error naming the checkpoint and the byte: a checkpoint is
// input, hostile until bounded.
#pragma once

#include "lib/util/error.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace twinctl::sensors {

class StateWriter {
public:
  template <class T> void put(T v) {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    m_out.append(b, sizeof(T));
  }
  void str(std::string_view s) {
    put(uint32_t(s.size()));
    m_out.append(s);
  }
  template <class T> void vec(const std::vector<T>& v) {
    put(uint64_t(v.size()));
    for (const T& x : v) {
      put(x);
    }
  }
  std::string& bytes() { return m_out; }

private:
  std::string m_out;
};

class StateReader {
public:
  StateReader(std::string_view in, std::string what) : m_in(in), m_what(std::move(what)) {}
  template <class T> T get() {
    static_assert(std::is_arithmetic_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, m_in.data() + m_at, sizeof(T));
    m_at += sizeof(T);
    return v;
  }
  bool flag() { return get<uint8_t>() != 0; }
  // A value that must lie in [lo, hi].
  template <class T> T in(T lo, T hi, const char* name) {
    const T v = get<T>();
    if (!(v >= lo && v <= hi)) {
      fail(std::string(name) + " out of range");
    }
    return v;
  }
  std::string str(size_t max) {
    const uint32_t n = get<uint32_t>();
    if (n > max) {
      fail("a text longer than " + std::to_string(max) + " bytes");
    }
    need(n);
    std::string s(m_in.substr(m_at, n));
    m_at += n;
    return s;
  }
  template <class T> std::vector<T> vec(size_t max) {
    const uint64_t n = get<uint64_t>();
    if (n > max || n > (m_in.size() - m_at) / sizeof(T)) {
      fail("a list of " + std::to_string(n) + " entries (at most " + std::to_string(max) + ")");
    }
    std::vector<T> v(n);
    for (T& x : v) {
      x = get<T>();
    }
    return v;
  }
  size_t left() const { return m_in.size() - m_at; }
  size_t at() const { return m_at; }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(m_what + ": not a usable checkpoint: " + why + " at byte " + std::to_string(m_at));
  }

private:
  void need(size_t n) const {
    if (n > m_in.size() - m_at) {
      fail("truncated");
    }
  }
  std::string_view m_in;
  size_t m_at = 0;
  std::string m_what;
};

} // namespace twinctl::sensors
