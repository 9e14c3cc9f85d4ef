#include "lib/live/http/client.hpp"

#include "lib/util/strings.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

namespace twinctl::live {

CurlLibrary::CurlLibrary() { curl_global_init(CURL_GLOBAL_DEFAULT); }
CurlLibrary::~CurlLibrary() { curl_global_cleanup(); }

namespace {

using CurlEasy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

struct Receiver {
  HttpResponse* response = nullptr;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Receiver*>(user);
  size_t len = size * n;
  if (r->response->body.size() + len > r->max_bytes) {
    r->too_large = true;
    return 0; // aborts the transfer
  }
  r->response->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Receiver*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect or a 100 Continue): forget the last one.
    r->response->headers.clear();
    std::vector<std::string> parts = util::split(util::trim(line), ' ');
    r->response->reason.clear();
    for (size_t i = 2; i < parts.size(); ++i) {
      r->response->reason += (i > 2 ? " " : "") + parts[i];
    }
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    r->response->headers[util::to_lower(util::trim(line.substr(0, colon)))] = util::trim(line.substr(colon + 1));
  }
  return size * n;
}

bool transient_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool transient_error(CURLcode rc) {
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_RECV_ERROR ||
         rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
}

bool tls_error(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM ||
         rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CIPHER || rc == CURLE_SSL_ISSUER_ERROR ||
         rc == CURLE_SSL_ENGINE_NOTFOUND || rc == CURLE_SSL_CRL_BADFILE || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

std::string reason_phrase(long status) {
  switch (status) {
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 408:
    return "Request Timeout";
  case 429:
    return "Too Many Requests";
  case 500:
    return "Internal Server Error";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return "";
  }
}

} // namespace

std::string seconds_text(double s) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, std::round(s * 10) / 10);
  return std::string(buf, r.ptr) + " s";
}

double backoff_seconds(int attempt) { return std::min(8.0, 0.5 * std::pow(2.0, std::max(0, attempt - 1))); }

std::optional<double> parse_retry_after(std::string_view value, int64_t now) {
  std::string v = util::trim(value);
  if (v.empty()) {
    return std::nullopt;
  }
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    double s = 0;
    std::from_chars(v.data(), v.data() + v.size(), s);
    return s;
  }
  time_t t = curl_getdate(v.c_str(), nullptr);
  if (t < 0) {
    return std::nullopt;
  }
  return std::max(0.0, double(int64_t(t) - now));
}

std::string next_link(std::string_view header) {
  // <url>; rel="next", <url>; rel="last"
  size_t pos = 0;
  while (true) {
    size_t open = header.find('<', pos);
    size_t close = open == std::string_view::npos ? open : header.find('>', open);
    if (close == std::string_view::npos) {
      return "";
    }
    size_t end = header.find('<', close);
    std::string params =
        util::to_lower(header.substr(close + 1, end == std::string_view::npos ? end : end - close - 1));
    for (const std::string& p : util::split(params, ';')) {
      std::string t = util::trim(p);
      if (t.rfind("rel=", 0) == 0) {
        std::string rel = t.substr(4);
        rel.erase(std::remove_if(rel.begin(), rel.end(), [](char ch) { return ch == '"' || ch == ','; }), rel.end());
        for (const std::string& r : util::split(rel, ' ')) {
          if (r == "next") {
            return std::string(header.substr(open + 1, close - open - 1));
          }
        }
      }
    }
    pos = close + 1;
  }
}

struct HttpClient::Impl {
  HttpSettings s;
  CurlEasy curl{nullptr, curl_easy_cleanup};
  char errbuf[CURL_ERROR_SIZE] = {};

  void setup() {
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); // whatever libcurl can decode
    curl_easy_setopt(c, CURLOPT_USERAGENT, "twinctl/" TWINCTL_VERSION);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(s.connect_timeout * 1000));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(s.timeout * 1000));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, s.insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, s.insecure ? 0L : 2L);
    if (!s.ca_file.empty()) {
      curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file.c_str());
    }
    if (!s.cert_file.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLCERT, s.cert_file.c_str());
    }
    if (!s.key_file.empty()) {
      curl_easy_setopt(c, CURLOPT_SSLKEY, s.key_file.c_str());
    }
    // Credentials as libcurl auth, never in the URL or a custom header: libcurl
    // does not send them to another host after a redirect.
    if (!s.token.empty()) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
      curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, s.token.c_str());
    } else if (!s.user.empty() || !s.password.empty()) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(c, CURLOPT_USERNAME, s.user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
    }
  }

  // Removes any secret that a library message might echo.
  std::string scrub(std::string text) const {
    for (const std::string* secret : {&s.password, &s.token}) {
      for (size_t p; !secret->empty() && (p = text.find(*secret)) != std::string::npos;) {
        text.replace(p, secret->size(), "***");
      }
    }
    return text;
  }

  std::string describe(CURLcode rc, const Receiver& r) const {
    std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    if (r.too_large) {
      return "response larger than " + std::to_string(s.max_bytes >> 20) + " MiB";
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return "timed out after " + seconds_text(s.timeout) + " (" + detail + ")";
    }
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
      return "DNS: " + detail;
    }
    if (rc == CURLE_PARTIAL_FILE) {
      return "truncated response: " + detail;
    }
    if (tls_error(rc)) {
      return "TLS: " + detail + (s.ca_file.empty() ? " (a private CA? --ca-file FILE)" : "");
    }
    return detail;
  }

  // One attempt. Returns the libcurl code; fills `out`.
  CURLcode once(const std::string& url, HttpResponse& out, Receiver& r) {
    out = HttpResponse{};
    r = Receiver{&out, s.max_bytes, false};
    errbuf[0] = 0;
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    if (out.reason.empty()) {
      out.reason = reason_phrase(out.status);
    }
    return rc;
  }
};

HttpClient::HttpClient(HttpSettings settings) : m_impl(std::make_unique<Impl>()) {
  m_impl->s = std::move(settings);
  if (!m_impl->s.sleep) {
    m_impl->s.sleep = [](double sec) { std::this_thread::sleep_for(std::chrono::duration<double>(sec)); };
  }
  m_impl->curl.reset(curl_easy_init());
  if (m_impl->curl) {
    m_impl->setup();
  }
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::get(const std::string& url) {
  Impl& m = *m_impl;
  HttpResult res;
  if (!m.curl) {
    res.error = "cannot initialise libcurl";
    return res;
  }
  Receiver r;
  for (int attempt = 1;; ++attempt) {
    res.attempts = attempt;
    CURLcode rc = m.once(url, res.response, r);
    long status = res.response.status;
    bool transient = rc == CURLE_OK ? transient_status(status) : transient_error(rc) && !r.too_large;
    if (rc == CURLE_OK && status >= 200 && status < 300) {
      res.ok = true;
      res.error.clear();
      return res;
    }
    res.error = rc == CURLE_OK
                    ? "HTTP " + std::to_string(status) + (res.response.reason.empty() ? "" : " ") + res.response.reason
                    : m.scrub(m.describe(rc, r));
    if (!transient || attempt > m.s.retries) {
      if (attempt > 1) {
        res.error += " after " + std::to_string(attempt) + " attempts";
      }
      return res;
    }
    double wait = backoff_seconds(attempt);
    if (auto it = res.response.headers.find("retry-after"); rc == CURLE_OK && it != res.response.headers.end()) {
      int64_t now =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      if (auto ra = parse_retry_after(it->second, now)) {
        if (*ra > m.s.max_retry_wait) {
          res.error += " (Retry-After " + seconds_text(*ra) + " is longer than twinctl waits, " +
                       seconds_text(m.s.max_retry_wait) + ")";
          return res;
        }
        wait = *ra;
      }
    }
    m.s.sleep(wait);
  }
}

} // namespace twinctl::live
