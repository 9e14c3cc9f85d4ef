#include "lib/io/files.hpp"

#include "lib/util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace twinctl::io {

std::string read_file(const std::string& path, size_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    throw Error(path + ": " + std::strerror(errno));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(f, std::fclose);
  std::string out;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > max_bytes) {
      throw Error(path + ": the file is larger than " + std::to_string(max_bytes >> 20) + " MiB");
    }
    out.append(buf, n);
  }
  if (std::ferror(f)) {
    throw Error(path + ": read error: " + std::strerror(errno));
  }
  return out;
}

void write_file(const std::string& path, std::string_view content) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      throw Error(p.parent_path().string() + ": cannot create directory: " + ec.message());
    }
  }
  // A device, FIFO or terminal (/dev/null, /dev/stdout, a named pipe) is written in
  // place: renaming a temp file over it would replace the device with a file.
  std::filesystem::file_status st = std::filesystem::status(p, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      throw Error(path + ": write failed: " + std::strerror(errno));
    }
    return;
  }
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(path + ": cannot write: " + std::strerror(errno));
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      throw Error(path + ": write failed: " + std::strerror(errno));
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(path + ": cannot write: " + ec.message());
  }
}

std::string cache_dir() {
  if (const char* d = std::getenv("TWINCTL_CACHE_DIR"); d && *d) {
    return d;
  }
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) {
    return std::string(d) + "/twinctl";
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    return std::string(h) + "/.cache/twinctl";
  }
  return ".twinctl/cache";
}

} // namespace twinctl::io
