// The YAML parser and the twin loader: any bytes as one document file of a
// twin beside a fixed twin.yaml. Properties: only twinctl::Error escapes
// parse_yaml; the loader never throws and every problem it reports names a file
// of the twin; the structure checks run on whatever loaded.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/loaders/twin_loader.hpp"
#include "lib/loaders/yaml.hpp"
#include "lib/util/error.hpp"
#include "lib/validate/validate.hpp"

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(fuzz::as_text(data, size));
  try {
    loaders::parse_yaml(text, "fuzz.yaml");
  } catch (const Error&) {
  }
  std::vector<loaders::TwinFile> files = {
      {"twin/twin.yaml", "apiVersion: twinctl/v1\nkind: Twin\nid: plant-a\nname: Plant A\n", ""},
      {"twin/assets/fuzz.yaml", text, ""},
  };
  loaders::LoadResult r = loaders::load_twin_files(std::move(files), "twin", 1);
  for (const model::Diagnostic& d : r.errors) {
    FUZZ_CHECK(d.loc.path == "twin/assets/fuzz.yaml" || d.loc.path == "twin/twin.yaml",
               "a loader error names a file of the twin");
  }
  validate::check_structure(r.twin);
  return 0;
}
