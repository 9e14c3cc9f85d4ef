// One page of an HTTP source (read_live_page): Eclipse Ditto search pages (the
// fast reader, then the general one) and generic JSON pages with the item list,
// identity, metrics and cursor at JSON pointers. The first input byte picks the
// format, the rest is the page. Property: only twinctl::Error escapes.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/live/formats/live_files.hpp"
#include "lib/util/error.hpp"

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const model::Twin& twin = fuzz::scenario_twin();
  static const live::AssetMatcher matcher(twin);
  live::PageFormat format;
  switch (data[0] % 4) {
  case 0: // Ditto, the default /items and cursor
    format.adapter = "ditto";
    format.cursor = "/cursor";
    break;
  case 1: // Ditto things at a pointer
    format.adapter = "ditto";
    format.items = "/result/things";
    break;
  case 2: // generic, a root list
    format.adapter = "generic";
    break;
  default: // generic with every pointer set
    format.adapter = "generic";
    format.items = "/data/devices";
    format.id = "/meta/name";
    format.metrics = "/values";
    format.cursor = "/next";
  }
  std::string text(fuzz::as_text(data + 1, size - 1));
  text.reserve(text.size() + 64);
  try {
    live::read_live_page("page 1", std::move(text), twin, matcher, "http-main", format);
  } catch (const Error&) {
  }
  return 0;
}
