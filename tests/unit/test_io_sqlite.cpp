// The SQLite wrapper and the compiled-in history schema, on real database files.
#include "lib/history/schema_sql.hpp"
#include "lib/io/sqlite.hpp"
#include "lib/util/error.hpp"
#include "tests/unit/helpers.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace twinctl;

TEST_CASE("sqlite: the history schema creates, and a transaction commits or rolls back", "[io][sqlite]") {
  test::TempDir dir;
  std::string path = dir / "sub/history.db";
  {
    io::Database db(path, io::Database::Mode::read_write_create);
    db.exec(history::k_schema_sql);
    db.exec(history::k_schema_sql); // idempotent
    io::Statement version = db.prepare("PRAGMA user_version");
    REQUIRE(version.step());
    CHECK(version.integer(0) == 1);

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
  io::Database db(path, io::Database::Mode::read_only);
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
  CHECK_THROWS_WITH(io::Database(missing, io::Database::Mode::read_only), Catch::Contains(missing));
  std::string path = dir / "h.db";
  io::Database db(path, io::Database::Mode::read_write_create);
  CHECK_THROWS_WITH(db.exec("SELECT * FROM no_such_table"), Catch::Contains(path) && Catch::Contains("no_such_table"));
}
