// twinctl history: read (and prune) the history database that audit writes.
#include "cmd/common.hpp"

#include "lib/history/migrate.hpp"
#include "lib/history/query.hpp"
#include "lib/history/store.hpp"
#include "lib/output/history_output.hpp"
#include "lib/util/error.hpp"

#include <memory>
#include <optional>

namespace twinctl::cmd {

namespace {

struct HistoryArgs {
  std::string db; // "": TWINCTL_HISTORY_URL, else .twinctl/history.db
  int64_t run = 0;
  history::FindingFilter filter;
  int64_t keep = -1; // -1: not given
  bool all = false;
  std::string from, to; // migrate
  bool replace = false;
};

int write_view(const history::HistoryView& v, const GlobalOptions& g) {
  write_each_output(g, "table", [&v](const std::string& fmt, std::ostream& out) {
    if (fmt == "json") {
      output::write_history_json(out, v);
    } else {
      output::write_history_table(out, v);
    }
  });
  return k_exit_ok;
}

int run_history(const std::string& what, const HistoryArgs& a, const GlobalOptions& g) {
  // Deleting every run is never what a typo or an unset variable (--keep "$N") meant:
  // it takes --all, said in so many words.
  if (what == "prune" && !a.all && a.keep < 1) {
    throw Error(a.keep == 0 ? "history prune --keep 0 would delete every run of every site and their findings; "
                              "give --all to do that, or --keep N with N of at least 1"
                            : "history prune: give --keep N (the newest N runs of each site stay) or --all");
  }
  history::HistoryView v;
  v.command = what;
  if (what == "migrate") {
    std::unique_ptr<io::Database> from = history::open_existing(a.from, false);
    io::Transaction snapshot(*from, io::Transaction::Kind::read); // a consistent copy while audits commit
    if (io::parse_location(a.from).target == io::parse_location(a.to).target) {
      throw Error("history migrate: --from and --to are the same database");
    }
    std::unique_ptr<io::Database> to = history::open_for_audit(a.to);
    v.db = to->path();
    v.migrated = history::migrate_history(*from, *to, a.replace);
    return write_view(v, g);
  }
  std::unique_ptr<io::Database> db = history::open_existing(history::default_location(a.db), what == "prune");
  v.db = db->path(); // a URL without its credentials
  std::optional<io::Transaction> snapshot; // readers: one view while audits commit
  if (what != "prune") {
    snapshot.emplace(*db, io::Transaction::Kind::read);
  }
  if (what == "list") {
    v.runs = history::list_runs(*db);
  } else if (what == "show") {
    v.run = history::show_run(*db, a.run);
  } else if (what == "findings") {
    v.findings = history::list_findings(*db, a.filter);
  } else if (what == "prune") {
    v.pruned = history::prune(*db, a.all ? 0 : a.keep);
  } else {
    v.stats = history::stats(*db);
  }
  return write_view(v, g);
}

} // namespace

void register_history(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<HistoryArgs>();
  CLI::App* sub = root.add_subcommand("history", "Read the audit history: runs, findings, time to resolve");
  sub->description(
      "Read the history database that `twinctl audit` records into: --history (a file, sqlite://PATH or "
      "postgresql://...), else $TWINCTL_HISTORY_URL, else .twinctl/history.db relative to the current directory, "
      "as audit uses it. `list` shows the runs, newest first; `show RUN` what one run saw "
      "(each finding new, open or reopened, and those it resolved), its sources, incidents and due items; "
      "`findings` the lifecycle of every finding (first seen, last seen, resolved, times reopened); `prune` keeps "
      "the newest N runs of each site; `stats` the mean time to resolve by severity and by team (from when a "
      "finding's last episode opened to the run that no longer saw it); `migrate` copies a whole history "
      "to another database, ids kept, in one transaction on the target, and says how many rows of each table it "
      "copied.");
  sub->add_option("--history", a->db, "The history: a file, sqlite://PATH or postgresql://... (default: "
                  "$TWINCTL_HISTORY_URL, else .twinctl/history.db)")
      ->type_name("DB|URL")->group("History");
  add_output_option(*sub, g, {"table", "json"});
  sub->require_subcommand(1);
  const std::string footer = help_footer("  twinctl history list\n"
                                         "  twinctl history --history /var/lib/twinctl/plant-a.db show 42 -o json\n"
                                         "  twinctl history findings --open --severity high\n"
                                         "  twinctl history findings --asset press-07 -o json=press-07.json\n"
                                         "  twinctl history prune --keep 90\n"
                                         "  twinctl history prune --all   # every run of every site\n"
                                         "  twinctl history stats\n"
                                         "  twinctl history --history postgresql://reader@db.example/fleet list\n"
                                         "  twinctl history migrate --from sqlite://.twinctl/history.db \\\n"
                                         "      --to postgresql://twinctl@db.example/fleet\n",
                                         "  0  success\n"
                                         "  2  usage error; the database is missing, is not a twinctl\n"
                                         "     history database or was written by a newer twinctl;\n"
                                         "     the run does not exist; migrate: a target that holds a\n"
                                         "     history (without --replace) or a connection lost (nothing\n"
                                         "     is copied then)\n");
  sub->footer(footer);
  auto leaf = [&](const char* name, const char* help) {
    CLI::App* c = sub->add_subcommand(name, help);
    c->footer(footer);
    c->fallthrough();
    c->callback([a, &g, &rc, name] { rc = run_history(name, *a, g); });
    return c;
  };
  leaf("list", "The runs, newest first");
  leaf("show", "One run: its findings (new, open, reopened, resolved), sources, incidents, due items")
      ->add_option("RUN", a->run, "Run id (from history list)")
      ->required()
      ->check(CLI::PositiveNumber);
  CLI::App* findings = leaf("findings", "Every finding's lifecycle");
  findings->add_flag("--open", a->filter.open_only, "Only findings still open");
  findings->add_option("--asset", a->filter.asset, "Only findings of this asset");
  findings->add_option("--severity", a->filter.severity, "Only findings of this severity")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}));
  findings->add_option("--site", a->filter.site, "Only findings of this site");
  CLI::App* prune = leaf("prune", "Delete old runs: keep the newest N of each site (or --all)");
  CLI::Option* keep = prune->add_option("--keep", a->keep, "Runs to keep per site (at least 1)")
                          ->check(CLI::NonNegativeNumber);
  prune->add_flag("--all", a->all, "Delete every run of every site (--keep 0 is refused)")->excludes(keep);
  leaf("stats", "Mean time to resolve by severity and by team");
  CLI::App* migrate = leaf("migrate", "Copy a whole history to another database (SQLite to PostgreSQL, or back)");
  migrate->add_option("--from", a->from, "The history to copy: a file, sqlite://PATH or postgresql://...")
      ->required()
      ->type_name("DB|URL");
  migrate->add_option("--to", a->to, "The database to copy it into (created for SQLite; must hold no history)")
      ->required()
      ->type_name("DB|URL");
  migrate->add_flag("--replace", a->replace, "Delete the history the target holds first (in the same transaction)");
}

} // namespace twinctl::cmd
