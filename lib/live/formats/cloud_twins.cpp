// Cloud twins: Eclipse Ditto things, AWS IoT shadows, Azure IoT Hub twins,
// generic HTTP items, and read_live_page (one page of an HTTP source).
#include "lib/live/formats/readers.hpp"

#include "lib/live/formats/fast_json.hpp"

#include "lib/util/strings.hpp"

namespace twinctl::live {

namespace detail {

// ---------------------------------------------------------------------------
// Eclipse Ditto
// ---------------------------------------------------------------------------
void read_ditto_thing(Ctx& c, const Mapping& m, const json& thing, const Path& where) {
  if (!thing.is_object()) {
    c.doc.fail(where, "a Ditto thing must be an object, not " + describe(thing));
  }
  model::Observation o;
  o.source = c.name;
  o.ref = required_string(c.doc, thing, where, "thingId");
  o.asset = c.matcher.match_ditto(o.ref);
  member(c.doc, thing, where, "attributes", Kind::object);
  const json* features = member(c.doc, thing, where, "features", Kind::object);
  Applied a = apply_mapping(thing, m, o);
  o.observed_at = format_time(a.time);
  if (features) {
    std::map<std::string, std::string> by_pointer = fields_by_pointer(m);
    Path fwhere = at(where, "features");
    for (const auto& f : features->items()) {
      if (!f.value().is_object()) {
        c.doc.fail(at(fwhere, f.key()), "a Ditto feature must be an object, not " + describe(f.value()));
      }
      std::string fptr = "/features/" + escape_token(f.key());
      const json* props = member(c.doc, f.value(), at(fwhere, f.key()), "properties", Kind::object);
      // A feature whose properties have a numeric `value` is a metric.
      if (auto value = props ? props->find("value") : json::const_iterator(); props && value != props->end()) {
        if (auto v = number_of(*value)) {
          model::Metric metric;
          metric.value = *v;
          if (auto unit = props->find("unit"); unit != props->end() && unit->is_string()) {
            metric.unit = unit->get<std::string>();
          }
          metric.ts = o.observed_at; // Ditto keeps one _modified per thing
          o.metrics[f.key()] = std::move(metric);
        }
      }
      if (const json* des = member(c.doc, f.value(), at(fwhere, f.key()), "desiredProperties", Kind::object)) {
        add_desired(*des, fptr + "/properties", "", f.key() + "/", by_pointer, o);
      }
    }
  }
  c.observations.push_back(std::move(o));
}

// ---------------------------------------------------------------------------
// AWS IoT Device Shadow
// ---------------------------------------------------------------------------
// The latest metadata.reported.**.timestamp.
static void latest_metadata_time(const json& meta, std::optional<int64_t>& acc) {
  if (meta.is_object()) {
    for (const auto& item : meta.items()) {
      if (item.key() == "timestamp") {
        latest(acc, time_of(item.value()));
      } else {
        latest_metadata_time(item.value(), acc);
      }
    }
  } else if (meta.is_array()) {
    for (const json& v : meta) {
      latest_metadata_time(v, acc);
    }
  }
}

model::Observation read_shadow(Ctx& c, const Mapping& m, const json& shadow, const Path& where,
                               const std::string& thing) {
  if (!shadow.is_object()) {
    c.doc.fail(where, "a shadow document must be an object, not " + describe(shadow));
  }
  const json* state = member(c.doc, shadow, where, "state", Kind::object, k_required);
  Path swhere = at(where, "state");
  const json* reported = member(c.doc, *state, swhere, "reported", Kind::object, k_nullable);
  const json* delta = member(c.doc, *state, swhere, "delta", Kind::object, k_nullable);
  member(c.doc, *state, swhere, "desired", Kind::object, k_nullable);
  const json* metadata = member(c.doc, shadow, where, "metadata", Kind::object);

  model::Observation o;
  o.source = c.name;
  o.ref = thing;
  o.asset = c.matcher.match_aws(thing);
  Applied a = apply_mapping(shadow, m, o);
  std::optional<int64_t> t = a.time;
  const json* meta_reported = metadata ? resolve(*metadata, "/reported") : nullptr;
  if (!m.count("observed_at")) {
    if (meta_reported) {
      latest_metadata_time(*meta_reported, t);
    }
    if (!t) {
      if (const json* ts = resolve(shadow, "/timestamp")) {
        t = time_of(*ts);
      }
    }
  }
  o.observed_at = format_time(t);
  if (delta) {
    add_desired(*delta, "/state/reported", "", "", fields_by_pointer(m), o);
  }
  if (reported) {
    MetricRules r;
    r.used = &a.used;
    r.ts = [meta_reported](const std::string& rel) {
      const json* ts = meta_reported ? resolve(*meta_reported, rel + "/timestamp") : nullptr;
      return ts ? format_time(time_of(*ts)) : std::string();
    };
    add_metrics(*reported, "/state/reported", "", "", r, o);
  }
  return o;
}

void read_shadow_envelope(Ctx& c, const Mapping& m, const json& item, const Path& where) {
  if (!item.is_object()) {
    c.doc.fail(where, "a shadow entry must be an object, not " + describe(item));
  }
  std::string thing = required_string(c.doc, item, where, "thingName");
  if (const json* shadow = member(c.doc, item, where, "shadow", Kind::object)) {
    c.observations.push_back(read_shadow(c, m, *shadow, at(where, "shadow"), thing));
  } else {
    c.observations.push_back(read_shadow(c, m, item, where, thing));
  }
}

// ---------------------------------------------------------------------------
// Azure IoT Hub device twin
// ---------------------------------------------------------------------------
void read_azure_twin(Ctx& c, const Mapping& m, const json& twin, const Path& where) {
  if (!twin.is_object()) {
    c.doc.fail(where, "an Azure device twin must be an object, not " + describe(twin));
  }
  model::Observation o;
  o.source = c.name;
  std::string device = required_string(c.doc, twin, where, "deviceId");
  const json* module = member(c.doc, twin, where, "moduleId", Kind::string, k_nullable);
  o.ref = module && !module->get_ref<const std::string&>().empty() ? device + "/" + module->get<std::string>() : device;
  o.asset = c.matcher.match_azure(device);
  member(c.doc, twin, where, "tags", Kind::object, k_nullable);
  const json* props = member(c.doc, twin, where, "properties", Kind::object);
  Path pwhere = at(where, "properties");
  const json* reported = props ? member(c.doc, *props, pwhere, "reported", Kind::object) : nullptr;
  const json* desired = props ? member(c.doc, *props, pwhere, "desired", Kind::object) : nullptr;
  Applied a = apply_mapping(twin, m, o);
  o.observed_at = format_time(a.time);
  if (desired) {
    add_desired(*desired, "/properties/reported", "", "", fields_by_pointer(m), o);
  }
  if (reported) {
    const json* meta = resolve(*reported, "/$metadata");
    MetricRules r;
    r.used = &a.used;
    r.skip = [](std::string_view key) { return !key.empty() && key[0] == '$'; };
    r.ts = [meta](const std::string& rel) {
      const json* ts = meta ? resolve(*meta, rel + "/$lastUpdated") : nullptr;
      return ts ? format_time(time_of(*ts)) : std::string();
    };
    add_metrics(*reported, "/properties/reported", "", "", r, o);
  }
  c.observations.push_back(std::move(o));
}

// ---------------------------------------------------------------------------
// Generic HTTP items
// ---------------------------------------------------------------------------
void read_generic_item(Ctx& c, const Mapping& m, const PageFormat& format, const json& item, const Path& where) {
  if (!item.is_object()) {
    c.doc.fail(where, "an item must be an object, not " + describe(item));
  }
  const json* id = resolve(item, format.id);
  std::optional<std::string> ref = id ? scalar_text(*id) : std::nullopt;
  if (!ref || ref->empty()) {
    c.doc.fail(where, "item without an identity at '" + format.id + "' (set the source's option 'id')");
  }
  model::Observation o;
  o.source = c.name;
  o.ref = *ref;
  o.asset = c.matcher.is_asset(o.ref) ? o.ref : std::string();
  Applied a = apply_mapping(item, m, o);
  o.observed_at = format_time(a.time);
  if (const json* metrics = format.metrics.empty() ? nullptr : resolve(item, format.metrics);
      metrics && metrics->is_object()) {
    MetricRules r;
    r.used = &a.used;
    add_metrics(*metrics, format.metrics, "", "", r, o);
  }
  c.observations.push_back(std::move(o));
}

} // namespace detail

using namespace detail;

// ---------------------------------------------------------------------------
// HTTP pages (lib/live/http/source.cpp)
// ---------------------------------------------------------------------------
Page read_live_page(const std::string& where, std::string text, const model::Twin& twin, const AssetMatcher& matcher,
                    const std::string& source_name, const PageFormat& format) {
  if (format.adapter == "ditto") {
    // The common case takes the fast reader; anything unusual comes here for its error.
    Doc none = Doc::in_memory();
    Ctx fast{none, matcher, twin.find_source(source_name), source_name, source_name, {}};
    Mapping m = mapping_for(fast, "ditto", true);
    thread_local FastParser parser; // pages are decoded on worker threads; its buffers are reused
    if (std::optional<std::string> cursor = parser.ditto_page(text, format.items, format.cursor, fast, m)) {
      return {std::move(fast.observations), std::move(*cursor)};
    }
  }
  Doc doc(where, std::move(text));
  doc.parse();
  const json& root = doc.root();
  Ctx c{doc, matcher, twin.find_source(source_name), source_name, source_name, {}};
  std::string items = format.items.empty() && !root.is_array() ? "/items" : format.items;
  const json* list = items.empty() ? &root : resolve(root, items);
  if (!list || !list->is_array()) {
    doc.fail({}, (format.adapter == "ditto" ? "not a Ditto search page: " : "") +
                     std::string(list ? "'" + items + "' is " + describe(*list) + ", not a list"
                                      : "no list of items at '" + items + "'"));
  }
  Path list_where = util::split(items.empty() ? "" : items.substr(1), '/');
  if (items.empty()) {
    list_where.clear();
  }
  Mapping m = mapping_for(c, format.adapter == "ditto" ? "ditto" : "plain-json", true);
  for (size_t i = 0; i < list->size(); ++i) {
    if (format.adapter == "ditto") {
      read_ditto_thing(c, m, (*list)[i], at(list_where, std::to_string(i)));
    } else {
      read_generic_item(c, m, format, (*list)[i], at(list_where, std::to_string(i)));
    }
  }
  Page page;
  page.observations = std::move(c.observations);
  if (const json* cursor = format.cursor.empty() ? nullptr : resolve(root, format.cursor)) {
    page.cursor = scalar_text(*cursor).value_or("");
  }
  return page;
}

} // namespace twinctl::live
