#!/usr/bin/python3
"""Score `twinctl replay` alerts against the ground truth of `twinctl simulate sensors`.

    sensor_quality.py TRUTH.csv ALERTS.jsonl --sensors N --hours H [--clean-alerts FILE]
                      [--check] [--markdown]

A fault counts as detected when a `raise` on the same asset and sensor falls
in [start - 1 s, end + 10 min] (a gap or stuck alert may fire after the fault
began; a spike is one reading). Detection delay = first such raise - start.
A raise that matches no fault is a false alert. --clean-alerts gives the
alerts of a fault-free run of the same sensors: false alerts per sensor-day.
--check exits 1 unless recall >= 0.9 for spike, step, stuck and dropout and
clean data has <= 1 false alert per sensor-day.
"""
import argparse
import csv
import datetime
import json
import sys
from collections import defaultdict

SLACK = 600.0
BARS = ("spike", "step", "stuck", "dropout")
# Robustness faults: handled by counting/dropping them, no alert expected.
NO_ALERT = ("out_of_order", "duplicate")


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def load_raises(path):
    raises = defaultdict(list)
    with open(path) as f:
        for line in f:
            a = json.loads(line)
            if a["event"] == "raise":
                raises[(a["asset"], a["sensor"])].append((ts(a["ts"]), a["detector"]))
    return raises


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("alerts")
    ap.add_argument("--sensors", type=int, required=True)
    ap.add_argument("--hours", type=float, required=True)
    ap.add_argument("--clean-alerts")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    faults = list(csv.DictReader(open(args.truth)))
    raises = load_raises(args.alerts)
    used = set()
    per_kind = defaultdict(lambda: {"n": 0, "hit": 0, "delays": []})
    for f in faults:
        key = (f["machineId"], f["sensorType"])
        start, end = ts(f["start"]), ts(f["end"])
        k = per_kind[f["kind"]]
        k["n"] += 1
        hits = [(t, d, i) for i, (t, d) in enumerate(raises.get(key, [])) if start - 1 <= t <= end + SLACK]
        for t, d, i in hits:
            used.add((key, i))
        if hits:
            k["hit"] += 1
            k["delays"].append(min(t for t, _, _ in hits) - start)
    per_det = defaultdict(lambda: [0, 0])  # detector -> [true, all]
    false_alerts = 0
    for key, lst in raises.items():
        for i, (t, d) in enumerate(lst):
            per_det[d][1] += 1
            if (key, i) in used:
                per_det[d][0] += 1
            else:
                false_alerts += 1
    sensor_days = args.sensors * args.hours / 24
    ok = True
    print("| fault kind | injected | detected | recall | mean delay s |")
    print("|---|---|---|---|---|")
    for kind in sorted(per_kind):
        k = per_kind[kind]
        recall = k["hit"] / k["n"]
        delay = sum(k["delays"]) / len(k["delays"]) if k["delays"] else float("nan")
        note = " (no alert expected: counted in the summary)" if kind in NO_ALERT else ""
        print(f"| {kind}{note} | {k['n']} | {k['hit']} | {recall:.2f} | {delay:.0f} |")
        if kind in BARS and recall < 0.9:
            ok = False
            print(f"FAIL: recall of {kind} {recall:.2f} < 0.9", file=sys.stderr)
    print()
    print("| detector | raises | matching a fault | precision |")
    print("|---|---|---|---|")
    for d in sorted(per_det):
        t, n = per_det[d]
        print(f"| {d} | {n} | {t} | {t / n:.2f} |")
    total = sum(n for _, n in per_det.values())
    print(f"\noverall precision {((total - false_alerts) / total if total else 1):.3f}; "
          f"{false_alerts} unmatched raises = {false_alerts / sensor_days:.3f} per sensor-day")
    if args.clean_alerts:
        clean = sum(len(v) for v in load_raises(args.clean_alerts).values())
        rate = clean / sensor_days
        print(f"clean data: {clean} raises on {sensor_days:.1f} sensor-days = {rate:.3f} false alerts per sensor-day")
        if rate > 1:
            ok = False
            print(f"FAIL: {rate:.3f} false alerts per sensor-day > 1", file=sys.stderr)
    for kind in BARS:
        if kind not in per_kind:
            ok = False
            print(f"FAIL: no {kind} fault injected", file=sys.stderr)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
