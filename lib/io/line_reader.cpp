#include "lib/io/line_reader.hpp"

#include "lib/util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace twinctl::io {

LineReader::LineReader(const std::string& path, size_t block) : m_path(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    m_fd = STDIN_FILENO;
  } else {
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
      throw Error(path + ": cannot open: " + std::strerror(errno));
    }
    m_own = true;
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  m_buf.resize(block);
}

LineReader::~LineReader() {
  if (m_own) {
    ::close(m_fd);
  }
}

// Moves the unread tail to the front and reads more after it.
bool LineReader::fill() {
  if (m_eof) {
    return false;
  }
  if (m_begin > 0) {
    std::memmove(m_buf.data(), m_buf.data() + m_begin, m_end - m_begin);
    m_end -= m_begin;
    m_begin = 0;
  }
  while (m_end < m_buf.size()) {
    const ssize_t n = ::read(m_fd, m_buf.data() + m_end, m_buf.size() - m_end);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw Error(m_path + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) {
      m_eof = true;
      break;
    }
    m_end += static_cast<size_t>(n);
    m_total += static_cast<uint64_t>(n);
    break; // a pipe gives what it has; parse that first
  }
  return true;
}

bool LineReader::next(std::string_view& line) {
  m_too_long = false;
  for (;;) {
    const char* start = m_buf.data() + m_begin;
    const void* nl = std::memchr(start, '\n', m_end - m_begin);
    if (nl) {
      const size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
      line = std::string_view(start, len);
      m_begin += len + 1;
      return true;
    }
    if (m_begin == 0 && m_end == m_buf.size()) {
      // No newline in a whole block: hand out the block as one cut line and
      // skip the rest of that line.
      line = std::string_view(); // the buffer is reused below
      m_too_long = true;
      m_begin = m_end;
      while (fill()) {
        const void* hit = std::memchr(m_buf.data(), '\n', m_end);
        if (hit) {
          m_begin = static_cast<size_t>(static_cast<const char*>(hit) - m_buf.data()) + 1;
          break;
        }
        m_begin = m_end;
      }
      return true;
    }
    if (!fill()) {
      if (m_begin < m_end) {
        line = std::string_view(m_buf.data() + m_begin, m_end - m_begin);
        m_begin = m_end;
        return true;
      }
      return false;
    }
  }
}

} // namespace twinctl::io
