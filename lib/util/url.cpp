#include "lib/util/url.hpp"

#include "lib/util/error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace twinctl::util {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = char(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string percent_decode(const std::string& s, const std::string& shown) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw Error("invalid URL " + shown + ": bad percent escape");
    }
    out += char(hi * 16 + lo);
    i += 2;
  }
  return out;
}

} // namespace

std::string redact_url(const std::string& url) {
  size_t scheme_end = url.find("://");
  size_t at = url.rfind('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end + 3) {
    return url;
  }
  return url.substr(0, scheme_end + 3) + "***" + url.substr(at);
}

UrlCredentials split_credentials(const std::string& url) {
  UrlCredentials out{url, "", ""};
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return out;
  }
  size_t start = scheme_end + 3;
  size_t auth_end = std::min(url.find_first_of("/?#", start), url.size());
  size_t at = url.rfind('@', auth_end);
  if (at == std::string::npos || at < start) {
    // "http://ops:pa/ss@host/": an '@' after the authority, which is no host[:port]
    // ("ops:pa"). Say so rather than connect to host "ops" or print "bad port 'pa'".
    size_t colon = url.find(':', url[start] == '[' ? std::min(url.find(']', start), auth_end) : start);
    bool bad_port = colon < auth_end && url.find_first_not_of("0123456789", colon + 1) < auth_end;
    if (url.find('@', auth_end) != std::string::npos && (bad_port || colon + 1 == auth_end)) {
      throw Error("invalid URL " + redact_url(url) +
                  ": a '/', '?', '#' or '@' in a user name or password must be percent-encoded (%2F, %3F, %23, %40)");
    }
    return out;
  }
  const std::string shown = redact_url(url);
  if (url.find('@', auth_end) != std::string::npos) {
    // "https://u:pa@ss/x@host/": a password "pa@ss/x" or host "ss"? redact_url hides up to the last
    // '@'; taking the first would put "ss/x" in the URL that is cloned and stored.
    throw Error("invalid URL " + shown +
                ": a '/', '?', '#' or '@' in a user name or password must be percent-encoded (%2F, %3F, %23, %40)");
  }
  std::string userinfo = url.substr(start, at - start);
  size_t c = userinfo.find(':');
  out.user = percent_decode(userinfo.substr(0, c), shown);
  if (c != std::string::npos) {
    out.password = percent_decode(userinfo.substr(c + 1), shown);
  }
  out.url = url.substr(0, start) + url.substr(at + 1);
  return out;
}

Url parse_url(const std::string& text) {
  const std::string shown = redact_url(text);
  Url u;
  size_t colon = text.find("://");
  if (colon == std::string::npos || colon == 0) {
    throw Error("invalid URL " + shown + ": expected scheme://host[:port][/path]");
  }
  // From here on, only the URL without its credentials is looked at.
  UrlCredentials creds = split_credentials(text);
  u.user = std::move(creds.user);
  u.password = std::move(creds.password);
  const std::string& bare = creds.url;
  for (char c : text.substr(0, colon)) {
    u.scheme += char(std::tolower(static_cast<unsigned char>(c)));
  }
  size_t start = colon + 3;
  size_t auth_end = bare.find_first_of("/?#", start);
  std::string authority = bare.substr(start, auth_end == std::string::npos ? std::string::npos : auth_end - start);
  std::string rest = auth_end == std::string::npos ? "" : bare.substr(auth_end);
  if (size_t hash = rest.find('#'); hash != std::string::npos) {
    rest.resize(hash);
  }
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) {
      throw Error("invalid URL " + shown + ": unterminated IPv6 address");
    }
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        throw Error("invalid URL " + shown + ": junk after the IPv6 address");
      }
      port = authority.substr(close + 2);
    }
  } else {
    size_t c = authority.rfind(':');
    u.host = authority.substr(0, c);
    if (c != std::string::npos) {
      port = authority.substr(c + 1);
    }
  }
  if (u.host.empty()) {
    throw Error("invalid URL " + shown + ": no host");
  }
  if (!port.empty()) {
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), u.port);
    if (ec != std::errc() || p != port.data() + port.size() || u.port < 1 || u.port > 65535) {
      // The port is not echoed when an '@' is about: it may be part of a password.
      bool may_be_secret = text.find('@') != std::string::npos;
      throw Error("invalid URL " + shown + ": bad port" + (may_be_secret ? "" : " '" + port + "'"));
    }
  }
  u.raw_path_query = rest.empty() ? "/" : rest;
  if (rest[0] == '?') {
    u.raw_path_query = "/" + rest;
  }
  size_t q = rest.find('?');
  std::string path = rest.substr(0, q);
  u.path = percent_decode(path.empty() ? path : path.substr(1), shown);
  if (q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t amp = query.find('&', pos);
      std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      if (!item.empty()) {
        size_t eq = item.find('=');
        u.query[percent_decode(item.substr(0, eq), shown)] =
            eq == std::string::npos ? "" : percent_decode(item.substr(eq + 1), shown);
      }
      if (amp == std::string::npos) {
        break;
      }
      pos = amp + 1;
    }
  }
  return u;
}

int Url::port_or_default() const {
  if (port) {
    return port;
  }
  if (scheme == "https") {
    return 443;
  }
  if (scheme == "http") {
    return 80;
  }
  if (scheme == "mqtts") {
    return 8883;
  }
  if (scheme == "mqtt") {
    return 1883;
  }
  return 0;
}

std::string Url::origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + h + (port ? ":" + std::to_string(port) : "");
}

std::string Url::redacted() const {
  return redact_url(origin() + (raw_path_query == "/" ? "" : raw_path_query));
}

} // namespace twinctl::util
