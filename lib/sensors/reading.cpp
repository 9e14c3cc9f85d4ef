// Reading parsers. Hand-written because replay must run at millions of lines
// per second: no allocation, std::from_chars for numbers, and an
// ISO 8601 parser that reads fixed positions instead of scanning.
#include "lib/sensors/reading.hpp"

#include "lib/util/time.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace twinctl::sensors {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) {
      return false;
    }
    v = v * 10 + static_cast<int>(d);
  }
  out = v;
  return true;
}

// Times RFC 3339 can write (format_time_ms): 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
std::optional<int64_t> writable(int64_t ms) {
  constexpr int64_t k_min_ms = -62167219200000;
  constexpr int64_t k_max_ms = 253402300799999;
  return ms >= k_min_ms && ms <= k_max_ms ? std::optional<int64_t>(ms) : std::nullopt;
}

std::optional<int64_t> parse_epoch(std::string_view s) {
  bool all_digits = !s.empty();
  for (char c : s) {
    all_digits = all_digits && (c >= '0' && c <= '9');
  }
  if (all_digits && s.size() <= 16) {
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return writable(s.size() >= 13 ? v : v * 1000); // 13+ digits: milliseconds (after 2001-09-09)
  }
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d) || d < 0 || d > 1e11) {
    return std::nullopt; // fractional epoch seconds only, and nothing past year 5138
  }
  return static_cast<int64_t>(std::llround(d * 1000));
}

bool quality_of(std::string_view q, Quality& out) {
  if (q.empty()) {
    out = Quality::good;
    return true;
  }
  const char c = static_cast<char>(q[0] | 0x20);
  const size_t n = q.size();
  if (c == 'g' && n == 4) {
    out = Quality::good;
  } else if (c == 'b' && n == 3) {
    out = Quality::bad;
  } else if (c == 'u' && n == 9) {
    out = Quality::uncertain;
  } else {
    return false;
  }
  return true;
}

// Clinger's fast path: a plain decimal ("-12.3450") of at most 15 digits is an
// integer m < 2^53 over 10^k with k <= 15, both exact in a double, so one
// correctly rounded division gives exactly what std::from_chars gives.
// False for anything else (exponents, long mantissas, "NaN"): the caller falls
// back to std::from_chars.
[[gnu::always_inline]] inline bool fast_decimal(const char* p, const char* end, double& out) {
  static constexpr double k_pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool neg = p < end && *p == '-';
  p += neg;
  uint64_t m = 0;
  int digits = 0;
  for (; p < end && static_cast<unsigned>(*p - '0') <= 9; ++p, ++digits) {
    m = m * 10 + static_cast<unsigned>(*p - '0');
  }
  int frac = 0;
  if (p < end && *p == '.') {
    for (++p; p < end && static_cast<unsigned>(*p - '0') <= 9; ++p, ++frac) {
      m = m * 10 + static_cast<unsigned>(*p - '0');
    }
    if (frac == 0) {
      return false;
    }
  }
  if (p != end || digits + frac == 0 || digits + frac > 15) {
    return false;
  }
  const double v = static_cast<double>(m) / k_pow10[frac];
  out = neg ? -v : v;
  return true;
}

// A number, "NaN", or a status word such as "running": anything else is garbage.
[[gnu::always_inline]] inline bool value_of(std::string_view v, Reading& out) {
  out.text = {};
  if (v.empty()) {
    return false;
  }
  const char* first = v.data();
  const char* last = v.data() + v.size();
  if (*first == '+') {
    ++first;
  }
  if (fast_decimal(first, last, out.value)) {
    return true;
  }
  auto [p, ec] = std::from_chars(first, last, out.value);
  if (p == last && ec == std::errc()) {
    return true;
  }
  if (p == last && ec == std::errc::result_out_of_range) {
    out.value = std::nan(""); // 1e999: from_chars leaves the value as it was; never reuse it
    return true;
  }
  for (char c : v) {
    const char l = static_cast<char>(c | 0x20);
    if (!((l >= 'a' && l <= 'z') || c == '_' || c == '-' || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  out.value = std::nan("");
  out.text = v;
  return true;
}

} // namespace

std::optional<int64_t> parse_time_ms(std::string_view s) {
  if (s.size() < 19 || s[4] != '-') {
    return parse_epoch(s);
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d) ||
      (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  static constexpr int k_mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > k_mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
      mi > 59 || sec > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int64_t scale = 100;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    const bool colon = pos + 3 < s.size() && s[pos + 3] == ':';
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + (colon ? 4 : 3), 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += colon ? 6 : 5;
  } else {
    return std::nullopt; // a time without a zone is ambiguous
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  const int64_t days = util::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + std::min(sec, 59) - offset_min * 60;
  return writable(secs * 1000 + ms); // an offset may push 9999-12-31 past the year 9999
}

std::string format_time_ms(int64_t ms) {
  const int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const int64_t frac = ms - secs * 1000;
  std::string t = util::format_timestamp(secs);
  if (frac != 0) {
    char buf[5] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                   static_cast<char>('0' + frac % 10), 0};
    t.insert(t.size() - 1, buf);
  }
  return t;
}

namespace {

std::optional<int64_t> parse_time_hour_cached(std::string_view s, Reading& r);

// A timestamp that is not the previous line's: through the hour cache, then
// remembered. Out of line: the caller inlines only the compare.
[[gnu::noinline]] bool parse_time_new(std::string_view s, Reading& r, int64_t& ms) {
  auto t = parse_time_hour_cached(s, r);
  if (!t) {
    return false;
  }
  if (s.size() >= 16 && s.size() <= 24) {
    std::memcpy(r.ts_key, s.data(), s.size());
    r.ts_len = s.size();
    r.ts_key_ms = *t;
  }
  ms = *t;
  return true;
}

// parse_time_ms with the previous timestamp and its hour remembered in `r`:
// "YYYY-MM-DDTHH:MM:SS[.fff]Z" whose first 13 bytes match costs a compare.
// False when invalid; `ms` is set on success only. (A bool and an out
// parameter, not an optional: returned through the stack, an optional cost a
// stalled reload per line.)
[[gnu::always_inline]] inline bool parse_time_cached(std::string_view s, Reading& r, int64_t& ms) {
  // The very timestamp of the previous line (every sensor read in the same
  // second): three 8-byte compares, the last overlapping, cover 16..24 bytes.
  if (s.size() == r.ts_len && s.size() >= 16 && s.size() <= 24) {
    uint64_t a0, a1, a2, b0, b1, b2;
    std::memcpy(&a0, s.data(), 8);
    std::memcpy(&a1, s.data() + 8, 8);
    std::memcpy(&a2, s.data() + s.size() - 8, 8);
    std::memcpy(&b0, r.ts_key, 8);
    std::memcpy(&b1, r.ts_key + 8, 8);
    std::memcpy(&b2, r.ts_key + s.size() - 8, 8);
    if (((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2)) == 0) {
      ms = r.ts_key_ms;
      return true;
    }
  }
  return parse_time_new(s, r, ms);
}

std::optional<int64_t> parse_time_hour_cached(std::string_view s, Reading& r) {
  // hour_key[4] is '-' once a valid hour was stored: before that its zeros
  // would match a NUL-filled timestamp.
  if (s.size() >= 20 && s.size() <= 24 && s.back() == 'Z' && s[13] == ':' && s[16] == ':' && r.hour_key[4] == '-' &&
      std::memcmp(s.data(), r.hour_key, 13) == 0) {
    int mi = 0, sec = 0;
    if (digits(s, 14, 2, mi) && digits(s, 17, 2, sec) && mi < 60 && sec < 60) {
      int64_t ms = 0;
      if (s.size() == 20) {
        return r.hour_ms + (mi * 60 + sec) * 1000;
      }
      if (s[19] == '.') {
        int64_t scale = 100;
        size_t i = 20;
        for (; i + 1 < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
          ms += (s[i] - '0') * scale;
        }
        if (i + 1 == s.size() && i > 20) {
          return r.hour_ms + (mi * 60 + sec) * 1000 + ms;
        }
      }
    }
  }
  auto t = parse_time_ms(s);
  if (t && s.size() >= 20 && s[4] == '-' && s.back() == 'Z') {
    std::memcpy(r.hour_key, s.data(), 13);
    int mi = 0, sec = 0;
    digits(s, 14, 2, mi);
    digits(s, 17, 2, sec);
    const int64_t whole_s = *t - ((*t % 1000) + 1000) % 1000; // floor to the second, before 1970 too
    r.hour_ms = whole_s - (mi * 60 + std::min(sec, 59)) * 1000;
  }
  return t;
}

} // namespace

bool is_csv_header(std::string_view line) {
  return line.size() >= 9 && (line.substr(0, 9) == "timestamp" || line.substr(0, 9) == "\"timestam");
}

namespace {

#if !defined(__SSE2__)
// The high bit of each byte of w that is a comma, exactly (no false positives,
// unlike the classic haszero trick: all of them are used).
static_assert(std::endian::native == std::endian::little, "comma positions assume a little-endian load");
inline uint64_t comma_bits(uint64_t w) {
  constexpr uint64_t k_low7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t x = w ^ 0x2C2C2C2C2C2C2C2CULL; // ',' bytes become zero
  return ~(((x & k_low7) + k_low7) | x | k_low7);
}
#endif

} // namespace

const char* parse_csv_line(std::string_view line, Reading& out) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  // Up to 6 commas (a 6th means too many fields), 16 or 8 bytes at a time.
  const char* p = line.data();
  const size_t size = line.size();
  size_t comma[6];
  size_t nc = 0;
  // An ISO timestamp has no comma in its first 19 bytes: skip them.
  size_t i = size > 20 && p[4] == '-' ? 19 : 0;
#if defined(__SSE2__)
  const __m128i commas = _mm_set1_epi8(',');
  auto bits16 = [&](size_t at) {
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at)), commas)));
  };
  for (; nc < 6 && i + 16 <= size; i += 16) {
    for (unsigned bits = bits16(i); bits != 0 && nc < 6; bits &= bits - 1) {
      comma[nc++] = i + static_cast<size_t>(__builtin_ctz(bits));
    }
  }
  if (nc < 6 && i < size && size >= 16) {
    // The tail: one load of the last 16 bytes, without those before i.
    const size_t base = size - 16;
    for (unsigned bits = bits16(base) >> (i - base); bits != 0 && nc < 6; bits &= bits - 1) {
      comma[nc++] = i + static_cast<size_t>(__builtin_ctz(bits));
    }
    i = size;
  }
#else
  for (; nc < 6 && i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    for (uint64_t bits = comma_bits(w); bits != 0 && nc < 6; bits &= bits - 1) {
      comma[nc++] = i + static_cast<size_t>(__builtin_ctzll(bits) >> 3);
    }
  }
#endif
  for (; nc < 6 && i < size; ++i) {
    if (p[i] == ',') {
      comma[nc++] = i;
    }
  }
  if (nc < 3 || nc > 5) {
    return "expected 6 comma-separated fields: timestamp,machineId,sensorType,value,unit,quality";
  }
  // Field k runs from after comma k-1 to comma k (the last one to the end),
  // each made where it is used: views built in an array on the stack were
  // read back in one 16-byte load each, a stalled store forward per field.
  const size_t value_end = nc > 3 ? comma[3] : size;
  out.machine = std::string_view(p + comma[0] + 1, comma[1] - comma[0] - 1);
  out.sensor = std::string_view(p + comma[1] + 1, comma[2] - comma[1] - 1);
  out.unit = nc >= 4 ? std::string_view(p + comma[3] + 1, (nc > 4 ? comma[4] : size) - comma[3] - 1)
                     : std::string_view{};
  const std::string_view quality = nc >= 5 ? std::string_view(p + comma[4] + 1, size - comma[4] - 1) : std::string_view{};
  int64_t ts = 0;
  if (!parse_time_cached(std::string_view(p, comma[0]), out, ts)) {
    return "bad timestamp (ISO 8601 with a zone, or epoch seconds/milliseconds)";
  }
  if (out.machine.empty() || out.sensor.empty()) {
    return "empty machineId or sensorType";
  }
  out.ts_ms = ts;
  if (!value_of(std::string_view(p + comma[2] + 1, value_end - comma[2] - 1), out)) {
    return "value is not a number";
  }
  if (!quality_of(quality, out.quality)) {
    return "quality is not good|uncertain|bad";
  }
  return nullptr;
}

namespace {

// A cursor over one flat JSON object: {"key": "string" | number | null | true | false, ...}.
struct JsonCursor {
  std::string_view s;
  size_t i = 0;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) {
      ++i;
    }
  }
  bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  // A string; its escapes are decoded into `buf` (reserved by the caller to
  // the line's size, so earlier views into it stay valid). False when
  // unterminated, on a bad escape or a raw control character.
  bool string(std::string_view& out, std::string& buf) {
    if (!eat('"')) {
      return false;
    }
    const size_t start = i;
    bool escaped = false;
    while (i < s.size() && s[i] != '"') {
      if (static_cast<unsigned char>(s[i]) < 0x20) {
        return false;
      }
      escaped = escaped || s[i] == '\\';
      i += s[i] == '\\' ? 2 : 1;
    }
    if (i >= s.size()) {
      return false;
    }
    out = s.substr(start, i - start);
    ++i;
    return !escaped || unescape(out, buf);
  }
  static bool hex4(std::string_view s, size_t at, unsigned& out) {
    out = 0;
    if (at + 4 > s.size()) {
      return false;
    }
    for (size_t k = at; k < at + 4; ++k) {
      const char c = s[k];
      const unsigned d = c >= '0' && c <= '9' ? unsigned(c - '0')
                         : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? unsigned((c | 0x20) - 'a' + 10)
                                                                   : 16u;
      if (d > 15) {
        return false;
      }
      out = out * 16 + d;
    }
    return true;
  }
  // Replaces `raw` (the text between the quotes) by its decoded bytes in buf.
  static bool unescape(std::string_view& raw, std::string& buf) {
    const size_t from = buf.size();
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] != '\\') {
        buf.push_back(raw[k]);
        continue;
      }
      if (++k >= raw.size()) {
        return false;
      }
      static constexpr std::string_view k_from = "\"\\/bfnrt", k_to = "\"\\/\b\f\n\r\t";
      if (const size_t e = k_from.find(raw[k]); e != std::string_view::npos) {
        buf.push_back(k_to[e]);
        continue;
      }
      unsigned cp = 0;
      if (raw[k] != 'u' || !hex4(raw, k + 1, cp)) {
        return false;
      }
      k += 4;
      if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return false; // a low surrogate without its high half
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned lo = 0;
        if (k + 2 >= raw.size() || raw[k + 1] != '\\' || raw[k + 2] != 'u' || !hex4(raw, k + 3, lo) || lo < 0xDC00 ||
            lo > 0xDFFF) {
          return false;
        }
        k += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      }
      if (cp < 0x80) {
        buf.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        buf.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        buf.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        buf.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        buf.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        buf.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        buf.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        buf.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        buf.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        buf.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    }
    raw = std::string_view(buf).substr(from);
    return true;
  }
  // A bare token: number, null, true, false.
  bool token(std::string_view& out) {
    ws();
    const size_t start = i;
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ' ' && s[i] != '\t') {
      ++i;
    }
    out = s.substr(start, i - start);
    return !out.empty();
  }
};

} // namespace

const char* parse_jsonl_line(std::string_view line, Reading& out) {
  JsonCursor c{line};
  // Decoded strings never grow past the raw line: one reservation keeps every view valid.
  out.unescaped.clear();
  out.unescaped.reserve(line.size());
  if (!c.eat('{')) {
    return "not a JSON object";
  }
  std::string_view ts, value, quality;
  bool value_is_string = false, have_value = false;
  out.machine = out.sensor = out.unit = {};
  while (!c.eat('}')) {
    std::string_view key, v;
    if (!c.string(key, out.unescaped) || !c.eat(':')) {
      return "malformed JSON object";
    }
    c.ws();
    const bool is_string = c.i < line.size() && line[c.i] == '"';
    if (!(is_string ? c.string(v, out.unescaped) : c.token(v))) {
      return "malformed JSON value";
    }
    if (key == "timestamp" || key == "ts" || key == "time") {
      ts = v;
    } else if (key == "machineId") {
      out.machine = v;
    } else if (key == "sensorType") {
      out.sensor = v;
    } else if (key == "value") {
      value = v;
      value_is_string = is_string;
      have_value = true;
    } else if (key == "unit") {
      out.unit = v;
    } else if (key == "quality") {
      quality = v;
    }
    if (!c.eat(',')) {
      if (!c.eat('}')) {
        return "malformed JSON object";
      }
      break;
    }
  }
  c.ws();
  if (c.i != line.size()) {
    return "text after the JSON object";
  }
  int64_t t = 0;
  if (!parse_time_cached(ts, out, t)) {
    return "bad timestamp (ISO 8601 with a zone, or epoch seconds/milliseconds)";
  }
  if (out.machine.empty() || out.sensor.empty()) {
    return "missing machineId or sensorType";
  }
  out.ts_ms = t;
  if (!have_value || value == "null") {
    out.value = std::nan("");
    out.text = {};
  } else if (!value_of(value, out) || (!value_is_string && !out.text.empty())) {
    return "value is not a number";
  }
  if (!quality_of(quality, out.quality)) {
    return "quality is not good|uncertain|bad";
  }
  return nullptr;
}

} // namespace twinctl::sensors
