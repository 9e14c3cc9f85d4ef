#!/usr/bin/env bash
# One nightly run of a 40-plant fleet, end to end on this machine (bench/RESULTS.md, "A 40-site
# nightly run"). Usage:
#   bench/fleet.sh [BUILD_DIR] [SITES] [ASSETS] [HISTORY]
# BUILD_DIR defaults to build, SITES to 40, ASSETS (per site) to 2000. HISTORY is where the audits
# record: by default a new SQLite file in the work directory; `pg` for a private PostgreSQL server
# started for the run (tests/support/pg.sh: initdb + pg_ctl of Debian's postgresql, on a free
# loopback port, restarted with fsync on as bench/history_pg.sh does, stopped at the end); or the
# postgresql://… URL of an empty database.
#
# Steps, each timed (wall clock and peak RSS from /usr/bin/time):
#   1. simulate factory --sites SITES --assets ASSETS --commit (one Git repository per site);
#   2. night 1: the audits, one per site (--twin, --live its snapshot, --allow-partial: the energy
#      source of a generated site fails by design), one after the other, all
#      recording into the one history;
#   3. night 2 (--now a day later, same history): the audits two at a time (xargs -P 2), as a CI
#      matrix on this 2-core machine would approximate;
#   after each night, the fleet report over every site's latest run (report --site all -o html
#   -o markdown), one report per site (report --site SITE), and the size of the history.
# Work directory: $BENCH_DIR (default /tmp/twinctl-bench-fleet).
set -euo pipefail
build=${1:-build}
sites=${2:-40}
assets=${3:-2000}
history_url=${4:-}
twinctl=$(realpath "$build/twinctl")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_DIR:-/tmp/twinctl-bench-fleet}
mkdir -p "$work"

timed() { # timed FILE CMD...: runs CMD, appends "exit seconds KB" to FILE
  local file=$1 rc=0
  shift
  /usr/bin/time -f "%e %M" -o "$file.t" "$@" >/dev/null 2>"$file.err" || rc=$?
  echo "$rc $(tail -n 1 "$file.t")" >>"$file"
}

history_size() { # bytes of the history
  case "$1" in
    postgresql://* | postgres://*) # the tables and indexes twinctl made, not the empty database's catalog
      psql -X "$1" -Atc "select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n
        on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')" ;;
    *) du -cb "$1" "$1-wal" 2>/dev/null | tail -n 1 | cut -f1 ;;
  esac
}

stats() { # stats FILE: "n=…, exit codes …, median … s, max … s, max RSS … MB" over "exit s KB" lines
  sort -k2,2n "$1" | awk '{ s[NR] = $2; if ($3 > m) m = $3; c[$1]++ }
    END { printf "n=%d, median %.2f s, min %.2f s, max %.2f s, max RSS %.0f MB, exit codes", NR, s[int((NR + 1) / 2)], s[1], s[NR], m / 1024
          for (k in c) printf " %s×%d", k, c[k]; printf "\n" }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); date: $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "twinctl: $("$twinctl" --version | head -n 1)"

fleet=$work/fleet
rm -f "$work/gen"
timed "$work/gen" "$twinctl" simulate factory --sites "$sites" --assets "$assets" --seed 1 --out "$fleet" --commit --force --quiet
read -r _ gs gk <"$work/gen"
mb=$(find "$fleet" -path '*/.git' -prune -o -type f -name '*.yaml' -printf '%s\n' | awk '{s+=$1} END{printf "%.1f", s/1e6}')
snap=$(du -cb "$fleet"/site-*/live/snapshot.json | tail -n 1 | awk '{printf "%.1f", $1/1e6}')
echo "generate: $sites sites × $assets assets: ${gs} s, peak RSS $((gk / 1024)) MB; YAML $mb MB, snapshots $snap MB"

audit_site() { # audit_site HISTORY TIMES SITE
  timed "$2" "$twinctl" audit --twin "$fleet/$3" --live "$fleet/$3/live/snapshot.json" --now "$now" \
    --history "$1" --allow-partial -o json=/dev/null --quiet
}
export -f audit_site timed
export twinctl fleet

if [ "$history_url" = pg ]; then
  # shellcheck disable=SC1091 # the test helpers: a private server, stopped on exit
  TWINCTL=$twinctl SRC=$root source "$root/tests/cli/lib.sh"
  # shellcheck disable=SC1091
  source "$root/tests/support/pg.sh"
  pg_start
  # pg.sh starts the server without fsync for tests; a benchmark wants a real one.
  pg_stop
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  pg_createdb fleet
  hist=$(pg_url fleet)
  echo "history: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, fsync on"
elif [ -n "$history_url" ]; then
  hist=$history_url
else
  hist=$work/history.db
  rm -f "$hist" "$hist-wal" "$hist-shm"
fi
for mode in sequential parallel-2; do
  times=$work/$mode.times
  rm -rf "$times" "$times.d"
  mkdir -p "$times.d"
  if [ "$mode" = sequential ]; then now=2026-05-04T10:00:00Z; else now=2026-05-05T10:00:00Z; fi
  export now
  mapfile -t list < <(cd "$fleet" && printf '%s\n' site-*)
  start=$(date +%s.%N)
  if [ "$mode" = sequential ]; then
    for s in "${list[@]}"; do audit_site "$hist" "$times.d/$s.res" "$s"; done
  else
    # shellcheck disable=SC2016 # the arguments are expanded by the inner bash
    printf '%s\n' "${list[@]}" | xargs -P 2 -I{} bash -c 'audit_site "$1" "$2/$3.res" "$3"' _ "$hist" "$times.d" {}
  fi
  end=$(date +%s.%N)
  cat "$times.d"/*.res >"$times"
  echo "audits, $mode: wall $(awk "BEGIN{printf \"%.1f\", $end - $start}") s for $sites sites; per audit: $(stats "$times")"

  rm -f "$work/$mode.report"
  timed "$work/$mode.report" "$twinctl" report --history "$hist" --site all --now "$now" \
    -o "html=$work/$mode-fleet.html" -o "markdown=$work/$mode-fleet.md"
  read -r rc rs rk <"$work/$mode.report"
  if [ "$rc" -eq 0 ]; then
    echo "fleet report (report --site all, html + markdown): ${rs} s, peak RSS $((rk / 1024)) MB, html $(stat -c %s "$work/$mode-fleet.html") bytes"
  else
    echo "fleet report (report --site all): exit $rc: $(head -c 300 "$work/$mode.report.err")"
  fi
  rm -f "$work/$mode.reports"
  start=$(date +%s.%N)
  for s in "${list[@]}"; do
    timed "$work/$mode.reports" "$twinctl" report --history "$hist" --site "$s" --now "$now" -o "html=$work/$s.html"
  done
  end=$(date +%s.%N)
  echo "per-site reports: wall $(awk "BEGIN{printf \"%.1f\", $end - $start}") s for $sites; per report: $(stats "$work/$mode.reports")"
  echo "history: $(history_size "$hist") bytes after night $([ "$mode" = sequential ] && echo 1 || echo 2) of $sites sites"
done
