#include "lib/live/sources.hpp"

#include "lib/live/http/source.hpp"
#include "lib/live/formats/live_files.hpp"
#include "lib/live/mqtt/source.hpp"
#include "lib/util/error.hpp"
#include "lib/util/url.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace twinctl::live {

namespace {

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

model::LiveSnapshot read_spec(const SourceSpec& spec, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options) {
  if (!is_url(spec.endpoint)) {
    return read_live_file(spec.endpoint, twin, matcher, spec.source ? spec.source->id : "");
  }
  util::Url url = util::parse_url(spec.endpoint);
  if (url.scheme == "http" || url.scheme == "https") {
    return read_http(spec, twin, matcher, options);
  }
  if (url.scheme == "mqtt" || url.scheme == "mqtts") {
    return read_mqtt(spec, twin, matcher, options);
  }
  throw Error("--live " + url.redacted() + ": unsupported scheme '" + url.scheme +
              "' (expected a file, http(s)://, mqtt(s):// or a source name)");
}

std::string env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

} // namespace

std::string env_prefix(const std::string& source_name) {
  std::string p = "TWINCTL_";
  for (char c : source_name) {
    c = char(std::toupper(static_cast<unsigned char>(c)));
    p += (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
  }
  return p + "_";
}

Credentials credentials_for(const SourceSpec& spec) {
  Credentials c;
  if (spec.endpoint.find("://") != std::string::npos) {
    util::Url url = util::parse_url(spec.endpoint);
    c.user = url.user;
    c.password = url.password;
  }
  std::string prefix = env_prefix(spec.name);
  auto pick = [&](std::string& out, const char* key) {
    if (out.empty()) {
      out = env(prefix + key);
    }
    if (out.empty()) {
      out = env(std::string("TWINCTL_") + key);
    }
  };
  pick(c.user, "USERNAME");
  pick(c.password, "PASSWORD");
  pick(c.token, "TOKEN");
  return c;
}

model::LiveSnapshot read_live(const std::string& src, const model::Twin& twin, const AssetMatcher& matcher,
                              const LiveOptions& options) {
  SourceSpec spec;
  std::error_code ec;
  if (is_url(src)) {
    util::Url url = util::parse_url(src);
    spec.name = url.host;
    spec.adapter = options.adapter;
    spec.endpoint = src;
  } else if (std::filesystem::is_regular_file(src, ec)) {
    spec.endpoint = src;
  } else if (const model::Source* s = twin.find_source(src)) {
    if (s->endpoint.empty()) {
      throw Error(s->loc.str() + ": source '" + src + "' has no endpoint");
    }
    spec.name = s->id;
    spec.adapter = s->adapter;
    spec.endpoint = s->endpoint;
    spec.source = s;
  } else {
    throw Error("--live " + util::redact_url(src) +
                ": no such file, and no source of that name in the twin's sources/");
  }
  return read_spec(spec, twin, matcher, options);
}

} // namespace twinctl::live
