#include "lib/io/kafka_checkpoint.hpp"

#include "lib/io/files.hpp"
#include "lib/util/error.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace twinctl::io {

namespace fs = std::filesystem;

namespace {

bool plain_name(std::string_view s) {
  return !s.empty() && s.size() <= 100 && s != "." && s != ".." && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string group_dir(const std::string& group) {
  if (plain_name(group)) {
    return group;
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : group) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "group-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// "p3-1200.ckpt" of partition 3 -> 1200; nullopt for any other name.
std::optional<int64_t> offset_of(const std::string& name, int32_t partition) {
  const std::string prefix = "p" + std::to_string(partition) + "-";
  const std::string suffix = ".ckpt";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  int64_t off = -1;
  const char* b = name.data() + prefix.size();
  const char* e = name.data() + name.size() - suffix.size();
  auto [p, ec] = std::from_chars(b, e, off);
  if (ec != std::errc() || p != e || off < 0) {
    return std::nullopt;
  }
  return off;
}

} // namespace

CheckpointStore::CheckpointStore(const std::string& dir, const std::string& topic, const std::string& group)
    : m_dir((fs::path(dir) / topic / group_dir(group)).string()) {
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec || !fs::is_directory(m_dir)) {
    throw Error(m_dir + ": cannot create the checkpoint directory" + (ec ? ": " + ec.message() : ""));
  }
}

void CheckpointStore::save(int32_t partition, int64_t offset, std::string_view bytes) {
  write_file(m_dir + "/p" + std::to_string(partition) + "-" + std::to_string(offset) + ".ckpt", bytes);
}

std::vector<CheckpointStore::Found> CheckpointStore::candidates(int32_t partition, int64_t at_most) const {
  std::vector<Found> out;
  std::error_code ec;
  for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (auto off = offset_of(name, partition); off && *off <= at_most && it->is_regular_file(ec)) {
      out.push_back({*off, it->path().string()});
    }
  }
  if (ec) {
    throw Error(m_dir + ": cannot list checkpoints: " + ec.message());
  }
  std::sort(out.begin(), out.end(), [](const Found& a, const Found& b) { return a.offset > b.offset; });
  return out;
}

std::string CheckpointStore::read(const Found& f) const { return read_file(f.path, size_t(1) << 30); }

void CheckpointStore::prune(int32_t partition, int64_t committed) const {
  for (const Found& f : candidates(partition, committed - 1)) {
    std::error_code ec;
    fs::remove(f.path, ec); // a checkpoint left behind is harmless: never read before a newer one
  }
}

} // namespace twinctl::io
