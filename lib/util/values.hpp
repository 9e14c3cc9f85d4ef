// Typed values of the intended and live state: ids, IP addresses, firmware
// versions, checksums. Parsing gives the canonical form used for comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::util {

// [a-z0-9][a-z0-9._-]*, at most 128 characters.
bool is_valid_id(std::string_view s);
// The canonical text of an IPv4 or IPv6 address (inet_ntop form: IPv6 lower
// case and compressed; IPv4-mapped IPv6 kept as such); nullopt when invalid.
std::optional<std::string> canonical_ip(std::string_view s);
// "10.20.3.0/24" or "fd00::/64"; true when s is a valid CIDR block.
bool is_cidr(std::string_view s);
// True when ip (canonical or not) lies inside the CIDR block.
bool ip_in_cidr(std::string_view ip, std::string_view cidr);

// "sha256:EFBD…" -> "sha256:efbd…"; nullopt when the algorithm is unknown or
// the hex has the wrong length.
std::optional<std::string> canonical_checksum(std::string_view s);

// Parses a whole string as a finite double.
std::optional<double> parse_number(std::string_view s);

} // namespace twinctl::util
