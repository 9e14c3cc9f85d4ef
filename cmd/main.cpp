// twinctl: the command table, library set-up, and the one place errors become
// exit codes.
#include "cmd/commands.hpp"
#include "cmd/usage.hpp"
#include "lib/io/git.hpp"
#include "lib/io/versions.hpp"
#include "lib/live/http/client.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <sstream>
#include <streambuf>
#include <unistd.h>

namespace {

// std::cout's buffer: 64 KiB written to fd 1 with write(2), remembering the
// first failure and its errno, so the check at the end can say why. A standard
// output that was closed when twinctl started fails every write. Line-buffered
// on a terminal. Allocated once and never freed: the library flushes std::cout
// after main returns.
class StdoutBuffer : public std::streambuf {
public:
  StdoutBuffer(bool closed, bool line_buffered) : m_closed(closed), m_line_buffered(line_buffered) {
    setp(m_buf, m_buf + sizeof m_buf);
  }
  int error() const { return m_error; } // 0: every write so far succeeded
  bool closed() const { return m_closed; }

protected:
  int overflow(int c) override {
    if (!flush_buffer()) {
      return traits_type::eof();
    }
    if (c != traits_type::eof()) {
      *pptr() = static_cast<char>(c);
      pbump(1);
      if (m_line_buffered && c == '\n' && !flush_buffer()) {
        return traits_type::eof();
      }
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n >= epptr() - pptr()) { // a large write goes straight through
      return flush_buffer() && write_all(s, static_cast<size_t>(n)) ? n : 0;
    }
    std::memcpy(pptr(), s, static_cast<size_t>(n));
    pbump(static_cast<int>(n));
    if (m_line_buffered && std::memchr(s, '\n', static_cast<size_t>(n)) && !flush_buffer()) {
      return 0;
    }
    return n;
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

private:
  bool write_all(const char* p, size_t n) {
    if (m_error == 0 && m_closed && n > 0) {
      m_error = EBADF;
    }
    while (m_error == 0 && n > 0) {
      ssize_t w = ::write(STDOUT_FILENO, p, n);
      if (w < 0 && errno == EINTR) {
        continue;
      }
      if (w <= 0) {
        m_error = w < 0 ? errno : EIO;
        break;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return m_error == 0;
  }
  bool flush_buffer() {
    size_t n = static_cast<size_t>(pptr() - pbase());
    setp(m_buf, m_buf + sizeof m_buf);
    return write_all(m_buf, n);
  }

  char m_buf[1 << 16];
  int m_error = 0;
  bool m_closed;
  bool m_line_buffered;
};

// Before anything is opened. When fd 1 is closed (`twinctl ... >&-`), /dev/null
// takes it, so no database or output file we open becomes our "stdout", and
// the buffer fails every write.
StdoutBuffer& install_stdout_buffer() {
  bool closed = ::fcntl(STDOUT_FILENO, F_GETFD) == -1 && errno == EBADF;
  if (closed) {
    int fd = ::open("/dev/null", O_WRONLY);
    if (fd >= 0 && fd != STDOUT_FILENO) {
      ::dup2(fd, STDOUT_FILENO);
      ::close(fd);
    }
  }
  auto* buf = new StdoutBuffer(closed, !closed && ::isatty(STDOUT_FILENO)); // NOLINT: lives until exit
  std::cout.rdbuf(buf);
  return *buf;
}

// Every command's data goes to std::cout: a report that could not be written
// entirely (a full disk, a closed stdout) is exit 2 with a message, never the
// command's own exit code, so a CI gate cannot pass on an empty report.
int checked_stdout(int rc, const StdoutBuffer& out) {
  std::cout.flush();
  if (out.error() == 0 && std::cout) {
    return rc;
  }
  std::cerr << "twinctl: error: could not write to standard output ("
            << (out.closed() ? "it is closed" : out.error() ? std::strerror(out.error()) : "a write failed")
            << "); the output is incomplete\n";
  return twinctl::cmd::k_exit_error;
}

std::string version_text() {
  // The libraries' versions at build time, and at run time where the shared library differs.
  return twinctl::io::version_text(TWINCTL_VERSION) + "  CLI11 " + CLI11_VERSION;
}

} // namespace

int main(int argc, char** argv) {
  using namespace twinctl::cmd;
  const StdoutBuffer& stdout_buffer = install_stdout_buffer();
  twinctl::io::GitLibrary git; // before any command runs, once
  twinctl::live::CurlLibrary curl;

  CLI::App app{"twinctl — drift gates, root causes and audits for factory digital twins"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions g;
  app.add_option("--color", g.color, "Colour: auto|always|never (auto honours NO_COLOR and TTYs)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", g.quiet, "Print no progress or summary on stderr");
  app.footer(help_footer("  twinctl validate --twin examples/factory\n"
                         "  twinctl simulate factory --assets 10000 --seed 7 --out /tmp/plant --commit\n"
                         "  twinctl <command> --help\n"));

  int rc = k_exit_ok;
  register_validate(app, g, rc);
  register_drift(app, g, rc);
  register_audit(app, g, rc);
  register_history(app, g, rc);
  register_simulate(app, g, rc);
  register_snapshot(app, g, rc);
  register_replay(app, g, rc);
  register_rca(app, g, rc);
  register_graph(app, g, rc);
  register_report(app, g, rc);
  register_health(app, g, rc);
  register_firmware(app, g, rc);
  register_completion(app, g, rc); // last: it walks the table the others built
  setup_usage(app, rc);             // one-line summaries, `twinctl help CMD`

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return checked_stdout(app.exit(e), stdout_buffer); // --help, --version
    }
    // CLI11's own codes (100-127) mean usage errors: map them to 2, with our message
    // (the words of the command line in it are shown, never obeyed: util::visible per line).
    std::istringstream lines(usage_error(app, e, argc, argv));
    for (std::string line; std::getline(lines, line);) {
      std::cerr << twinctl::util::visible(line) << "\n";
    }
    return checked_stdout(k_exit_error, stdout_buffer);
  } catch (const twinctl::Error& e) {
    std::cerr << "twinctl: error: " << twinctl::util::visible(e.what()) << "\n";
    return k_exit_error;
  } catch (const std::bad_alloc&) {
    std::cerr << "twinctl: error: out of memory\n";
    return k_exit_error;
  } catch (const std::exception& e) {
    std::cerr << "twinctl: internal error: " << twinctl::util::visible(e.what()) << "\n";
    return k_exit_error;
  }
  return checked_stdout(rc, stdout_buffer);
}
