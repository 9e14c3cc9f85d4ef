# PostgreSQL helpers for the CLI tests: a private server (initdb + pg_ctl from
# Debian's postgresql package) in a temporary directory, on a free loopback
# port with its unix socket in that directory, stopped when the test exits
# (even on failure). Source it after tests/cli/lib.sh.
#
# initdb refuses to run as root: as root (CI, containers) the server runs as
# the unprivileged user "postgres" (Debian's package creates it) through
# runuser; as any other user it runs as that user.
#
#   pg_start       starts the server and sets
#                    PG_PORT      its TCP port on 127.0.0.1
#                    PG_PASSWORD  the password of the superuser "twinctl" (scram-sha-256 over TCP)
#                    PG_BIN       the directory of initdb, pg_ctl, psql
#   pg_url DB      postgresql://twinctl:$PG_PASSWORD@127.0.0.1:$PG_PORT/DB
#   pg_createdb DB a new empty database
#   psql_q DB SQL  runs SQL, prints the rows unaligned (| between columns)
#   pg_stop        stops the server at once (-m immediate), as a crash or a lost host would

PG_DIR=""
PG_PASSWORD="pg-$RANDOM-$RANDOM-s3cr3t"
PG_PORT=""
PG_BIN=""

pg_bin_dir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_cleanup() {
  if [ -n "$PG_DIR" ] && [ -e "$PG_DIR/data/postmaster.pid" ]; then
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
  cleanup
}
trap pg_cleanup EXIT

pg_start() {
  if ! PG_BIN=$(pg_bin_dir); then
    echo "FAIL: the PostgreSQL server (initdb, pg_ctl) is not installed: install Debian's postgresql" \
      "package (scripts/install-deps.sh does)" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "FAIL: running as root and there is no user 'postgres' to run the server as (initdb refuses root)" >&2
    exit 1
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/twinctl-pg-XXXXXX")
  printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$PG_DIR"
  as_pg_user "$PG_BIN/initdb" -D "$PG_DIR/data" -U twinctl --pwfile="$PG_DIR/pwfile" -E UTF8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; echo "FAIL: initdb" >&2; exit 1; }
  local try
  for try in 1 2 3; do
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
      return 0
    fi
  done
  cat "$PG_DIR/server.log" >&2
  echo "FAIL: the PostgreSQL server did not start" >&2
  exit 1
}

pg_stop() { as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; }

pg_url() { echo "postgresql://twinctl:$PG_PASSWORD@127.0.0.1:$PG_PORT/$1"; }

psql_q() { "$PG_BIN/psql" -X -q -tA -h "$PG_DIR" -p "$PG_PORT" -U twinctl -d "$1" -v ON_ERROR_STOP=1 -c "$2"; }

pg_createdb() { psql_q postgres "CREATE DATABASE \"$1\"" >/dev/null; }

# pg_restart: starts the stopped server again on the same port.
pg_restart() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
}
