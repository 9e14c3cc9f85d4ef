// `--live SRC`: a file, an http(s):// URL, an mqtt(s):// URL, or the name of a
// twin `Source` (sources/*.yaml). One entry point for every command that reads
// live state (drift, rca, audit, snapshot).
//
// Fail closed: a network source that cannot be read (refused, DNS, timeout,
// TLS, 401/403, 5xx after retries, malformed or truncated payload, broker
// down) comes back as a LiveSource with ok = false and the reason, and no
// observations; the caller marks its assets unobserved and exits 3. Errors of
// the caller's own making (a file that does not parse, a malformed URL, an
// unknown adapter) throw twinctl::Error: exit 2.
#pragma once

#include "lib/live/match.hpp"
#include "lib/model/live.hpp"
#include "lib/model/twin.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace twinctl::live {

// Settings of network sources from the command line. A twin Source's
// `options` override the defaults (not what the user set explicitly).
struct LiveOptions {
  std::string adapter;    // for a bare http(s) URL: ditto|generic; for mqtt(s): a profile (else ?profile=)
  double connect_timeout = 10; // seconds
  double timeout = 60;         // seconds, a whole request / the whole MQTT collection
  double settle = 2;           // MQTT: seconds without a new message that end the collection
  int retries = 3;             // HTTP: retries on 429/5xx/connection errors
  std::string ca_file;         // extra CA bundle (PEM)
  std::string cert_file;       // client certificate (PEM), MQTT/HTTP mutual TLS
  std::string key_file;        // its key
  bool insecure = false;       // skip TLS verification: explicit and loud
  // MQTT aws-shadow: publish an empty message to each thing's $aws/things/T/shadow/get and
  // collect the answers (the one write twinctl makes to a source; also a Source's or URL's
  // shadow_get=true).
  bool aws_shadow_get = false;
  bool progress = false;       // progress on stderr (set when stderr is a TTY)
  // Flags the user gave ("timeout", "connect-timeout", "retries"): a twin
  // Source's options do not override those.
  std::set<std::string> given;
  std::optional<int64_t> taken_at; // the time stamped on network reads (--now); default the clock
  // Called with a one-line progress text (pages fetched, ...) when set; `done`
  // on the source's last line. lib/ never prints: cmd/ sets this on a TTY.
  std::function<void(const std::string& line, bool done)> on_progress;
};

// What to read: resolved from `--live SRC` and, for a source name, the twin.
struct SourceSpec {
  std::string name;     // LiveSource::name: the Source id, else derived from the file/URL
  std::string adapter;  // the Source's adapter or LiveOptions::adapter; may be empty
  std::string endpoint; // file path or URL as given (may hold credentials: never print it)
  const model::Source* source = nullptr; // the twin Source, when SRC named one
};

// Credentials of a network source. Never in the twin repo: from the URL's
// userinfo when given on the command line, else the environment:
// TWINCTL_<NAME>_USERNAME, _PASSWORD, _TOKEN (NAME = the source name upper-cased,
// every other character than A-Z and 0-9 made '_'), else TWINCTL_USERNAME,
// TWINCTL_PASSWORD, TWINCTL_TOKEN. Nothing prints them.
struct Credentials {
  std::string user;
  std::string password;
  std::string token; // HTTP Bearer
};
Credentials credentials_for(const SourceSpec& spec);

// The environment variable prefix of a source: "ditto-main" -> "TWINCTL_DITTO_MAIN_".
std::string env_prefix(const std::string& source_name);

model::LiveSnapshot read_live(const std::string& src, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options);

} // namespace twinctl::live
