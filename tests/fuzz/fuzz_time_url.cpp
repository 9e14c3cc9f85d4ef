// Times, dates, durations and URLs, as flags and live sources give them. The
// input is NUL-separated: a timestamp, a date, a duration, then the user, the
// password tail and the rest of a URL whose password always starts with a
// marker. Properties: a parsed timestamp formats and parses back to itself;
// adding a parsed duration is defined behaviour; no secret in any message: the
// marker appears in no parse error, no redacted() or origin(), no redact_url()
// of the URL and neither in split_credentials()'s URL nor in its errors.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/url.hpp"

using namespace twinctl;

namespace {

const char* const k_marker = "Zq7PassWORDx";

bool clean(const std::string& s) { return s.find(k_marker) == std::string::npos; }

// A user name that cannot end the authority: the password always follows "user:".
bool plain_user(std::string_view u) { return u.find_first_of("/?#@[]\\") == std::string_view::npos; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string_view> p = fuzz::split(fuzz::as_text(data, size), '\0', 6);
  p.resize(6);

  std::optional<int64_t> t = util::parse_timestamp(p[0]);
  if (t) {
    std::optional<int64_t> back = util::parse_timestamp(util::format_timestamp(*t));
    FUZZ_CHECK(back && *back == *t, "a timestamp formats and parses back to itself");
  }
  util::parse_date(p[1]);
  if (std::optional<util::Duration> d = util::parse_duration(p[2])) {
    util::add_duration(t.value_or(0), *d);
    util::approx_seconds(*d);
  }

  if (!plain_user(p[3]) || !clean(std::string(p[3])) || !clean(std::string(p[5]))) {
    return 0; // the marker must be in the password only
  }
  static const char* const k_schemes[] = {"http", "https", "mqtt", "mqtts"};
  std::string url = std::string(k_schemes[size % 4]) + "://" + std::string(p[3]) + ":" + k_marker + std::string(p[4]) +
                    "@" + std::string(p[5]);
  try {
    util::Url u = util::parse_url(url);
    FUZZ_CHECK(clean(u.redacted()), "redacted() holds the password");
    FUZZ_CHECK(clean(u.origin()), "origin() holds the password");
  } catch (const Error& e) {
    FUZZ_CHECK(clean(e.what()), "a URL error message holds the password");
  }
  FUZZ_CHECK(clean(util::redact_url(url)), "redact_url() leaves the password");
  try {
    FUZZ_CHECK(clean(util::split_credentials(url).url), "split_credentials() leaves the password in the URL");
  } catch (const Error& e) {
    FUZZ_CHECK(clean(e.what()), "a split_credentials() error holds the password");
  }
  return 0;
}
