#!/usr/bin/env python3
"""A factory HTTP API on loopback for the tests and the benchmark (stdlib only).

Serves Eclipse Ditto search pages (GET /api/2/search/things with
option=size(N),cursor(C)) and two generic JSON APIs (/generic/cursor:
{"data": [...], "next": C}; /generic/link: a list with a Link rel="next"
header, ?page=N&per_page=M; /generic/pages: the same without Link), with optional Basic/Bearer auth, HTTPS and
fault modes. Logs every request's method and target to --log. Prints the
port it listens on (--port 0 = a free one) as its first line of stdout.
Also answers absolute-form requests, as an HTTP proxy receives them.

Things come from --things FILE (a Ditto page or list), --from-snapshot FILE
(the observations of one source of a twinctl-live/v1 file, back into Ditto
things), or --generate N (synthetic, for the benchmark).
"""
import argparse, base64, json, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit, urlencode


def things_from_snapshot(path, source):
    d = json.load(open(path))
    out = []
    for o in d["observations"] + d.get("unmatched", []):
        if o["source"] != source:
            continue
        f = o.get("fields", {})
        t = {"thingId": o["ref"], "attributes": {}, "features": {}}
        if "ip" in f:
            t["attributes"]["network"] = {"ip": f["ip"]}
        if "zone" in f:
            t["attributes"]["securityZone"] = f["zone"]
        for name, key, prop in (("status", "status", "state"), ("firmware", "firmware", "version"),
                                ("config", "config_checksum", "checksum")):
            if key in f:
                t["features"][name] = {"properties": {prop: f[key]}}
        for m, v in o.get("metrics", {}).items():
            t["features"][m] = {"properties": {"value": v["value"], "unit": v.get("unit", "")}}
        if o.get("observed_at"):
            t["_modified"] = o["observed_at"]
        out.append(t)
    return out


def generate(n):
    out = []
    for i in range(n):
        out.append({
            "thingId": "plant.b:asset-%06d" % i,
            "policyId": "plant.b:asset-%06d" % i,
            "attributes": {"manufacturer": "ACME", "serialNo": "SN-%08d" % i, "location": "line-%d/cell-%d" % (i % 40, i % 7),
                           "network": {"ip": "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255), "mac": "00:1b:44:%02x:%02x:%02x" % (i >> 16 & 255, i >> 8 & 255, i & 255)},
                           "securityZone": "line-%d-control" % (i % 40)},
            "features": {
                "status": {"properties": {"state": "running" if i % 13 else "idle", "since": "2026-05-04T06:00:12Z"}},
                "firmware": {"properties": {"version": "4.2.%d" % (i % 9)}, "desiredProperties": {"version": "4.2.8"}},
                "config": {"properties": {"checksum": "sha256:%064x" % (i * 2654435761)}},
                "temperature": {"properties": {"value": 40 + i % 30 + 0.5, "unit": "Cel"}},
                "vibration": {"properties": {"value": (i % 100) / 10, "unit": "mm/s"}},
            },
            "_revision": i % 5000,
            "_modified": "2026-05-04T09:%02d:%02dZ" % (i // 60 % 60, i % 60),
        })
    return out


class State:
    def __init__(self, args, things):
        self.args = args
        self.things = things
        self.requests = 0
        self.lock = threading.Lock()
        self.cache = {}
        self.log = open(args.log, "a") if args.log else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main

    def log_message(self, fmt, *args):
        pass

    def record(self):
        st = self.state
        with st.lock:
            st.requests += 1
            n = st.requests
            if st.log:
                auth = " [auth]" if self.headers.get("Authorization") else ""
                st.log.write("%s %s%s\n" % (self.command, self.path, auth))
                st.log.flush()
        return n

    def send(self, status, body, headers=(), content_type="application/json"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def refuse_write(self):
        self.record()
        self.send(405, '{"error": "read-only test server"}')

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse_write

    def authorized(self):
        a = self.state.args
        if not a.basic and not a.bearer:
            return True
        got = self.headers.get("Authorization", "")
        if a.basic and got == "Basic " + base64.b64encode(a.basic.encode()).decode():
            return True
        return bool(a.bearer) and got == "Bearer " + a.bearer

    def do_GET(self):
        n = self.record()
        a = self.state.args
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        if url.path == "/redirect":  # to another host name of this server
            return self.send(302, "", [("Location", q["to"][0])])
        page_no, items, nxt, link = self.page(url.path, q)
        if page_no is None:
            return self.send(404, '{"error": "not found"}')
        if not self.authorized():
            return self.send(401, '{"status": 401, "error": "unauthorized"}', [("WWW-Authenticate", 'Basic realm="ditto"')])
        fault = a.fault if (a.fault_page in (0, page_no)) else ""
        if fault == "500":
            return self.send(500, '{"error": "boom"}')
        if fault.startswith("503x") and n <= int(fault[4:]):
            return self.send(503, '{"error": "busy"}')
        if fault == "429" and n == 1:
            return self.send(429, '{"error": "slow down"}', [("Retry-After", "1")])
        if fault == "429-long":
            return self.send(429, '{"error": "slow down"}', [("Retry-After", "3600")])
        if fault == "slow":
            time.sleep(a.slow)
        if a.delay:
            time.sleep(a.delay)  # a real search backend's time per page
        body = self.body(url.path, items, nxt)
        headers = [("Link", link)] if link else []
        if fault == "truncated":
            # Promise more than is sent, then close: a cut connection.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "truncated-json":
            body = body[: len(body) // 2]
        if fault == "wrong-json":
            body = b'{"things": "not a list", "hint": "wrong shape"}'
        if fault == "not-json":
            body = b"<html><body>Login</body></html>"
        self.send(200, body, headers)

    def page(self, path, q):
        """(page number, things, next cursor, Link header) of a request; None for an unknown path."""
        things = self.state.things
        if path == "/api/2/search/things" or path == "/generic/cursor":
            size, cursor = 25, 0
            for opt in ",".join(q.get("option", [])).replace("),", ");").split(";"):
                if opt.startswith("size("):
                    size = int(opt[5:-1])
                elif opt.startswith("cursor("):
                    cursor = int(opt[7:-1].lstrip("c"))
            if "limit" in q:
                size = int(q["limit"][0])
            if "cursor" in q:
                cursor = int(q["cursor"][0].lstrip("c"))
            nxt = "c%d" % (cursor + size) if cursor + size < len(things) else None
            return cursor // size + 1, (cursor, cursor + size), nxt, None
        if path in ("/generic/link", "/generic/pages"):
            page, per = int(q.get("page", ["1"])[0]), int(q.get("per_page", ["10"])[0])
            start = (page - 1) * per
            link = None
            if start + per < len(things) and path == "/generic/link":
                link = '</generic/link?page=%d&per_page=%d>; rel="next", </generic/link?page=1>; rel="first"' % (page + 1, per)
            return page, (start, start + per), None, link
        return None, None, None, None

    def body(self, path, span, nxt):
        key = (path, span, nxt)
        st = self.state
        if key in st.cache:
            return st.cache[key]
        items = st.things[span[0]:span[1]]
        if path == "/api/2/search/things":
            doc = {"items": items}
            if nxt:
                doc["cursor"] = nxt
        else:
            items = [generic_item(t) for t in items]
            doc = {"data": items, "next": nxt} if path == "/generic/cursor" else items
        body = json.dumps(doc, separators=(",", ":")).encode()
        st.cache[key] = body
        return body


def generic_item(t):
    f = t.get("features", {})
    return {"name": t["thingId"].split(":")[-1],
            "state": f.get("status", {}).get("properties", {}).get("state"),
            "net": {"address": t.get("attributes", {}).get("network", {}).get("ip")},
            "sw": f.get("firmware", {}).get("properties", {}).get("version"),
            "updated": t.get("_modified"),
            "telemetry": {k: v["properties"]["value"] for k, v in f.items() if "value" in v.get("properties", {})}}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--things")
    p.add_argument("--from-snapshot")
    p.add_argument("--source", default="ditto-main")
    p.add_argument("--generate", type=int, default=0)
    p.add_argument("--basic", help="USER:PASSWORD")
    p.add_argument("--bearer", help="TOKEN")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--tls-client-ca", help="require a client certificate signed by this CA (mutual TLS)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (::1 for IPv6 loopback)")
    p.add_argument("--fault", default="", help="500, 503xN, 429, 429-long, slow, truncated, truncated-json, wrong-json, not-json")
    p.add_argument("--fault-page", type=int, default=0, help="only this page (1-based); 0 = every page")
    p.add_argument("--slow", type=float, default=5.0)
    p.add_argument("--delay", type=float, default=0.0, help="seconds per request (the benchmark's slow server)")
    p.add_argument("--log")
    a = p.parse_args()
    if a.things:
        d = json.load(open(a.things))
        things = d["items"] if isinstance(d, dict) else d
    elif a.from_snapshot:
        things = things_from_snapshot(a.from_snapshot, a.source)
    else:
        things = generate(a.generate)
    Handler.state = State(a, things)
    if ":" in a.host:
        ThreadingHTTPServer.address_family = socket.AF_INET6
    srv = ThreadingHTTPServer((a.host, a.port), Handler)
    srv.daemon_threads = True
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        if a.tls_client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(a.tls_client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
