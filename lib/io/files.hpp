// Reading and writing whole files, with the limits and messages twinctl wants.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace twinctl::io {

// The file's bytes. Throws twinctl::Error "<path>: <reason>" when it cannot be
// read or is larger than max_bytes.
std::string read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);
// Writes `content` to `path` atomically (a temp file next to it, created with
// O_EXCL|O_NOFOLLOW under a random name, then renamed), creating parent
// directories; devices and pipes (/dev/null, /dev/stdout, FIFOs) are written in
// place. Every write and the close are checked. Throws twinctl::Error on failure.
void write_file(const std::string& path, std::string_view content);
// The user's cache directory for twinctl: $TWINCTL_CACHE_DIR, else
// $XDG_CACHE_HOME/twinctl, else ~/.cache/twinctl.
std::string cache_dir();

} // namespace twinctl::io
