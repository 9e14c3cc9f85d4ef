#!/usr/bin/env python3
"""A Git smart-HTTP server on loopback behind HTTP Basic auth (stdlib + git).

Serves the repositories below --root through `git http-backend` (CGI), the way a
Git host does, and answers 401 with a Basic challenge unless the request carries
--user/--password. Logs each request as "METHOD PATH auth=yes|no" to --log, so
a test can see that credentials were sent in a header. Prints the port it
listens on (a free one) as its first line of stdout.
"""
import argparse, base64, os, subprocess, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    expected = "Basic " + base64.b64encode(f"{a.user}:{a.password}".encode()).decode()
    log = open(a.log, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def serve(self):
            ok = self.headers.get("Authorization") == expected
            log.write(f"{self.command} {self.path} auth={'yes' if ok else 'no'}\n")
            if not ok:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="plant"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            url = urlsplit(self.path)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    chunk = self.rfile.read(size + 2)[:size]  # the chunk and its CRLF
                    if size == 0:
                        break
                    body += chunk
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            env = dict(os.environ, GIT_PROJECT_ROOT=a.root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=url.path,
                       QUERY_STRING=url.query, REQUEST_METHOD=self.command, REMOTE_USER=a.user,
                       CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)))
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            status = 200
            headers = []
            for line in head.decode().split("\r\n"):
                k, _, v = line.partition(":")
                if k.lower() == "status":
                    status = int(v.split()[0])
                elif k:
                    headers.append((k, v.strip()))
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = serve
        do_POST = serve

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
