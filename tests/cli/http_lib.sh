# Helpers of the HTTP live-source tests: start tests/support/http_server.py on a
# free loopback port. Source after lib.sh.
SERVER_PIDS=()
stop_servers() { for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap 'stop_servers; cleanup' EXIT
# Loopback must not go through a proxy the environment may have set.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy=127.0.0.1,localhost

# start_server ARGS...: sets PORT; the request log is $WORK/requests.log.
start_server() {
  local out="$WORK/port.${#SERVER_PIDS[@]}"
  python3 "$SRC/tests/support/http_server.py" --log "$WORK/requests.log" "$@" >"$out" 2>"$out.err" &
  SERVER_PIDS+=($!)
  for _ in $(seq 200); do
    [ -s "$out" ] && break
    sleep 0.02 # the server prints its port once it listens
  done
  PORT=$(head -1 "$out")
  [ -n "$PORT" ] || { echo "test server did not start: $(cat "$out.err")" >&2; exit 1; }
}

# A copy of the example factory whose ditto-main source points at the server.
factory_with_ditto() { # PORT [extra option lines]
  rm -rf "$WORK/factory"
  cp -r "$SRC/examples/factory" "$WORK/factory"
  sed -i "s|endpoint: https://ditto.plant-a.example.com|endpoint: ${SCHEME:-http}://127.0.0.1:$1|" \
    "$WORK/factory/sources/ditto.yaml"
  sed -i "s|page_size: 200|page_size: ${PAGE_SIZE:-5}|" "$WORK/factory/sources/ditto.yaml"
}

# mark; since_mark: the requests logged after the mark.
mark() { MARK=$(wc -l <"$WORK/requests.log"); }
since_mark() { tail -n +$((MARK + 1)) "$WORK/requests.log"; }
