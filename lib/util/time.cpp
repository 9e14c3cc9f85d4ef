#include "lib/util/time.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace twinctl::util {

namespace {

// Howard Hinnant's civil_from_days.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// Reads exactly n digits at s[pos].
bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) {
    return false;
  }
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

} // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> parse_date(std::string_view s) {
  int64_t y = 0, m = 0, d = 0;
  if (s.size() != 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<unsigned>(m))) {
    return std::nullopt;
  }
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400;
}

std::optional<int64_t> parse_timestamp(std::string_view s) {
  auto date = parse_date(s.substr(0, 10));
  if (!date) {
    return std::nullopt;
  }
  if (s.size() == 10) {
    return date;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
    return std::nullopt;
  }
  int64_t hh = 0, mm = 0, ss = 0;
  if (!digits(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mm)) {
    return std::nullopt;
  }
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss)) {
      return std::nullopt;
    }
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      size_t start = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        ++pos;
      }
      if (pos == start) {
        return std::nullopt;
      }
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  int64_t offset = 0;
  if (pos == s.size()) {
    // No zone designator: read as UTC, which is what factory APIs mean in practice.
  } else if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
  } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    int64_t oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  return *date + hh * 3600 + mm * 60 + ss - offset;
}

std::optional<Duration> parse_duration(std::string_view s) {
  if (s.size() < 2 || s[0] != 'P') {
    return std::nullopt;
  }
  Duration d;
  d.text = std::string(s);
  bool in_time = false;
  bool any = false;
  size_t i = 1;
  // Units must come in order: Y M W D, then T H M S.
  int last_rank = -1;
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (in_time) {
        return std::nullopt;
      }
      in_time = true;
      ++i;
      if (i == s.size()) {
        return std::nullopt;
      }
      continue;
    }
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
    }
    if (i == start || i - start > 9) {
      return std::nullopt;
    }
    int64_t n = 0;
    std::from_chars(s.data() + start, s.data() + i, n);
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      // Fractions only on seconds; they are dropped.
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        ++i;
      }
      if (i >= s.size() || s[i] != 'S' || !in_time) {
        return std::nullopt;
      }
    }
    if (i == s.size()) {
      return std::nullopt;
    }
    char unit = s[i++];
    int rank = 0;
    if (!in_time) {
      switch (unit) {
      case 'Y': rank = 0; d.months += n * 12; break;
      case 'M': rank = 1; d.months += n; break;
      case 'W': rank = 2; d.days += n * 7; break;
      case 'D': rank = 3; d.days += n; break;
      default: return std::nullopt;
      }
    } else {
      switch (unit) {
      case 'H': rank = 4; d.seconds += n * 3600; break;
      case 'M': rank = 5; d.seconds += n * 60; break;
      case 'S': rank = 6; d.seconds += n; break;
      default: return std::nullopt;
      }
    }
    if (rank <= last_rank) {
      return std::nullopt;
    }
    last_rank = rank;
    any = true;
  }
  if (!any) {
    return std::nullopt;
  }
  return d;
}

int64_t add_duration(int64_t t, const Duration& d) {
  if (d.months != 0) {
    int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - day * 86400;
    int64_t y = 0;
    unsigned m = 0, dd = 0;
    civil_from_days(day, y, m, dd);
    int64_t total = y * 12 + (m - 1) + d.months;
    int64_t ny = total >= 0 ? total / 12 : (total - 11) / 12;
    auto nm = static_cast<unsigned>(total - ny * 12 + 1);
    unsigned nd = dd > days_in_month(ny, nm) ? days_in_month(ny, nm) : dd;
    t = days_from_civil(ny, nm, nd) * 86400 + secs;
  }
  return t + d.days * 86400 + d.seconds;
}

int64_t approx_seconds(const Duration& d) { return d.months * 30 * 86400 + d.days * 86400 + d.seconds; }

std::string format_timestamp(int64_t t) {
  int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - day * 86400;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(day, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                  static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60));
    return buf;
  }
  // The common case without snprintf (a snapshot has a timestamp per observation and metric).
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&](size_t at, int64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, y, 4);
  put(5, m, 2);
  put(8, d, 2);
  put(11, secs / 3600, 2);
  put(14, secs / 60 % 60, 2);
  put(17, secs % 60, 2);
  return out;
}

std::string format_date(int64_t t) { return format_timestamp(t).substr(0, 10); }

int64_t days_between(int64_t from, int64_t to) {
  auto day = [](int64_t t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); };
  return day(to) - day(from);
}

} // namespace twinctl::util
