// Checkpoint files of `replay kafka://… --checkpoint-dir DIR`: one file per
// partition and offset, DIR/TOPIC/GROUP/p<PARTITION>-<OFFSET>.ckpt, each
// written to a temporary file and renamed (a reader sees a whole checkpoint
// or none). GROUP is the group id when it is a plain name, else a hash of it.
// The members of a group share DIR (one machine, or a shared file system).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::io {

class CheckpointStore {
public:
  // Creates DIR/TOPIC/GROUP when missing. Throws twinctl::Error when it cannot.
  CheckpointStore(const std::string& dir, const std::string& topic, const std::string& group);

  // Writes the state of `partition` whose next offset to read is `offset`.
  // Throws twinctl::Error when it cannot (the offset must then not be committed).
  void save(int32_t partition, int64_t offset, std::string_view bytes);

  struct Found {
    int64_t offset = 0;
    std::string path;
  };
  // The checkpoints of `partition` at or before `at_most`, newest first.
  // Throws twinctl::Error when the directory cannot be listed.
  std::vector<Found> candidates(int32_t partition, int64_t at_most) const;
  // A checkpoint's bytes (at most 1 GiB). Throws twinctl::Error.
  std::string read(const Found& f) const;
  // Removes the checkpoints of `partition` older than `committed` (the one at
  // `committed` is the one its next owner restores).
  void prune(int32_t partition, int64_t committed) const;
  const std::string& dir() const { return m_dir; }

private:
  std::string m_dir;
};

} // namespace twinctl::io
