#!/usr/bin/python3
"""Opens an HTML report from file:// in headless Chromium, driven through the
DevTools protocol, and checks what a reader's browser would do with it:

- no console message of level error or warning, no uncaught exception, no
  log entry of level error (CSP violations and failed loads land there);
- no network request at all except the file itself;
- no <script> element; the charts are there: an <svg> per chart with the
  expected number of data points, each with a <title>;
- optional: texts that must appear verbatim in the rendered page (so an escaped
  hostile string shows as text), a full-page PNG screenshot and a PDF print;
- optional: sections (by id) that must be rendered with visible text, and
  nothing in them wider than the section (no table or chart overflows the page).

Fails (exit 1) when Chromium is missing: it is a test dependency, never skipped.

  chromium_check.py REPORT.html --points N [--health-points N] [--text T]... [--section ID]...
                    [--screenshot PNG] [--pdf]
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # Debian python3-websocket

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
         "--no-default-browser-check", "--hide-scrollbars", "--remote-debugging-port=0"]


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method, timeout=60):
        deadline = time.time() + timeout
        for e in self.events:
            if e["method"] == method:
                return e
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg
        raise RuntimeError(f"timed out waiting for {method}")

    def drain(self, seconds):
        self.ws.settimeout(0.2)
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                continue
            if "method" in msg:
                self.events.append(msg)
        self.ws.settimeout(60)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluating {expr}: {r['exceptionDetails']}")
        return r["result"].get("value")


def start_chromium(profile):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("FAIL: chromium is not installed (scripts/install-deps.sh installs Debian's chromium)")
    # Chromium leaves a directory of its own in TMPDIR each run: keep it in the profile, removed after.
    tmp = os.path.join(profile, "tmp")
    os.makedirs(tmp, exist_ok=True)
    proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, TMPDIR=tmp))
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 60
    while time.time() < deadline:
        if os.path.exists(port_file):
            lines = open(port_file).read().split("\n")
            if len(lines) >= 2 and lines[0].strip():
                return proc, int(lines[0])
        if proc.poll() is not None:
            sys.exit(f"FAIL: chromium exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    proc.kill()
    sys.exit("FAIL: chromium did not open its DevTools port within 60 s")


def page_target(port):
    deadline = time.time() + 30
    while time.time() < deadline:
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.2)
    sys.exit("FAIL: chromium has no page target")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("html")
    ap.add_argument("--points", type=int, required=True, help="data points expected in the trend chart")
    ap.add_argument("--text", action="append", default=[], help="text the rendered page must show verbatim")
    ap.add_argument("--section", action="append", default=[],
                    help="id of a <section> that must show text and fit the page width (no overflow)")
    ap.add_argument("--health-points", type=int, help="data points expected in the health trend chart")
    ap.add_argument("--screenshot")
    ap.add_argument("--clip", default="", help="Y,HEIGHT: the part of the page to take (default: all of it)")
    ap.add_argument("--pdf", action="store_true", help="print to PDF and check it has pages")
    args = ap.parse_args()
    url = "file://" + os.path.abspath(args.html)
    failures = []

    profile = tempfile.mkdtemp(prefix="twinctl-chromium-")
    proc, port = start_chromium(profile)
    try:
        page = Page(page_target(port))
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
        page.events.clear()
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        page.drain(1.0)  # late requests and messages

        for e in page.events:
            m, p = e["method"], e["params"]
            if m == "Network.requestWillBeSent" and p["request"]["url"] != url:
                failures.append(f"network request: {p['request']['url']}")
            elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
                failures.append(f"console {p['type']}: {p['args']}")
            elif m == "Runtime.exceptionThrown":
                failures.append(f"exception: {p['exceptionDetails']}")
            elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                failures.append(f"log {p['entry']['level']}: {p['entry']['text']} {p['entry'].get('url', '')}")
        requests = [e for e in page.events if e["method"] == "Network.requestWillBeSent"]
        if len(requests) != 1:
            failures.append(f"{len(requests)} requests, expected exactly 1 (the file itself)")

        facts = page.js("""({
          scripts: document.querySelectorAll('script').length,
          external: [...document.querySelectorAll('[src],[href],link,iframe,object,embed,img')].length,
          trend: !!document.querySelector('svg#trend[role=img] > title'),
          points: document.querySelectorAll('svg#trend circle.pt').length,
          titled: document.querySelectorAll('svg#trend circle.pt > title').length,
          areas: document.querySelectorAll('svg#trend path.area').length,
          bars: document.querySelectorAll('svg#churn rect').length,
          gridLabels: document.querySelectorAll('svg#trend .grid text').length,
          h1: document.querySelectorAll('h1').length,
          h2: [...document.querySelectorAll('h2')].map(h => h.textContent),
          headers: document.querySelectorAll('th[scope]').length,
          chartHeight: document.querySelector('svg#trend') ? document.querySelector('svg#trend').getBoundingClientRect().height : 0,
          text: document.body.innerText,
        })""")
        if facts["scripts"]:
            failures.append(f"{facts['scripts']} <script> elements")
        if facts["external"]:
            failures.append(f"{facts['external']} elements that load or link resources")
        if not facts["trend"]:
            failures.append("no trend chart (svg#trend with role=img and a <title>)")
        if facts["points"] != args.points or facts["titled"] != args.points:
            failures.append(f"trend chart has {facts['points']} points ({facts['titled']} titled), expected {args.points}")
        if facts["areas"] < 1 or facts["gridLabels"] < 2:
            failures.append(f"trend chart has {facts['areas']} areas and {facts['gridLabels']} axis labels")
        if facts["chartHeight"] < 100:
            failures.append(f"trend chart is {facts['chartHeight']} px high")
        if facts["h1"] != 1:
            failures.append(f"{facts['h1']} <h1> elements")
        for heading in ("Summary", "Drift trend", "Health", "OEE by line", "Oldest open findings", "Incidents and their root causes",
                        "Certificates, calibrations and maintenance due", "Who to contact"):
            if heading not in facts["h2"]:
                failures.append(f"no section '{heading}' (h2: {facts['h2']})")
        if facts["headers"] < 10:
            failures.append(f"only {facts['headers']} table headers with scope")
        for t in args.text:
            if t not in facts["text"]:
                failures.append(f"the page does not show: {t!r}")
        if args.health_points is not None:
            health = page.js("""({
              points: document.querySelectorAll('svg#health-trend circle.pt').length,
              titled: document.querySelectorAll('svg#health-trend circle.pt > title').length,
              warn: document.querySelectorAll('svg#health-trend line.warn').length,
              height: document.querySelector('svg#health-trend') ? document.querySelector('svg#health-trend').getBoundingClientRect().height : 0,
            })""")
            if health["points"] != args.health_points or health["titled"] != args.health_points:
                failures.append(f"health chart has {health['points']} points ({health['titled']} titled), expected {args.health_points}")
            if health["warn"] != 1 or health["height"] < 100:
                failures.append(f"health chart: {health['warn']} warning lines, {health['height']} px high")
        for sid in args.section:
            sec = page.js("""(() => {
              const s = document.getElementById(%s);
              if (!s) return null;
              const box = s.getBoundingClientRect();
              const wide = [...s.querySelectorAll('*')].filter(e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
              }).map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right));
              return {height: box.height, text: s.innerText.trim().length, wide: wide.slice(0, 5),
                      pageWide: document.documentElement.scrollWidth > document.documentElement.clientWidth};
            })()""" % json.dumps(sid))
            if sec is None:
                failures.append(f"no section #{sid}")
                continue
            if sec["height"] < 40 or sec["text"] < 40:
                failures.append(f"section #{sid} is not visible: {sec['height']} px, {sec['text']} characters")
            if sec["wide"] or sec["pageWide"]:
                failures.append(f"section #{sid} overflows: {sec['wide']} (page wider than the window: {sec['pageWide']})")

        if args.screenshot:
            height = page.js("Math.ceil(document.documentElement.scrollHeight)")
            page.call("Emulation.setDeviceMetricsOverride", width=1200, height=min(height, 16000),
                      deviceScaleFactor=1, mobile=False)
            params = {"format": "png", "captureBeyondViewport": True}
            if args.clip:
                y, h = (float(v) for v in args.clip.split(","))
                params["clip"] = {"x": 0, "y": y, "width": 1200, "height": h, "scale": 1}
            shot = page.call("Page.captureScreenshot", **params)
            open(args.screenshot, "wb").write(base64.b64decode(shot["data"]))
        if args.pdf:
            pdf = base64.b64decode(page.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)["data"])
            pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
            if not pdf.startswith(b"%PDF") or pages < 2:
                failures.append(f"print to PDF gave {len(pdf)} bytes, {pages} pages")
        page.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)

    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print(f"ok: {args.html}: {facts['points']} points, {facts['areas']} areas, {facts['bars']} bars, no requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
