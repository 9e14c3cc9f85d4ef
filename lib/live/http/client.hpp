// An HTTP GET client for live sources (libcurl): timeouts, TLS verified by
// default, Basic or Bearer auth, bounded retries with backoff on 408/429/5xx
// and connection errors (Retry-After honoured), proxies from the usual
// environment variables (libcurl reads http_proxy, https_proxy, no_proxy).
// Only GET: nothing here can write to a factory API.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace twinctl::live {

// curl_global_init/cleanup, once, in main() before any command runs.
class CurlLibrary {
public:
  CurlLibrary();
  ~CurlLibrary();
  CurlLibrary(const CurlLibrary&) = delete;
  CurlLibrary& operator=(const CurlLibrary&) = delete;
};

struct HttpSettings {
  double connect_timeout = 10; // seconds
  double timeout = 60;         // seconds, per request
  int retries = 3;
  double max_retry_wait = 60; // a longer Retry-After fails the request instead
  std::string ca_file;        // PEM bundle trusted instead of the system's
  std::string cert_file;      // client certificate (mutual TLS)
  std::string key_file;
  bool insecure = false;
  size_t max_bytes = size_t(512) << 20; // per response
  std::string user;                     // Basic auth
  std::string password;                 // never printed
  std::string token;                    // Bearer auth; wins over Basic; never printed
  // How to wait before a retry (tests pass a fake); default sleeps.
  std::function<void(double seconds)> sleep;
};

struct HttpResponse {
  long status = 0;
  std::string reason; // "Unauthorized"
  std::string body;
  std::map<std::string, std::string> headers; // names lower case; the last value wins
};

struct HttpResult {
  bool ok = false;       // a 2xx response
  HttpResponse response; // the last response (when one came)
  std::string error;     // why not ok, without the URL and without secrets
  int attempts = 0;
};

class HttpClient {
public:
  explicit HttpClient(HttpSettings settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GETs `url` (which must hold no credentials), retrying transient failures.
  // Never throws for what the network or the server did.
  HttpResult get(const std::string& url);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Seconds to wait from a Retry-After value (delta-seconds or an HTTP-date,
// relative to `now`, epoch seconds); nullopt when unparsable.
std::optional<double> parse_retry_after(std::string_view value, int64_t now);
// The target of the rel="next" link of a Link header; empty when none.
std::string next_link(std::string_view link_header);
// The wait before retry `attempt` (1-based): 0.5 s, 1 s, 2 s, ... at most 8 s.
double backoff_seconds(int attempt);
// "0.5 s", "10 s"
std::string seconds_text(double s);

} // namespace twinctl::live
