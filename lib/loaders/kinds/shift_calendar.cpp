// Reads `kind: ShiftCalendar`: the shifts OEE is reported by and the planned
// stops it leaves out of availability.
#include "lib/loaders/kinds/documents.hpp"

#include "lib/util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace twinctl::loaders::kinds {

namespace {

// "06:00" -> 360; nullopt unless HH:MM with HH 00-24 and MM 00-59 (24:00 is the end of the day).
std::optional<int> minutes_of(const std::string& s) {
  if (s.size() != 5 || s[2] != ':' || !std::isdigit((unsigned char)s[0]) || !std::isdigit((unsigned char)s[1]) ||
      !std::isdigit((unsigned char)s[3]) || !std::isdigit((unsigned char)s[4])) {
    return std::nullopt;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) {
    return std::nullopt;
  }
  return h * 60 + m;
}

const std::vector<std::string> k_days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// {name, start, end, days}: a planned stop may leave out start/end (the whole day).
void read_windows(const Ctx& ctx, const MapReader& r, const char* key, bool times_required,
                  std::vector<model::TimeWindow>& out) {
  const auto* items = r.list(key);
  if (!items) {
    return;
  }
  for (const YamlNode& item : *items) {
    MapReader w(ctx, item, key, {"name", "start", "end", "days"});
    if (!w.ok()) {
      continue;
    }
    model::TimeWindow t;
    t.loc = ctx.loc(item);
    w.str("name", t.name, times_required);
    std::string start, end;
    w.str("start", start, times_required);
    w.str("end", end, times_required);
    if (start.empty() != end.empty()) {
      ctx.error(item, "give both start and end (HH:MM), or neither for the whole day");
      continue;
    }
    if (start.empty()) {
      t.start_min = 0;
      t.end_min = 24 * 60;
    } else {
      auto s = minutes_of(start), e = minutes_of(end);
      if (!s || !e) {
        ctx.error(*w.get(s ? "end" : "start"), "a time of day is HH:MM, 00:00 to 24:00");
        continue;
      }
      if (*s == *e) {
        ctx.error(item, "start and end are the same time");
        continue;
      }
      t.start_min = *s;
      t.end_min = *e;
    }
    std::vector<std::string> days;
    if (w.string_list("days", days) && !days.empty()) {
      t.days = 0;
      for (const std::string& d : days) {
        auto it = std::find(k_days.begin(), k_days.end(), util::to_lower(d));
        if (it == k_days.end()) {
          ctx.error(*w.get("days"), "'" + d + "' is not a day (mon, tue, wed, thu, fri, sat, sun)");
          continue;
        }
        t.days |= uint8_t(1u << (it - k_days.begin()));
      }
    }
    out.push_back(std::move(t));
  }
}

} // namespace

void read_shift_calendar(const Ctx& ctx, const MapReader& r, FileResult& out) {
  model::ShiftCalendar c;
  c.loc = ctx.loc(r.node());
  std::string offset;
  if (r.str("utc_offset", offset) && !offset.empty()) {
    // "+01:00", "-05:30", "Z".
    if (offset == "Z") {
      c.utc_offset_min = 0;
    } else if (offset.size() == 6 && (offset[0] == '+' || offset[0] == '-') && minutes_of(offset.substr(1)) &&
               *minutes_of(offset.substr(1)) <= 14 * 60) {
      c.utc_offset_min = (offset[0] == '-' ? -1 : 1) * *minutes_of(offset.substr(1));
    } else {
      ctx.error(*r.get("utc_offset"), "utc_offset is +HH:MM or -HH:MM (at most 14 hours), or Z");
    }
  }
  read_windows(ctx, r, "shifts", true, c.shifts);
  read_windows(ctx, r, "planned_stops", false, c.planned_stops);
  out.shift_calendars.push_back(std::move(c));
}

} // namespace twinctl::loaders::kinds
