// Firmware versions as OT vendors write them: 4.2.1, v2.8-rc1, Siemens
// V4.5.2 and V4.7 SP14, letter prefixes (SV3.20, R32.011), Cisco IOS trains
// 15.2(7)E4, parenthesised builds 2.04.01 (build 5). Any non-empty text is a
// firmware; ordering (behind/ahead) is given only where it can be decided, and
// plain equality otherwise. The rule is documented in man/twinctl-twin.5.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twinctl::util {

// A firmware string split into its parts. Letters and digits form tokens;
// everything else (. - _ ( ) spaces …) separates them, and build metadata after
// '+' is left out. Letters compare case-insensitively, numbers by value
// (32.011 is 32.11), so "V4.12.1" and "4.12.1", "v4.7 sp14" and "V4.7 SP14" are
// the same firmware.
struct Firmware {
  std::string prefix;               // letters before the first number ("sv", "r"); a lone "v" is dropped
  std::vector<std::string> release; // the numbers up to the first letter after them, without leading zeros
  std::vector<std::string> rest;    // the tokens after the release: "sp" "14", "e" "4", "build" "5", "rc" "1"
  std::string text;                 // canonical text: "4.12.1", "sv3.20", "15.2.7-e4", "2.4.1-build5"
};

Firmware parse_firmware(std::string_view s);

enum class FirmwareOrder {
  equal,          // the same firmware
  behind,         // a is older than b
  ahead,          // a is newer than b
  different_build, // the same release with another suffix (4.2.1 vs 4.2.1-rc1, E4 vs M3)
  unordered,      // different, and no order can be decided (other prefix, no numbers)
};

// Where firmware `a` stands against `b`. Ordered when both have the same prefix
// and a release: releases compare number by number (missing numbers count as
// 0, so 4.2 = 4.2.0); equal releases compare their suffixes when these have the
// same letters in the same places (SP13 < SP14, E4 < E10, build 5 < build 6).
FirmwareOrder compare_firmware(const Firmware& a, const Firmware& b);

const char* to_string(FirmwareOrder o); // "equal", "behind", "ahead", "different build", "different"

} // namespace twinctl::util
