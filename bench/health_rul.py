#!/usr/bin/env python3
"""How close `twinctl health` comes to known crossing times, and how often it sees a trend that is not there.

    bench/health_rul.py TWINCTL [SEED]

Generates one twin with 300 sensors and 14 days of readings each, then runs `twinctl health` once
and compares its trends with the truth:
- 200 drifting sensors: a slope towards high_alarm (crossing 0.5 to 20 days after the last reading),
  a daily cycle of 0 to 3 units, white noise 0.2 to 1.5 and a slow AR(1) wander, sampled every 1, 5
  or 15 minutes, with 0 to 5 % of readings missing. The true crossing is when the noise-free level
  plus the daily cycle first reaches the limit.
- 100 steady sensors: the same without the slope, half of them with a stronger wander (a random
  walk that looks like a trend over days): every 'rising' verdict there is a false trend.
Prints the median and 90th percentile of |estimated - true| crossing time (days, and relative to the
true time), how often the true time falls inside the printed interval, how many drifts were missed
('no trend'), and the false trend rate on steady sensors. Deterministic for a seed.
"""
import json, math, os, random, subprocess, sys, tempfile

def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    twinctl = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    work = tempfile.mkdtemp(prefix="health-rul-")
    os.makedirs(work + "/twin/assets")
    open(work + "/twin/twin.yaml", "w").write("apiVersion: twinctl/v1\nkind: Twin\nid: rul\nname: RUL bench\n")
    end = 1796342400  # 2026-12-04T00:00:00Z
    days = 14
    truth = {}
    docs = []
    rows = []
    for i in range(300):
        drifting = i < 200
        name = "m-%03d" % i
        step = rng.choice([60, 300, 900])
        swing = rng.uniform(0, 3)
        noise = rng.uniform(0.2, 1.5)
        wander = rng.uniform(0.05, 0.3) if (drifting or i % 2 == 0) else rng.uniform(0.3, 0.8)
        base = rng.uniform(40, 60)
        limit = base + rng.uniform(15, 30)
        phase = rng.uniform(0, 2 * math.pi)
        if drifting:
            cross_after = rng.uniform(0.5, 20)
            # The level at the end puts the peak (level + swing) cross_after days from the limit.
            slope = (limit - swing - base) / (days + cross_after)
        else:
            slope = 0
        docs.append("apiVersion: twinctl/v1\nkind: Asset\nid: %s\nname: %s\nclass: machine\nsensors:\n"
                    "  - {id: temp, type: temperature, unit: Cel, thresholds: {high_alarm: %.3f}}\n" % (name, name, limit))
        ar = 0.0
        t = end - days * 86400
        while t < end:
            d = (t - (end - days * 86400)) / 86400
            ar = 0.98 * ar + rng.gauss(0, wander)
            if rng.random() >= 0.05 * (i % 3) / 2:
                v = base + slope * d + swing * math.sin(2 * math.pi * d + phase) + ar + rng.gauss(0, noise)
                rows.append((t, name, v))
            t += step
        if drifting:
            # First time the noise-free level + cycle reaches the limit after the last reading.
            x = 0.0
            while x < 60:
                dd = days + x
                if base + slope * dd + swing * math.sin(2 * math.pi * dd + phase) >= limit:
                    break
                x += 1 / 288
            truth[name] = x
        else:
            truth[name] = None
    open(work + "/twin/assets/all.yaml", "w").write("---\n".join(docs))
    rows.sort()
    with open(work + "/readings.csv", "w") as f:
        f.write("timestamp,machineId,sensorType,value,unit,quality\n")
        for t, name, v in rows:
            f.write("%d,%s,temp,%.4f,Cel,good\n" % (t, name, v))
    out = subprocess.run([twinctl, "health", "--twin", work + "/twin", "--readings", work + "/readings.csv",
                          "--fail-on", "none", "-o", "json=" + work + "/health.json"], capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return 1
    doc = json.load(open(work + "/health.json"))
    errs, rels, inside, missed, false_trend, steady = [], [], 0, 0, 0, 0
    for a in doc["assets"]:
        t = a["trends"][0] if a["trends"] else None
        true = truth[a["asset"]]
        if true is None:
            steady += 1
            false_trend += bool(t and t["trend"] == "rising")
            continue
        if not t or not t["crossing"]:
            missed += 1
            continue
        est = t["crossing"]["expected_days"]
        errs.append(abs(est - true))
        rels.append(abs(est - true) / true)
        lo, hi = t["crossing"]["earliest_days"], t["crossing"]["latest_days"]
        inside += lo <= true and (hi is None or true <= hi)
    errs.sort(); rels.sort()
    q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))]
    n = len(errs)
    print("drifting sensors: %d, crossing estimated for %d, missed (no trend) %d" % (200, n, missed))
    print("|error| days: median %.2f, p90 %.2f; relative: median %.0f %%, p90 %.0f %%" %
          (q(errs, 0.5), q(errs, 0.9), 100 * q(rels, 0.5), 100 * q(rels, 0.9)))
    print("true crossing inside the printed interval: %.0f %%" % (100 * inside / max(n, 1)))
    print("steady sensors: %d, false 'rising' trends: %d (%.1f %%)" % (steady, false_trend, 100 * false_trend / steady))
    return 0

if __name__ == "__main__":
    sys.exit(main())
