// Shared test fixtures: a temporary directory that is removed on success and
// kept (with its path printed) when the test fails, and a shell runner for
// making real Git repositories with `git`.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace twinctl::test {

class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "twinctl-test-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    REQUIRE(p != nullptr);
    m_path = p;
  }
  ~TempDir() {
    if (std::uncaught_exceptions() == 0) {
      std::error_code ec;
      std::filesystem::remove_all(m_path, ec);
    } else {
      WARN("kept " << m_path);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& rel) const { return m_path + "/" + rel; }

  void write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = std::filesystem::path(m_path) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }

private:
  std::string m_path;
};

// Runs a shell command in `dir`; REQUIREs exit 0.
inline void sh(const std::string& dir, const std::string& cmd) {
  std::string full = "cd '" + dir + "' && ( " + cmd + " ) >/dev/null 2>&1";
  INFO(full);
  REQUIRE(std::system(full.c_str()) == 0);
}

// git with a fixed identity and no user configuration.
inline std::string git(const std::string& args, const std::string& author = "Ada Lovelace",
                       const std::string& date = "2026-01-02T03:04:05Z") {
  return "GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME='" + author +
         "' GIT_AUTHOR_EMAIL=ada@example.com GIT_COMMITTER_NAME='" + author +
         "' GIT_COMMITTER_EMAIL=ada@example.com GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date +
         " git -c init.defaultBranch=main -c protocol.file.allow=always " + args;
}

// A minimal valid twin: twin.yaml, one space, one team and two assets.
inline void write_small_twin(const TempDir& d, const std::string& root = "") {
  std::string r = root.empty() ? "" : root + "/";
  d.write(r + "twin.yaml", "apiVersion: twinctl/v1\nkind: Twin\nid: plant-t\nname: Test plant\n");
  d.write(r + "spaces/line-1.yaml", "apiVersion: twinctl/v1\nkind: Space\nid: line-1\ntype: line\n");
  d.write(r + "teams/controls.yaml", "apiVersion: twinctl/v1\nkind: Team\nid: controls\nname: Controls\n");
  d.write(r + "assets/plc-01.yaml",
          "apiVersion: twinctl/v1\nkind: Asset\nid: plc-01\nname: PLC 1\nclass: plc\nlocated_in: line-1\n"
          "owned_by: controls\nexpected:\n  status: running\n  ip: 10.0.0.1\n  firmware: 4.2.1\n"
          "relationships:\n  - {type: FEEDS_DATA, target: hmi-01}\n");
  d.write(r + "assets/hmi-01.yaml",
          "apiVersion: twinctl/v1\nkind: Asset\nid: hmi-01\nname: HMI 1\nclass: hmi\nlocated_in: line-1\n");
}

} // namespace twinctl::test
