#include "helpers.hpp"

#include "lib/io/git.hpp"
#include "lib/loaders/twin_reader.hpp"
#include "lib/util/error.hpp"

#include <cstdlib>

using namespace twinctl;
using twinctl::test::git;
using twinctl::test::sh;
using twinctl::test::TempDir;

namespace {

// Real repos made with the git command line: two commits by two authors.
struct RepoFixture {
  io::GitLibrary lib;
  TempDir dir;
  TempDir cache;
  std::string repo;
  RepoFixture() {
    ::setenv("TWINCTL_CACHE_DIR", cache.path().c_str(), 1);
    repo = dir / "plant";
    test::write_small_twin(dir, "plant/twin");
    dir.write("plant/README.md", "not part of the twin\n");
    sh(repo, git("init -q") + " && " + git("add -A") + " && " + git("commit -qm first"));
    dir.write("plant/twin/assets/hmi-01.yaml",
              "apiVersion: twinctl/v1\nkind: Asset\nid: hmi-01\nname: HMI 1 (new panel)\nclass: hmi\n"
              "located_in: line-1\n");
    sh(repo, git("commit -qam second", "Grace Hopper", "2026-02-03T04:05:06Z"));
  }
  loaders::LoadResult read(const std::string& repo_arg, const std::string& ref, const std::string& twin = "") {
    loaders::TwinRequest req;
    req.repo = repo_arg;
    req.ref = ref;
    req.twin = twin;
    req.cwd = dir.path();
    return loaders::read_twin(req);
  }
};

} // namespace

TEST_CASE_METHOD(RepoFixture, "loaders::read_twin from the working tree, a revision and a URL", "[git]") {
  loaders::LoadResult wt = read(repo, "", "twin");
  REQUIRE(wt.errors.empty());
  REQUIRE(wt.twin.assets.size() == 2);
  CHECK(wt.twin.root == "twin");
  CHECK(wt.twin.assets[0].loc.path == "twin/assets/hmi-01.yaml");

  SECTION("last commit per file, with author and date") {
    auto hmi = wt.twin.commit_of("twin/assets/hmi-01.yaml");
    auto plc = wt.twin.commit_of("twin/assets/plc-01.yaml");
    CHECK(hmi.author == "Grace Hopper");
    CHECK(hmi.date == "2026-02-03T04:05:06Z");
    CHECK(plc.author == "Ada Lovelace");
    CHECK(plc.sha != hmi.sha);
    CHECK(wt.twin.commit == hmi.sha);
  }
  SECTION("--ref reads Git objects, the same twin as the working tree at HEAD") {
    loaders::LoadResult at_head = read(repo, "HEAD");
    REQUIRE(at_head.errors.empty());
    CHECK(at_head.twin.root == "twin"); // found by its twin.yaml
    CHECK(at_head.twin.assets.size() == 2);
    CHECK(at_head.twin.assets[0].name == "HMI 1 (new panel)");
    CHECK(at_head.twin.assets[1].expected.at("ip").loc.line == 10);
  }
  SECTION("--ref an older revision sees the older file") {
    loaders::LoadResult old = read(repo, "HEAD~1");
    REQUIRE(old.errors.empty());
    CHECK(old.twin.assets[0].name == "HMI 1");
    CHECK(old.twin.commit_of("twin/assets/hmi-01.yaml").author == "Ada Lovelace");
  }
  SECTION("a bare mirror is read at HEAD") {
    sh(dir.path(), git("clone -q --bare plant plant.git"));
    loaders::LoadResult bare = read(dir / "plant.git", "");
    REQUIRE(bare.errors.empty());
    CHECK(bare.twin.assets.size() == 2);
  }
  SECTION("a file:// URL is cloned into the cache, then fetched") {
    std::string url = "file://" + repo;
    loaders::LoadResult cloned = read(url, "");
    REQUIRE(cloned.errors.empty());
    CHECK(cloned.twin.assets[0].name == "HMI 1 (new panel)");
    dir.write("plant/twin/assets/hmi-01.yaml",
              "apiVersion: twinctl/v1\nkind: Asset\nid: hmi-01\nname: HMI 1 (third)\nclass: hmi\nlocated_in: line-1\n");
    sh(repo, git("commit -qam third"));
    loaders::LoadResult fetched = read(url, "");
    REQUIRE(fetched.errors.empty());
    CHECK(fetched.twin.assets[0].name == "HMI 1 (third)");
  }
  SECTION("a shallow clone degrades to unknown commits, not an error") {
    sh(dir.path(), git("clone -q --depth 1 file://" + repo + " shallow"));
    loaders::LoadResult shallow = read(dir / "shallow", "", "twin");
    REQUIRE(shallow.errors.empty());
    CHECK_FALSE(shallow.twin.commit_of("twin/assets/plc-01.yaml").known());
  }
  SECTION("a bad revision is an error naming it") {
    CHECK_THROWS_WITH(read(repo, "no-such-branch"), Catch::Contains("no-such-branch"));
  }
  SECTION("an unreachable URL is an error without its credentials") {
    try {
      read("http://user:s3cret@127.0.0.1:1/plant.git", "");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), !Catch::Contains("s3cret"));
    }
  }
}

TEST_CASE("io::commit_all", "[git]") {
  io::GitLibrary lib;
  TempDir dir;
  dir.write("a.yaml", "x: 1\n");
  std::string first = io::commit_all(dir.path(), "first", "twinctl", "t@example.invalid", 1700000000);
  dir.write("b.yaml", "y: 2\n");
  std::string second = io::commit_all(dir.path(), "second", "twinctl", "t@example.invalid", 1700000100);
  CHECK(first != second);
  io::GitRepo repo = io::GitRepo::open(dir.path());
  auto entries = repo.list_tree(second, "");
  REQUIRE(entries.size() == 2);
  auto commits = repo.last_commits(second, {"a.yaml", "b.yaml"});
  CHECK(commits["a.yaml"].sha == first);
  CHECK(commits["b.yaml"].sha == second);
}
