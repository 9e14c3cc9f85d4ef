// Baseline files (twinctl-baseline/v1) as `drift --baseline FILE` reads them,
// through a memory file (read_baseline takes a path). Property: only
// twinctl::Error escapes.
#include "tests/fuzz/fuzz_common.hpp"

#include "lib/loaders/baseline_reader.hpp"
#include "lib/util/error.hpp"

#include <sys/mman.h>
#include <unistd.h>

using namespace twinctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("baseline", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  FUZZ_CHECK(fd >= 0 && ftruncate(fd, 0) == 0, "a memory file");
  for (size_t done = 0; done < size;) {
    ssize_t n = pwrite(fd, data + done, size - done, off_t(done));
    FUZZ_CHECK(n > 0, "writing the memory file");
    done += size_t(n);
  }
  try {
    loaders::read_baseline(path);
  } catch (const Error&) {
  }
  return 0;
}
