#include "lib/util/values.hpp"

#include "lib/util/strings.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

namespace twinctl::util {

bool is_valid_id(std::string_view s) {
  if (s.empty() || s.size() > 128) {
    return false;
  }
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok_first(s[0])) {
    return false;
  }
  for (char c : s) {
    if (!ok_first(c) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> canonical_ip(std::string_view sv) {
  std::string s(sv);
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (s.find(':') == std::string::npos) {
    // inet_pton accepts only dotted-quad decimal, which is what we want
    // (no octal "010", no shortened "10.1").
    if (inet_pton(AF_INET, s.c_str(), buf) == 1 && inet_ntop(AF_INET, buf, out, sizeof out)) {
      return std::string(out);
    }
    return std::nullopt;
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1 && inet_ntop(AF_INET6, buf, out, sizeof out)) {
    return std::string(out);
  }
  return std::nullopt;
}

namespace {

// Parses "addr/len" into raw bytes; family size 4 or 16.
bool parse_cidr(std::string_view s, unsigned char* addr, size_t& size, int& len) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  std::string a(s.substr(0, slash));
  std::string_view l = s.substr(slash + 1);
  auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), len);
  if (ec != std::errc() || p != l.data() + l.size() || l.empty()) {
    return false;
  }
  if (inet_pton(AF_INET, a.c_str(), addr) == 1) {
    size = 4;
  } else if (inet_pton(AF_INET6, a.c_str(), addr) == 1) {
    size = 16;
  } else {
    return false;
  }
  return len >= 0 && len <= static_cast<int>(size * 8);
}

} // namespace

bool is_cidr(std::string_view s) {
  unsigned char addr[16];
  size_t size = 0;
  int len = 0;
  return parse_cidr(s, addr, size, len);
}

bool ip_in_cidr(std::string_view ip, std::string_view cidr) {
  unsigned char net[16], host[16];
  size_t size = 0;
  int len = 0;
  if (!parse_cidr(cidr, net, size, len)) {
    return false;
  }
  std::string h(ip);
  if (inet_pton(size == 4 ? AF_INET : AF_INET6, h.c_str(), host) != 1) {
    return false;
  }
  for (int bit = 0; bit < len; ++bit) {
    int byte = bit / 8;
    int mask = 0x80 >> (bit % 8);
    if ((net[byte] & mask) != (host[byte] & mask)) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> canonical_checksum(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  std::string algo = to_lower(s.substr(0, colon));
  std::string hex = to_lower(s.substr(colon + 1));
  size_t want = algo == "md5" ? 32 : algo == "sha1" ? 40 : algo == "sha256" ? 64 : algo == "sha512" ? 128 : 0;
  if (want == 0 || hex.size() != want) {
    return std::nullopt;
  }
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  return algo + ":" + hex;
}

std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  if (s[0] == '+') {
    s.remove_prefix(1);
  }
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

} // namespace twinctl::util
