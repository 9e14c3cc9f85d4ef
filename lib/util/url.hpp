// URLs of live sources: http(s)://, mqtt(s)://. Parsed once, with the
// credentials kept apart so that nothing prints them.
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

  // The URL without user and password, through redact_url: safe to print.
  std::string redacted() const;
  // scheme://host:port (no credentials, no path).
  std::string origin() const;
  int port_or_default() const;
};

// Parses an absolute URL. Throws twinctl::Error on anything malformed; the
// message never repeats the credentials.
Url parse_url(const std::string& text);

// The one redaction of every message that can hold a URL (--live, --publish,
// --repo, sources): `url` with everything between "://" and its last '@'
// replaced by "***". The last '@', not the first '/' after "://": a password
// may hold '/', '?', '#', '@', a space or a quote that its user did not
// percent-encode, and printing a host too few is better than a secret.
std::string redact_url(const std::string& url);

// A URL with its credentials taken out, for clients that take them apart
// (libgit2's credential callback): `url` without "user:password@", and the
// user and password percent-decoded. Throws twinctl::Error (with the URL
// redacted) when a '/', '?' or '#' in the credentials makes the URL ambiguous.
struct UrlCredentials {
  std::string url;
  std::string user;
  std::string password;
};
UrlCredentials split_credentials(const std::string& url);

} // namespace twinctl::util
