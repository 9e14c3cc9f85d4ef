#include "lib/live/formats/live_files.hpp"

#include "lib/live/formats/fast_json.hpp"
#include "lib/live/formats/live_v1_fast.hpp"
#include "lib/live/mqtt/capture.hpp"
#include "lib/live/formats/readers.hpp"

#include "lib/io/files.hpp"
#include "lib/util/error.hpp"

#include <filesystem>

namespace twinctl::live {

using namespace detail;

namespace {

// ---------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------
const char* const k_unknown_format =
    "unknown live-state format: expected twinctl-live/v1, a Ditto search page, AWS IoT shadow documents, an Azure IoT "
    "Hub twin query page or an MQTT capture";

// The adapter of a list of devices, from its first element.
std::string list_adapter(const json& list) {
  if (list.empty() || !list.front().is_object()) {
    return "";
  }
  const json& first = list.front();
  if (first.contains("thingId")) {
    return "ditto";
  }
  if (first.contains("deviceId")) {
    return "azure-twin";
  }
  if (first.contains("thingName")) {
    return "aws-shadow";
  }
  return "";
}

bool compatible(std::string_view source_adapter, std::string_view detected) {
  if (source_adapter.empty() || source_adapter == "file" || source_adapter == "generic" || source_adapter == detected) {
    return true;
  }
  return detected == "mqtt-capture" && k_mqtt_profiles.count(source_adapter);
}

std::string_view format_name(std::string_view adapter) {
  if (adapter == "ditto") {
    return "a Ditto search page";
  }
  if (adapter == "aws-shadow") {
    return "AWS IoT shadow documents";
  }
  if (adapter == "azure-twin") {
    return "an Azure IoT Hub twin query page";
  }
  return "an MQTT capture";
}

model::LiveSource live_source(const std::string& name, const std::string& adapter, const std::string& path,
                              size_t items) {
  model::LiveSource src;
  src.name = name;
  src.adapter = adapter;
  src.endpoint = path;
  src.ok = true;
  src.items = items;
  return src;
}

} // namespace

model::LiveSnapshot read_live_file(const std::string& path, const model::Twin& twin,
                                   const std::string& source_name_hint) {
  return read_live_file(path, twin, AssetMatcher(twin), source_name_hint);
}

model::LiveSnapshot read_live_file(const std::string& path, const model::Twin& twin, const AssetMatcher& matcher,
                                   const std::string& source_name_hint) {
  return read_live_text(path, io::read_file(path, k_max_bytes), twin, matcher, source_name_hint);
}

model::LiveSnapshot read_live_text(const std::string& path, std::string text, const model::Twin& twin,
                                   const AssetMatcher& matcher, const std::string& source_name_hint) {
  if (text.size() > k_max_bytes) {
    throw Error(path + ": larger than 1 GiB");
  }
  // A twinctl-live/v1 snapshot (what `snapshot` writes and CI feeds to drift)
  // takes the fast reader; anything it does not accept comes here with its error.
  std::string stem = std::filesystem::path(path).stem().string();
  if (text.substr(0, 4096).find("\"twinctl-live/v1\"") != std::string::npos) {
    text.reserve(text.size() + 64); // simdjson's padding
    if (std::optional<model::LiveSnapshot> snap = read_v1_fast(text, stem)) {
      return std::move(*snap);
    }
  }
  const model::Source* source = source_name_hint.empty() ? nullptr : twin.find_source(source_name_hint);
  std::string name = source_name_hint.empty() ? stem : source_name_hint;
  // A Ditto search page (what `snapshot` fetches and users export) takes the
  // fast reader; anything it does not accept comes here with its error.
  if (FastParser fast; !source || compatible(source->adapter, "ditto")) {
    if (std::optional<std::string> items = fast.ditto_file_items(text)) {
      Doc none = Doc::in_memory();
      Ctx c{none, matcher, source, name, stem, {}};
      Mapping m = mapping_for(c, "ditto", true);
      if (fast.ditto_page(text, *items, "", c, m)) {
        model::LiveSnapshot snap;
        snap.sources.push_back(live_source(name, "ditto", path, c.observations.size()));
        snap.observations = std::move(c.observations);
        return snap;
      }
    }
  }
  Doc doc(path, std::move(text));
  doc.parse();
  const json& root = doc.root();

  // Step 1: a twinctl-live/v1 snapshot is read as written, its sources included.
  const json* format = root.is_object() ? member(doc, root, {}, "format", Kind::string) : nullptr;
  if (format && format->get_ref<const std::string&>() == "twinctl-live/v1") {
    return read_v1(doc, stem);
  }
  if (format && format->get_ref<const std::string&>().rfind("twinctl-mqtt-capture", 0) != 0) {
    doc.fail({"format"}, "unknown format '" + format->get<std::string>() +
                             "' (expected twinctl-live/v1 or twinctl-mqtt-capture/...)");
  }

  // Step 2: detect the external shape from its keys.
  std::string adapter;
  const json* list = nullptr;
  Path list_where;
  if (root.is_array()) {
    list = &root;
    adapter = list_adapter(root);
  } else if (!root.is_object()) {
    doc.fail({}, k_unknown_format);
  } else if (format || root.contains("messages")) {
    adapter = "mqtt-capture";
  } else if (root.contains("items") || root.contains("value") || root.contains("things")) {
    const char* key = root.contains("items") ? "items" : root.contains("value") ? "value" : "things";
    list = member(doc, root, {}, key, Kind::array);
    list_where = {key};
    adapter = std::string(key) == "things" ? "aws-shadow" : list_adapter(*list);
    if (adapter.empty() && list->empty()) {
      adapter = std::string(key) == "value" ? "azure-twin" : "ditto";
    }
  } else if (root.contains("thingId")) {
    adapter = "ditto";
  } else if (root.contains("deviceId")) {
    adapter = "azure-twin";
  } else if (root.contains("state") || root.contains("thingName")) {
    adapter = "aws-shadow";
  } else if (root.contains("submodelElements") || root.contains("assetAdministrationShells")) {
    doc.fail({}, "an Asset Administration Shell document is not live state; " + std::string(k_unknown_format));
  } else {
    doc.fail({}, k_unknown_format);
  }

  Ctx c{doc, matcher, source, name, stem, {}};
  if (list && adapter.empty() && !list->empty()) {
    doc.fail(at(list_where, "0"), std::string("unknown device entry: expected a Ditto thing (thingId), an Azure "
                                              "twin (deviceId) or an AWS shadow (thingName)"));
  }
  if (adapter.empty()) {
    adapter = c.source && !c.source->adapter.empty() ? c.source->adapter : "file"; // an empty list
  }
  if (c.source && !compatible(c.source->adapter, adapter)) {
    doc.fail({}, "source '" + c.source->id + "' has adapter '" + c.source->adapter + "', but this file is " +
                     std::string(format_name(adapter)));
  }

  // Step 3: map each device to an observation.
  if (adapter == "mqtt-capture") {
    std::string forced = c.source && k_mqtt_profiles.count(c.source->adapter) ? c.source->adapter : "";
    adapter = CaptureReader(c, forced).read(root);
  } else if (adapter != "file") {
    Mapping m = mapping_for(c, adapter, true);
    if (list) {
      for (size_t i = 0; i < list->size(); ++i) {
        Path w = at(list_where, std::to_string(i));
        if (adapter == "ditto") {
          read_ditto_thing(c, m, (*list)[i], w);
        } else if (adapter == "azure-twin") {
          read_azure_twin(c, m, (*list)[i], w);
        } else {
          read_shadow_envelope(c, m, (*list)[i], w);
        }
      }
    } else if (adapter == "ditto") {
      read_ditto_thing(c, m, root, {});
    } else if (adapter == "azure-twin") {
      read_azure_twin(c, m, root, {});
    } else if (root.contains("thingName")) {
      read_shadow_envelope(c, m, root, {});
    } else {
      // A bare get/accepted document names no thing: the file is named after it.
      c.observations.push_back(read_shadow(c, m, root, {}, c.stem));
    }
  }

  model::LiveSnapshot snap;
  snap.sources.push_back(live_source(c.name, adapter, path, c.observations.size()));
  snap.observations = std::move(c.observations);
  return snap;
}

} // namespace twinctl::live
