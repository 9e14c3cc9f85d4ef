// The bare-scan baseline of bench/RESULTS.md for `replay`: read a readings CSV
// in 4 MiB blocks, find each line's fourth field and parse it with
// std::from_chars, nothing else (no timestamps, no state, no detectors).
//   bench_csv_baseline FILE
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_csv_baseline FILE\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_RDONLY);
  if (fd < 0) {
    std::perror(argv[1]);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<char> buf(size_t(1) << 22);
  size_t have = 0;
  unsigned long long lines = 0, parsed = 0;
  double sum = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
    if (n <= 0) {
      break;
    }
    have += size_t(n);
    const char* p = buf.data();
    const char* end = buf.data() + have;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
      if (!nl) {
        break;
      }
      ++lines;
      const char* f = p;
      for (int c = 0; c < 3 && f; ++c) {
        f = static_cast<const char*>(std::memchr(f, ',', size_t(nl - f)));
        f = f ? f + 1 : nullptr;
      }
      double v = 0;
      if (f && std::from_chars(f, nl, v).ec == std::errc()) {
        sum += v;
        ++parsed;
      }
      p = nl + 1;
    }
    have = size_t(end - p);
    std::memmove(buf.data(), p, have);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu lines, %llu values, sum %.6g, %.3f s, %.2f M lines/s\n", lines, parsed, sum, s, double(lines) / s / 1e6);
  return 0;
}
