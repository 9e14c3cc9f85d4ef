#!/usr/bin/python3
"""Writes a twinctl history database (lib/history/schema.sql) as `twinctl audit`
would after weeks of nightly runs, for the `twinctl report` tests and the
example report.

The assets, zones, lines and teams are those of examples/factory; each night a
seeded random walk opens, resolves and reopens findings with the lifecycle
bookkeeping of the schema (findings, run_findings with new/open/reopened/
resolved), and records sources (two incomplete nights), incidents, due
certificates and calibrations, and contacts. Two sites share the database
(plant-a, plant-b) so per-site selection is exercised.

  history_fixture.py OUT.db [--runs 30] [--seed 7] [--hostile] [--findings N]
                            [--empty] [--user-version V]
"""
import argparse
import datetime as dt
import glob
import hashlib
import os
import random
import sqlite3
import sys

import yaml

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RULES = [  # rule, kind, field, severity, message template
    ("TWIN101", "changed", "status", "high", "status is {live}, intended running"),
    ("TWIN102", "changed", "ip", "high", "IP address is 10.20.{a}.{b}, intended 10.20.{a}.{c}"),
    ("TWIN103", "changed", "firmware", "medium", "firmware {live} is behind the intended 4.2.1"),
    ("TWIN104", "changed", "config_checksum", "high", "configuration checksum differs from the approved sha256:9f2c…"),
    ("TWIN105", "changed", "zone", "critical", "seen in zone {zone2}, intended {zone}"),
    ("TWIN106", "missing", "", "medium", "not seen by any live source that was read"),
    ("TWIN108", "stale", "", "low", "last observation is {age} minutes old (stale after 15)"),
    ("TWIN202", "expiry", "certificate", "medium", "certificate {cert} expires in {days} days"),
    ("TWIN302", "policy", "", "info", "data flow skips a Purdue level ({zone} → enterprise)"),
]
HOSTILE = [
    "<script>alert('pwned')</script> status is fault",
    "\"><img src=x onerror=alert(1)> firmware drift",
    "| broken | table | **bold** [link](http://evil.example/x) `code` # heading",
    "line one\nline two </td></tr></table><h1>injected</h1>",
    "<style>body{display:none}</style><link rel=stylesheet href=http://evil.example/x.css>",
]


def load_factory():
    assets = []
    for path in sorted(glob.glob(os.path.join(SRC, "examples/factory/assets/*/*.yaml"))):
        doc = yaml.safe_load(open(path))
        folder = os.path.basename(os.path.dirname(path))
        line = folder if folder.startswith("line-") else doc.get("located_in", "")
        assets.append({
            "id": doc["id"], "zone": doc.get("zone", ""), "team": doc.get("owned_by", ""), "line": line,
            "file": os.path.relpath(path, os.path.join(SRC, "examples/factory")),
            "sensors": [s["id"] for s in doc.get("sensors", []) or []],
            "certs": [c["id"] for c in doc.get("certificates", []) or []],
        })
    teams = []
    for path in sorted(glob.glob(os.path.join(SRC, "examples/factory/teams/*.yaml"))):
        doc = yaml.safe_load(open(path))
        teams.append((doc["id"], doc.get("name", ""), doc.get("lead", ""), doc.get("email", ""),
                      str(doc.get("chat", "")), str(doc.get("oncall", ""))))
    return assets, teams


def fingerprint(site, asset, field, rule):
    return hashlib.sha256(f"{site}/{asset}/{field}/{rule}".encode()).hexdigest()[:16]


def make_pool(rng, site, assets, size, hostile):
    pool = []
    for i in range(size):
        a = assets[rng.randrange(len(assets))]
        rule, kind, field, sev, tmpl = RULES[rng.randrange(len(RULES))]
        if field == "certificate":
            field = "certificate:" + (a["certs"][0] if a["certs"] else f"TLS-{a['id']}")
        field_key = field or f"#{i}"
        msg = tmpl.format(live=rng.choice(["fault", "offline", "4.1.9", "4.2.0"]), a=rng.randrange(1, 9),
                          b=rng.randrange(10, 250), c=rng.randrange(10, 250), zone=a["zone"] or "none",
                          zone2="line-2-control", age=rng.randrange(16, 400), cert=f"TLS-{a['id']}",
                          days=rng.randrange(1, 30))
        if hostile and i < len(HOSTILE):
            msg = HOSTILE[i]
        fp = fingerprint(site, a["id"], field_key, rule)
        if any(p["fp"] == fp for p in pool):
            continue
        pool.append({"fp": fp, "rule": rule, "kind": kind, "sev": sev, "asset": a["id"], "field": field,
                     "msg": msg, "zone": a["zone"], "line": a["line"], "team": a["team"], "file": a["file"],
                     "file_line": rng.randrange(3, 40), "suppressed": rng.random() < 0.04})
    if hostile:
        pool[0]["asset"] = "<b>press-01</b>"
        pool[0]["team"] = "<i>controls</i>"
        pool[1]["zone"] = "</svg><script>x()</script>"
    return pool


def simulate_site(rng, site, name, pool, runs, start_open, sticky=0):
    """Yields, per night, the set of fingerprints seen (a random walk); the first
    `sticky` findings never resolve."""
    keep = set(p["fp"] for p in pool[:sticky])
    seen = set(p["fp"] for p in pool[:start_open])
    closed = [p["fp"] for p in pool[start_open:]]
    ever = set(seen)
    nights = []
    for night in range(runs):
        if night > 0:
            for fp in sorted(seen):
                if fp not in keep and rng.random() < 0.07:
                    seen.discard(fp)
            for fp in list(closed):
                if fp in ever and fp not in seen and rng.random() < 0.03:
                    seen.add(fp)  # reopened
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                fresh = [fp for fp in closed if fp not in ever]
                if fresh:
                    fp = fresh[0]
                    seen.add(fp)
                    ever.add(fp)
        nights.append(sorted(seen))
    return nights


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hostile", action="store_true", help="hostile strings in messages, ids, site names")
    ap.add_argument("--findings", type=int, default=0, help="a huge pool of findings with long messages")
    ap.add_argument("--empty", action="store_true", help="the schema only, no runs")
    ap.add_argument("--user-version", type=int, default=None)
    args = ap.parse_args()

    if os.path.exists(args.out):
        os.remove(args.out)
    db = sqlite3.connect(args.out)
    db.executescript(open(os.path.join(SRC, "lib/history/schema.sql")).read())
    db.execute("PRAGMA journal_mode = WAL")
    if args.user_version is not None:
        db.execute(f"PRAGMA user_version = {args.user_version}")
    if args.empty:
        db.commit()
        return

    rng = random.Random(args.seed)
    assets, teams = load_factory()
    sites = [("plant-a", "Plant A — stamping, body welding and machining", 90, 24),
             ("plant-b", "Plant B — paint shop", 40, 10)]
    if args.hostile:
        sites[0] = ("plant-a", "Plant <A> & \"Sons\" <script>alert(2)</script>", 90, 24)
    if args.findings:
        sites[0] = (sites[0][0], sites[0][1], args.findings, args.findings * 3 // 4)
    plans = {}
    for site, name, size, start in sites:
        pool = make_pool(rng, site, assets, size, args.hostile and site == "plant-a")
        if args.findings and site == "plant-a":
            for p in pool:
                p["msg"] = (p["msg"] + " — ") * 40  # long messages
        plans[site] = (name, {p["fp"]: p for p in pool}, simulate_site(rng, site, name, pool, args.runs, start,
                                                         len(HOSTILE) if args.hostile and site == "plant-a" else 0))

    base = dt.datetime(2026, 11, 2, 2, 0, 0, tzinfo=dt.timezone.utc)
    state = {site: {} for site in plans}  # fp -> lifecycle dict
    previous = {site: set() for site in plans}
    run_id = 0
    for night in range(args.runs):
        for k, site in enumerate(plans):
            run_id += 1
            name, pool, nights = plans[site]
            when = (base + dt.timedelta(days=night, minutes=20 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")
            seen = set(nights[night])
            incomplete = site == "plant-a" and night in (11, 26)
            sources = [("ditto-main", 1, None, 54), ("mqtt-line2", 0 if incomplete else 1,
                        "connection refused (mqtt://10.20.0.5:8883)" if incomplete else None, None if incomplete else 17)]
            if args.hostile and site == "plant-a":
                sources.append(("<script>src()</script>", 0, "<b>boom</b> & \"quotes\"", None))
            counts = {s: 0 for s in ("critical", "high", "medium", "low", "info")}
            suppressed = 0
            rows = []
            for fp in sorted(seen):
                p = pool[fp]
                life = state[site].get(fp)
                if life is None:
                    st = "new"
                    life = state[site][fp] = {"first_run": run_id, "first_at": when, "resolved_run": None,
                                              "resolved_at": None, "reopened": 0}
                elif fp in previous[site]:
                    st = "open"
                else:
                    st = "reopened"
                    life["reopened"] += 1
                life["resolved_run"] = None
                life["resolved_at"] = None
                life["last_run"], life["last_at"] = run_id, when
                rows.append((run_id, fp, st, p["sev"], int(p["suppressed"])))
                if p["suppressed"]:
                    suppressed += 1
                else:
                    counts[p["sev"]] += 1
            for fp in sorted(previous[site] - seen):
                life = state[site][fp]
                life["resolved_run"], life["resolved_at"] = run_id, when
                rows.append((run_id, fp, "resolved", pool[fp]["sev"], int(pool[fp]["suppressed"])))
            previous[site] = seen
            gate = 1 if counts["critical"] + counts["high"] else 0
            db.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (run_id, when, site, name, "3f9c2a71d0be4c55e8a9b6d2f1c0e7a4b3d2c1f0", "origin/main",
                        "ditto-main mqtt://10.20.0.5:8883/plant/#", 3 if incomplete else gate, int(incomplete),
                        88.9 if incomplete else 96.8 + (night % 3) * 0.8, len(assets), counts["critical"],
                        counts["high"], counts["medium"], counts["low"], counts["info"], suppressed))
            db.executemany("INSERT INTO run_sources VALUES (?,?,?,?,?)", [(run_id,) + s for s in sources])
            db.executemany("INSERT INTO run_findings VALUES (?,?,?,?,?)", rows)
            for fp in sorted(seen | set(f for f in state[site] if f not in seen)):
                p, life = pool[fp], state[site][fp]
                # site and opened_at: the columns `audit` added to version 1 (opened_at approximated
                # by the first sighting; the report counts days open from run_findings).
                db.execute("INSERT OR REPLACE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (fp, p["rule"], p["kind"], p["sev"], p["asset"], p["field"], p["msg"], p["zone"],
                            p["line"], p["team"], p["file"], p["file_line"], life["first_run"], life["first_at"],
                            life["last_run"], life["last_at"], life["resolved_run"], life["resolved_at"],
                            life["reopened"], site, life["first_at"]))
            if site == "plant-a" and night % 4 != 2:
                incidents = [(1, "sw-l2-ctl", 41.7, 6, "switch sw-l2-ctl down: plc-l2-01, hmi-l2-01, drv-l2-01, "
                              "robot-l2-01..03 lost their network path at the same time", "ot-network")]
                if night % 3 == 0:
                    incidents.append((2, "ups-l1-01", 12.3, 2, "UPS ups-l1-01 on battery alarm; hmi-l1-01 and "
                                      "gw-l1-opcua powered from it are offline", "maintenance"))
                if args.hostile:
                    incidents.append((3, "<script>root()</script>", 1.5, 1, "<img src=x onerror=alert(3)>", "ot-apps"))
                db.executemany("INSERT INTO incidents VALUES (?,?,?,?,?,?,?)", [(run_id,) + i for i in incidents])
            day = (base + dt.timedelta(days=night)).date()
            due = []
            for j, a in enumerate(assets):
                items = [("certificate", c) for c in a["certs"]] + [("calibration", s) for s in a["sensors"]]
                for kind, item in items:
                    on = dt.date(2026, 11, 20) + dt.timedelta(days=(j * 7) % 60 - 10)
                    left = (on - day).days
                    if left <= 30 and (j + len(item)) % 3 == 0:
                        due.append((run_id, a["id"], kind, item, on.isoformat(), left))
            db.executemany("INSERT INTO due VALUES (?,?,?,?,?,?)", due)
            team_rows = [(run_id,) + t for t in teams]
            if args.hostile:
                team_rows = [(run_id, t[0], "<em>" + t[1] + "</em>", t[2], "<script>mail()</script>", t[4], t[5])
                             for t in teams]
            db.executemany("INSERT INTO contacts VALUES (?,?,?,?,?,?,?)", team_rows)
    db.commit()
    db.close()


if __name__ == "__main__":
    sys.exit(main())
