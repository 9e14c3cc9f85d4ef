// The SQLite wrapper and the compiled-in history schema, on real database files.
#include "lib/history/open.hpp"
#include "lib/history/schema_sql.hpp"
#include "lib/io/sqlite.hpp"
#include "lib/util/error.hpp"
#include "tests/unit/helpers.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

using namespace twinctl;

TEST_CASE("sqlite: the history schema creates, and a transaction commits or rolls back", "[io][sqlite]") {
  test::TempDir dir;
  std::string path = dir / "sub/history.db";
  {
    io::SqliteDatabase db(path, io::Database::Mode::read_write_create);
    db.exec(history::k_schema_sql);
    db.exec(history::k_schema_sql); // idempotent
    io::Statement version = db.prepare("PRAGMA user_version");
    REQUIRE(version.step());
    CHECK(version.integer(0) == history::k_schema_version);

    {
      io::Transaction tx(db);
      db.prepare("INSERT INTO runs(started_at, site, exit_code, incomplete, assets, critical, high, medium, low, "
                 "info, suppressed) VALUES (?, ?, 0, 0, 63, 1, 2, 3, 4, 5, 0)")
          .bind(1, "2026-12-02T02:00:00Z")
          .bind(2, "plant-a")
          .run();
      tx.commit();
    }
    {
      io::Transaction tx(db);
      db.prepare("INSERT INTO runs(started_at, site, exit_code, incomplete, assets, critical, high, medium, low, "
                 "info, suppressed) VALUES ('x', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0)")
          .run();
      // no commit: rolled back
    }
  }
  io::SqliteDatabase db(path, io::Database::Mode::read_only);
  io::Statement runs = db.prepare("SELECT id, site, twin_commit FROM runs ORDER BY id");
  REQUIRE(runs.step());
  CHECK(runs.integer(0) == 1);
  CHECK(runs.text(1) == "plant-a");
  CHECK_FALSE(runs.optional_text(2).has_value());
  CHECK_FALSE(runs.step());
}

TEST_CASE("sqlite: errors name the database file", "[io][sqlite]") {
  test::TempDir dir;
  std::string missing = dir / "nope.db";
  CHECK_THROWS_WITH(io::SqliteDatabase(missing, io::Database::Mode::read_only), Catch::Contains(missing));
  std::string path = dir / "h.db";
  io::SqliteDatabase db(path, io::Database::Mode::read_write_create);
  CHECK_THROWS_WITH(db.exec("SELECT * FROM no_such_table"), Catch::Contains(path) && Catch::Contains("no_such_table"));
}

namespace {
size_t open_descriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}
} // namespace

// A file that is not a database opens fine and fails at the first statement, inside the
// constructor: the handle (and its file descriptor) must be closed, not leaked.
TEST_CASE("sqlite: a database that fails halfway through opening leaks no handle", "[io][sqlite]") {
  test::TempDir dir;
  std::string path = dir / "text.db";
  dir.write("text.db", std::string(4096, 'x'));
  size_t before = open_descriptors();
  for (int i = 0; i < 3; ++i) {
    CHECK_THROWS_WITH(io::SqliteDatabase(path, io::Database::Mode::read_write_create),
                      Catch::Contains(path) && Catch::Contains("not a database"));
  }
  CHECK(open_descriptors() == before);
}

// Switching a new file to WAL needs exclusive access and SQLite does not call the busy handler
// for it: before the retry in Database, about one round in twenty-five had a process fail with
// "database is locked" (as two first audits at once did in CI). Real processes, real files.
TEST_CASE("sqlite: eight processes creating one database at once all succeed", "[io][sqlite]") {
  test::TempDir dir;
  int failed = 0;
  for (int round = 0; round < 40; ++round) {
    std::string path = dir / ("race" + std::to_string(round) + ".db");
    std::vector<pid_t> children;
    for (int k = 0; k < 8; ++k) {
      pid_t pid = fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        try {
          io::SqliteDatabase db(path, io::Database::Mode::read_write_create);
          io::Transaction tx(db);
          db.exec(history::k_schema_sql);
          tx.commit();
          _exit(0);
        } catch (const std::exception&) {
          _exit(1);
        }
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) {
      int status = 0;
      waitpid(pid, &status, 0);
      failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    io::SqliteDatabase db(path, io::Database::Mode::read_only);
    io::Statement mode = db.prepare("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
  }
  CHECK(failed == 0);
}

TEST_CASE("sqlite: a database another process keeps locked fails with a clear message after the timeout",
          "[io][sqlite]") {
  test::TempDir dir;
  std::string path = dir / "locked.db";
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  CHECK_THROWS_WITH(io::SqliteDatabase(path, io::Database::Mode::read_write_create, 300),
                    Catch::Contains(path) && Catch::Contains("locked"));
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  io::SqliteDatabase db(path, io::Database::Mode::read_write_create, 300);
}
