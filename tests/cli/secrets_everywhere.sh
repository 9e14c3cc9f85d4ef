#!/usr/bin/env bash
# A password never leaves, whatever characters it holds ('/', '?', '#', '@', a
# space, quotes): not on stdout or stderr, not in an output file, not in the
# clone cache (a real Git server over HTTP with Basic auth), not in the history
# database. It reaches --repo, --live, --publish and a source's endpoint.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
export TWINCTL_CACHE_DIR="$WORK/cache"
NOW=2026-05-04T10:00:00Z
# Every piece between the special characters is a fragment that must never show.
PASSWORD="Zq7w/Kx3m?Vb5q#Tn8z@ Rw2k'Ys4j\"Pd6v"
FRAGMENTS='Zq7w|Kx3m|Vb5q|Tn8z|Rw2k|Ys4j|Pd6v'
ENCODED=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PASSWORD")

check_no_secret() { # what
  if grep -qE -- "$FRAGMENTS" <<<"$OUT$ERR"; then fail "$1: a piece of the password is on stdout or stderr"; fi
  local hits
  hits=$(grep -rlaE --exclude-dir=srv --exclude=out --exclude=err --exclude=ditto.yaml --exclude='*.log' \
    -- "$FRAGMENTS" "$WORK" || true)
  [ -z "$hits" ] || fail "$1: a piece of the password is in $hits"
}

# --- --repo: a Git server that wants the password ------------------------------
mkdir -p "$WORK/plant" "$WORK/srv"
cp -r "$SRC/examples/factory" "$WORK/plant/twin"
(cd "$WORK/plant" && tgit init -q && tgit add -A && tgit commit -qm "plant-a twin")
tgit clone -q --bare "$WORK/plant" "$WORK/srv/plant.git"
python3 "$SRC/tests/support/git_http_server.py" --root "$WORK/srv" --user alice --password "$PASSWORD" \
  --log "$WORK/git.log" >"$WORK/port" 2>"$WORK/server.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; cleanup' EXIT
for _ in $(seq 500); do [ -s "$WORK/port" ] && break; sleep 0.02; done # python starts slowly on a loaded machine
PORT=$(head -1 "$WORK/port")
[ -n "$PORT" ] || { echo "git server did not start: $(cat "$WORK/server.err")" >&2; exit 1; }
REPO=http://127.0.0.1:$PORT/plant.git

run validate --repo "http://alice:$ENCODED@127.0.0.1:$PORT/plant.git" --now $NOW --fail-on none -o json=out.json
expect_rc 0 "clone with the password in the URL"
grep -q 'auth=yes' "$WORK/git.log" || fail "the server never saw the credentials"
[ "$(git config --file "$WORK"/cache/repos/*.git/config remote.origin.url)" = "$REPO" ] ||
  fail "the clone's origin is not the URL without credentials: $(cat "$WORK"/cache/repos/*.git/config)"
check_no_secret "clone"
run validate --repo "http://alice:$ENCODED@127.0.0.1:$PORT/plant.git" --now $NOW --fail-on none
expect_rc 0 "fetch into the cached clone"
check_no_secret "fetch"

# A cache an older twinctl made with the credentials in its config: the next fetch drops them.
git config --file "$WORK"/cache/repos/*.git/config remote.origin.url "http://alice:$ENCODED@127.0.0.1:$PORT/plant.git"
run validate --repo "http://alice:$ENCODED@127.0.0.1:$PORT/plant.git" --now $NOW --fail-on none
expect_rc 0 "fetch into an old cache"
check_no_secret "old cache"

rm -rf "$WORK/cache"
TWINCTL_GIT_USERNAME=alice TWINCTL_GIT_PASSWORD=$PASSWORD run validate --repo "$REPO" --now $NOW --fail-on none
expect_rc 0 "clone with the password in TWINCTL_GIT_PASSWORD"
check_no_secret "clone, password from the environment"

rm -rf "$WORK/cache"
run validate --repo "http://alice:x$ENCODED@127.0.0.1:$PORT/plant.git" --now $NOW
expect_rc 2 "a wrong password"
expect_err "authentication failed"
check_no_secret "wrong password"
[ ! -e "$WORK/cache/repos" ] || [ -z "$(ls "$WORK/cache/repos")" ] || fail "a failed clone left a cache"
run validate --repo "$REPO" --now $NOW
expect_rc 2 "no password"
check_no_secret "no password"
# Not percent-encoded: '/', '?' and '#' end the authority. An error that says so, and no piece of it.
run validate --repo "http://alice:$PASSWORD@127.0.0.1:$PORT/plant.git" --now $NOW
expect_rc 2 "a password that is not percent-encoded"
expect_err "must be percent-encoded"
check_no_secret "raw password in --repo"

# --- --live, --publish and a source's endpoint ---------------------------------
cp -r "$SRC/examples/factory" "$WORK/factory"
for pw in "$PASSWORD" "Rw2k Ys4j'Pd6v\"" "Rw2k@Ys4j" "$ENCODED"; do
  run drift --twin factory --live "http://ops:$pw@127.0.0.1:9/" --now $NOW --retries 0 -o json=out.json \
    -o sarif=out.sarif -o markdown=out.md -o github=out.gh -o table=out.table
  [ "$RC" -eq 2 ] || [ "$RC" -eq 3 ] || fail "--live with password '$pw': exit $RC, expected 2 or 3"
  check_no_secret "--live with password '$pw'"
  run snapshot --twin factory --live "mqtt://ops:$pw@127.0.0.1:9/plant/#" --now $NOW -o snap.json
  [ "$RC" -eq 2 ] || [ "$RC" -eq 3 ] || fail "MQTT --live with password '$pw': exit $RC, expected 2 or 3"
  check_no_secret "MQTT --live with password '$pw'"
  run simulate sensors --twin factory --duration 1m --publish "mqtt://ops:$pw@127.0.0.1:9/plant/" --out sim
  expect_rc 2 "--publish to a closed port with password '$pw'"
  check_no_secret "--publish with password '$pw'"
  rm -rf "$WORK/sim"
done
sed -i "s|endpoint: https://ditto.plant-a.example.com|endpoint: \"http://ops:Rw2k Ys4j'Pd6v@127.0.0.1:9\"|" \
  "$WORK/factory/sources/ditto.yaml"
# The loader refuses credentials in a source (secrets come from the environment), without printing them.
run drift --twin factory --live ditto-main --now $NOW --retries 0 -o json=out.json
expect_rc 2 "a source whose endpoint holds a password"
expect_err "the endpoint has credentials in it"
check_no_secret "source endpoint"
rm -rf "$WORK/factory" && cp -r "$SRC/examples/factory" "$WORK/factory"

# --- the history database -------------------------------------------------------
run audit --twin factory --live "http://ops:$ENCODED@127.0.0.1:9/" --live "mqtt://ops:$ENCODED@127.0.0.1:9/a/#" \
  --history hist.db --now $NOW --retries 0
expect_rc 3 "audit with passwords in its sources"
[ -s "$WORK/hist.db" ] || fail "audit recorded no history"
sqlite3 "$WORK/hist.db" .dump >"$WORK/hist.sql"
grep -qE -- "$FRAGMENTS" "$WORK/hist.sql" && fail "the history database holds a piece of the password"
grep -q "127.0.0.1:9" "$WORK/hist.sql" || fail "the history database does not name the source"
check_no_secret "history"
finish
