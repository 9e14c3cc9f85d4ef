// Dates, timestamps and ISO 8601 durations, without the C library's time zone
// state: everything is UTC and computed with civil-date arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twinctl::util {

// An ISO 8601 duration such as P12M or PT15M. Months and years are kept apart
// from days and seconds so calendar arithmetic is exact.
struct Duration {
  int64_t months = 0;  // years are 12 months
  int64_t days = 0;    // weeks are 7 days
  int64_t seconds = 0; // hours, minutes, seconds
  std::string text;    // as written
};

// Days since 1970-01-01 of a valid calendar date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// "YYYY-MM-DD" -> seconds since the epoch at 00:00Z; nullopt when not a real date.
std::optional<int64_t> parse_date(std::string_view s);
// RFC 3339 / ISO 8601 timestamp ("2026-05-04T09:42:00Z", "...+02:00", fractional
// seconds allowed) or a plain date -> seconds since the epoch; nullopt when invalid.
std::optional<int64_t> parse_timestamp(std::string_view s);
// ISO 8601 duration (P1Y2M3W4DT5H6M7S, fractions of seconds dropped); nullopt when invalid or empty.
std::optional<Duration> parse_duration(std::string_view s);
// t + d, with months added on the calendar (Jan 31 + P1M = Feb 28/29).
int64_t add_duration(int64_t t, const Duration& d);
// Calendar days (UTC) from the day of `from` to the day of `to`: 2026-02-10 to 2026-05-04T10:00Z
// is 83, whatever the hour. Every "N days overdue / in N days" counts with this, so one item
// has one count in every section of a report.
int64_t days_between(int64_t from, int64_t to);
// The length of d in seconds, months counted as 30 days (for windows, not calendars).
int64_t approx_seconds(const Duration& d);

// "2026-05-04T09:42:00Z"
std::string format_timestamp(int64_t t);
// "2026-05-04"
std::string format_date(int64_t t);

} // namespace twinctl::util
