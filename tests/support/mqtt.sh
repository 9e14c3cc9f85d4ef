# MQTT helpers for the CLI tests: a real mosquitto broker on free loopback
# ports, stopped when the test exits (even on failure). Source it after
# tests/cli/lib.sh.
#
#   broker_start     starts one broker with three listeners and sets
#                      PORT       anonymous
#                      AUTH_PORT  user "reader", password $MQTT_PASSWORD (mosquitto_passwd)
#                      TLS_PORT   TLS with a certificate for 127.0.0.1 signed by $WORK/broker/ca.crt
#                      MTLS_PORT  the same, and a client certificate signed by that CA required
#                                 ($WORK/broker/client.crt, client.key)
#                      V6_PORT    anonymous, on the IPv6 loopback ::1
#                    and BROKER_LOG (log_type all: every packet of every client).
#   pub TOPIC MSG    publishes a retained message (QoS 1) to the anonymous listener
#   pub_file TOPIC F the same with a file's bytes as payload
#   free_port        a TCP port nothing listens on (yet)
#   silent_server    a TCP server on SILENT_PORT that accepts and never answers

MQTT_PIDS=()
MQTT_PASSWORD="pw-$RANDOM-$RANDOM-s3cr3t"

mqtt_cleanup() {
  local pid
  for pid in "${MQTT_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  cleanup
}
trap mqtt_cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # PORT [HOST]: until something accepts connections on it (10 s at most)
  local i
  for i in $(seq 200); do
    if (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2
  return 1
}

mqtt_certs() { # DIR: a test CA and a server certificate for 127.0.0.1 and localhost
  local d=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=twinctl-test-ca \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/san.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/san.ext" -out "$d/server.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=twinctl-reader \
    -keyout "$d/client.key" -out "$d/client.csr" 2>/dev/null
  openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -out "$d/client.crt" 2>/dev/null
}

broker_start() {
  local d=$WORK/broker
  mkdir -p "$d"
  mosquitto_passwd -b -c "$d/passwd" reader "$MQTT_PASSWORD"
  mqtt_certs "$d"
  PORT=$(free_port)
  AUTH_PORT=$(free_port)
  TLS_PORT=$(free_port)
  MTLS_PORT=$(free_port)
  V6_PORT=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])')
  BROKER_LOG=$d/broker.log
  {
    [ "$(id -u)" -eq 0 ] && echo "user root"
    cat <<CONF
per_listener_settings true
persistence false
log_dest file $BROKER_LOG
log_type all
listener $PORT 127.0.0.1
allow_anonymous true
listener $AUTH_PORT 127.0.0.1
allow_anonymous false
password_file $d/passwd
listener $TLS_PORT 127.0.0.1
allow_anonymous true
cafile $d/ca.crt
certfile $d/server.crt
keyfile $d/server.key
listener $MTLS_PORT 127.0.0.1
allow_anonymous true
cafile $d/ca.crt
certfile $d/server.crt
keyfile $d/server.key
require_certificate true
listener $V6_PORT ::1
allow_anonymous true
CONF
  } >"$d/mosquitto.conf"
  mosquitto -c "$d/mosquitto.conf" 2>"$d/stderr" &
  MQTT_PIDS+=($!)
  wait_port "$PORT" && wait_port "$AUTH_PORT" && wait_port "$TLS_PORT" && wait_port "$MTLS_PORT" &&
    wait_port "$V6_PORT" ::1 || {
    cat "$d/stderr" >&2
    return 1
  }
}

pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$1" -m "$2"; }
pub_file() { mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$1" -f "$2"; }

silent_server() {
  SILENT_PORT=$(free_port)
  python3 - "$SILENT_PORT" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)  # accept and never answer
PY
  MQTT_PIDS+=($!)
  wait_port "$SILENT_PORT"
}

# live_read ARGS...: runs the live_read helper; sets RC, OUT, ERR like run().
live_read() {
  set +e
  (cd "${RUN_DIR:-$SRC}" && timeout 60 "$LIVE_READ" "$@") >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

# line_of REF: the observation line of that ref in OUT.
line_of() { grep -F "\"ref\":\"$1\"" <<<"$OUT" || true; }
