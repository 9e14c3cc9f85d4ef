#include "lib/live/formats/readers.hpp"
#include "lib/live/formats/live_v1_fast.hpp"

#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/values.hpp"

#include <iterator>

namespace twinctl::live::detail {

// ---------------------------------------------------------------------------
// twinctl-live/v1
// ---------------------------------------------------------------------------
static std::string timestamp_value(const Doc& d, const json& v, const Path& where) {
  std::optional<int64_t> t = v.is_string() ? util::parse_timestamp(v.get_ref<const std::string&>()) : std::nullopt;
  if (!t) {
    d.fail(where, "not an RFC 3339 timestamp: " + v.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return util::format_timestamp(*t);
}

static std::map<std::string, std::string> read_v1_fields(const Doc& d, const json& obj, const Path& where) {
  std::map<std::string, std::string> out;
  for (const auto& item : obj.items()) {
    if (!k_field_names.count(item.key())) {
      d.fail(at(where, item.key()),
             "unknown field '" + item.key() + "' (expected status, ip, firmware, config_checksum or zone)");
    }
    if (!item.value().is_string()) {
      d.fail(at(where, item.key()), "field '" + item.key() + "' must be a string, not " + describe(item.value()));
    }
    out[item.key()] = item.value().get<std::string>();
  }
  return out;
}

model::LiveSnapshot read_v1(const Doc& d, const std::string& default_source) {
  const json& root = d.root();
  const Path top;
  check_keys(d, root, top, {"format", "taken_at", "sources", "observations", "unmatched"});
  model::LiveSnapshot snap;
  snap.taken_at = timestamp_value(d, *member(d, root, top, "taken_at", Kind::string, k_required), {"taken_at"});

  // Everything with a sensible default has one, so a snapshot can be written by hand
  // (docs/live-format.md): no `sources` is one source named after the file.
  std::vector<bool> count_items;
  const json* sources = member(d, root, top, "sources", Kind::array);
  if (!sources) {
    model::LiveSource src;
    src.name = default_source;
    src.adapter = "file";
    snap.sources.push_back(std::move(src));
    count_items.push_back(true);
  }
  for (size_t i = 0; sources && i < sources->size(); ++i) {
    const json& s = (*sources)[i];
    Path w = {"sources", std::to_string(i)};
    if (!s.is_object()) {
      d.fail(w, "a source must be an object, not " + describe(s));
    }
    check_keys(d, s, w, {"name", "adapter", "ok", "items", "error", "endpoint"});
    model::LiveSource src;
    src.name = required_string(d, s, w, "name");
    src.adapter = "file";
    if (const json* a = member(d, s, w, "adapter", Kind::string)) {
      src.adapter = a->get<std::string>();
    }
    if (const json* ok = member(d, s, w, "ok", Kind::boolean)) {
      src.ok = ok->get<bool>();
    }
    const json* items = member(d, s, w, "items", Kind::integer);
    if (items && items->is_number_integer() && !items->is_number_unsigned() && items->get<int64_t>() < 0) {
      d.fail(at(w, "items"), "'items' must not be negative");
    }
    src.items = items ? static_cast<size_t>(items->get<uint64_t>()) : 0;
    count_items.push_back(!items);
    if (const json* e = member(d, s, w, "error", Kind::string, k_nullable)) {
      src.error = e->get<std::string>();
    }
    if (const json* e = member(d, s, w, "endpoint", Kind::string)) {
      src.endpoint = e->get<std::string>();
    }
    snap.sources.push_back(std::move(src));
  }
  // An observation without `source` is the only source's.
  auto source_of = [&](const json& o, const Path& w) {
    if (o.contains("source")) {
      return required_string(d, o, w, "source");
    }
    if (snap.sources.size() != 1) {
      d.fail(w, "missing 'source' (the snapshot has " + std::to_string(snap.sources.size()) +
                    " sources: say which one this came from)");
    }
    return snap.sources.front().name;
  };

  const json* observations = member(d, root, top, "observations", Kind::array, k_required);
  for (size_t i = 0; i < observations->size(); ++i) {
    const json& o = (*observations)[i];
    Path w = {"observations", std::to_string(i)};
    if (!o.is_object()) {
      d.fail(w, "an observation must be an object, not " + describe(o));
    }
    check_keys(d, o, w, {"asset", "source", "ref", "observed_at", "online", "fields", "metrics"});
    model::Observation ob;
    ob.asset = required_string(d, o, w, "asset");
    if (!util::is_valid_id(ob.asset)) {
      d.fail(at(w, "asset"), "'" + ob.asset + "' is not a valid asset id");
    }
    ob.source = source_of(o, w);
    ob.ref = o.contains("ref") ? required_string(d, o, w, "ref") : ob.asset;
    ob.observed_at = o.contains("observed_at") ? std::string() : snap.taken_at; // null: not known
    if (const json* t = member(d, o, w, "observed_at", Kind::string, k_nullable)) {
      ob.observed_at = timestamp_value(d, *t, at(w, "observed_at"));
    }
    ob.online = o.contains("online") ? std::nullopt : std::optional<bool>(true); // null: not known
    if (const json* on = member(d, o, w, "online", Kind::boolean, k_nullable)) {
      ob.online = on->get<bool>();
    }
    if (const json* fields = member(d, o, w, "fields", Kind::object)) {
      ob.fields = read_v1_fields(d, *fields, at(w, "fields"));
    }
    static const json k_none = json::object();
    const json* metrics = member(d, o, w, "metrics", Kind::object);
    metrics = metrics ? metrics : &k_none;
    for (const auto& item : metrics->items()) {
      Path mw = at(at(w, "metrics"), item.key());
      const json& m = item.value();
      if (!m.is_object()) {
        d.fail(mw, "a metric must be an object, not " + describe(m));
      }
      check_keys(d, m, mw, {"value", "unit", "ts"});
      const json* value = member(d, m, mw, "value", Kind::any, k_required);
      std::optional<double> v;
      if (value->is_boolean()) {
        v = value->get<bool>() ? 1.0 : 0.0;
      } else if (value->is_string()) {
        v = util::parse_number(value->get_ref<const std::string&>());
      } else if (value->is_number()) {
        v = number_of(*value);
      } else if (!value->is_null()) {
        d.fail(at(mw, "value"), "a metric value must be a number, string, boolean or null, not " + describe(*value));
      }
      if (!v) {
        continue; // null or text: the model holds numbers only
      }
      model::Metric metric;
      metric.value = *v;
      if (const json* u = member(d, m, mw, "unit", Kind::string)) {
        metric.unit = u->get<std::string>();
      }
      if (const json* ts = member(d, m, mw, "ts", Kind::string)) {
        metric.ts = timestamp_value(d, *ts, at(mw, "ts"));
      }
      ob.metrics[item.key()] = std::move(metric);
    }
    snap.observations.push_back(std::move(ob));
  }

  std::vector<model::Observation> unmatched_obs;
  if (const json* unmatched = member(d, root, top, "unmatched", Kind::array)) {
    for (size_t i = 0; i < unmatched->size(); ++i) {
      const json& u = (*unmatched)[i];
      Path w = {"unmatched", std::to_string(i)};
      if (!u.is_object()) {
        d.fail(w, "an unmatched device must be an object, not " + describe(u));
      }
      check_keys(d, u, w, {"source", "ref", "fields", "observed_at"});
      model::Observation ob;
      ob.source = source_of(u, w);
      ob.ref = required_string(d, u, w, "ref");
      if (const json* fields = member(d, u, w, "fields", Kind::object)) {
        ob.fields = read_v1_fields(d, *fields, at(w, "fields"));
      }
      ob.observed_at = u.contains("observed_at") ? std::string() : snap.taken_at;
      if (const json* t = member(d, u, w, "observed_at", Kind::string, k_nullable)) {
        ob.observed_at = timestamp_value(d, *t, at(w, "observed_at"));
      }
      unmatched_obs.push_back(std::move(ob));
    }
  }
  // Unmatched devices first, as write_snapshot orders them (by asset, empty first).
  std::move(snap.observations.begin(), snap.observations.end(), std::back_inserter(unmatched_obs));
  snap.observations = std::move(unmatched_obs);
  count_missing_items(snap, count_items);
  return snap;
}

} // namespace twinctl::live::detail
