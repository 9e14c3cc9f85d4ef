#include "lib/io/files.hpp"

#include "lib/util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <fcntl.h>
#include <random>
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

namespace {

void write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw Error(path + ": write failed: " + std::strerror(n < 0 ? errno : EIO));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
}

// Writes everything, then closes `fd` and reports what close() says too (NFS and
// full disks report late). `fd` is closed whatever happens.
void write_and_close(int fd, std::string_view content, const std::string& path) {
  try {
    write_all(fd, content, path);
  } catch (const Error&) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) {
    throw Error(path + ": write failed: " + std::strerror(errno));
  }
}

// A new file next to `path`, created with O_EXCL|O_NOFOLLOW under a name nobody could
// plant a link at in advance (a random suffix), with the mode the umask gives.
int create_temp_next_to(const std::string& path, std::string& tmp) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%d.%08x", static_cast<int>(::getpid()), rd());
    tmp = path + suffix;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
      return fd;
    }
    if (errno != EEXIST) {
      throw Error(path + ": cannot write: " + std::strerror(errno));
    }
  }
  throw Error(path + ": cannot write: no free temporary name next to it");
}

} // namespace

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
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      throw Error(path + ": cannot write: " + std::strerror(errno));
    }
    write_and_close(fd, content, path);
    return;
  }
  std::string tmp;
  int fd = create_temp_next_to(path, tmp);
  try {
    write_and_close(fd, content, path);
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      throw Error(path + ": cannot write: " + ec.message());
    }
  } catch (const Error&) {
    ::unlink(tmp.c_str());
    throw;
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
