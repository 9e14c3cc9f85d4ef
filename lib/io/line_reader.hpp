// Reads a file (or stdin for "-") line by line in large blocks, in constant
// memory: the lines are views into a reused buffer, valid until the next call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace twinctl::io {

class LineReader {
public:
  // Opens the file; throws twinctl::Error "<path>: <reason>" when it cannot.
  explicit LineReader(const std::string& path, size_t block = size_t(1) << 22);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its '\n'; false at the end. A line longer than a
  // block is returned empty, with too_long() set. Throws on a read error.
  bool next(std::string_view& line);
  bool too_long() const { return m_too_long; }
  uint64_t bytes_read() const { return m_total; }

private:
  bool fill();
  int m_fd = -1;
  bool m_own = false;
  bool m_eof = false;
  bool m_too_long = false;
  std::string m_path;
  std::vector<char> m_buf;
  size_t m_begin = 0, m_end = 0;
  uint64_t m_total = 0;
};

} // namespace twinctl::io
