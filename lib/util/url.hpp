// URLs of live sources: http(s)://, mqtt(s)://. Parsed once, with the
// credentials kept apart so that nothing prints them (DESIGN.md §10).
#pragma once

#include <map>
#include <string>

namespace twinctl::util {

struct Url {
  std::string scheme;   // lower case: http, https, mqtt, mqtts
  std::string user;     // percent-decoded; empty when none
  std::string password; // percent-decoded; empty when none
  std::string host;     // without brackets for IPv6
  int port = 0;         // 0 = the scheme's default
  std::string path;     // percent-decoded, without the leading '/' (MQTT: the topic filter)
  std::map<std::string, std::string> query; // percent-decoded
  std::string raw_path_query; // "/path?query" as given (for HTTP requests)

  // The URL without user and password: safe to print.
  std::string redacted() const;
  // scheme://host:port (no credentials, no path).
  std::string origin() const;
  int port_or_default() const;
};

// Parses an absolute URL. Throws twinctl::Error on anything malformed; the
// message never repeats the credentials.
Url parse_url(const std::string& text);

// `text` with any "scheme://user:password@" credentials replaced by "***@".
std::string redact_credentials(const std::string& text);

} // namespace twinctl::util
