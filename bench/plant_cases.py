#!/usr/bin/env python3
"""Hand-written plant series, the way an engineer draws them, with the fault known: does `replay`
with the default detectors find the fault, and how many false raises does it make?
  bench/plant_cases.py TWINCTL_BIN [OUT_DIR]
Cases (random noise with a fixed seed; readings as a historian exports them):
  bearing  a pump bearing read every 15 min for 30 days; 55 C while the plant runs (weekdays
           06:00-22:00), 30 C otherwise; from day 25 08:00 it drifts +8 C over 12 h and stays.
  motor    a conveyor motor read every minute for 14 days; 40 A from 06:00 to 22:00, off at night,
           a 120 A inrush for the first 3 minutes of every morning; a jam on day 10 14:00-14:20 (75 A).
  compressor  discharge pressure every second for 6 h, loading and unloading every 30 s (7.0-7.5
           bar); at 4 h the unloader fails and the pressure climbs to 8.2 bar.
  tank     a batch tank's level every minute for 10 days: fills to 80 % in 100-140 min, holds 30-60
           min, drains in 10, idles 20-40; on day 9 it leaks while holding (-0.2 %/min). Expected to
           be missed by the level alone: the leak is slower than every fill and drain (it needs
           the valves' state: a multivariate model with them).
Prints per case: raises before the fault (false), whether the fault raised and how late."""
import datetime, json, os, random, subprocess, sys, tempfile

T0 = 1767225600  # 2026-01-01T00:00:00Z, a Thursday


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def bearing(rng):
    rows, fault = [], T0 + 25 * 86400 + 8 * 3600
    for i in range(30 * 96):
        t = T0 + i * 900
        day, hour = i // 96, (i % 96) / 4
        run = 6 <= hour < 22 and (day + 3) % 7 < 5
        v = (55 if run else 30) + rng.gauss(0, 0.6)
        if t >= fault:
            v += min(8, (t - fault) / 3600 * 8 / 12)
        rows.append((t, "pump-3", "bearing-temp", v, "Cel"))
    return rows, fault, fault + 86400


def motor(rng):
    rows, fault = [], T0 + 10 * 86400 + 14 * 3600
    for i in range(14 * 1440):
        t = T0 + i * 60
        m = i % 1440
        v = 40 + rng.gauss(0, 1.2) if 360 <= m < 1320 else 0.0
        if 360 <= m < 363:
            v = 120 + rng.gauss(0, 5)
        if fault <= t < fault + 1200:
            v = 75 + rng.gauss(0, 2)
        rows.append((t, "conveyor-2", "motor-current", v, "A"))
    return rows, fault, fault + 1200


def compressor(rng):
    rows, fault = [], T0 + 4 * 3600
    for i in range(6 * 3600):
        t, ph = T0 + i, i % 60
        v = 7.0 + (ph / 30 * 0.5 if ph < 30 else (60 - ph) / 30 * 0.5)
        if t >= fault:
            v = min(8.2, 7.5 + (t - fault) * 0.01)
        rows.append((t, "comp-1", "pressure", v + rng.gauss(0, 0.02), "bar"))
    return rows, fault, fault + 3600


def tank(rng):
    rows, t, fault = [], 0, None
    def put(v):
        nonlocal t
        rows.append((T0 + t * 60, "tank-2", "level", v, "%"))
        t += 1
    while t < 10 * 1440:
        fill, hold, idle = rng.randint(100, 140), rng.randint(30, 60), rng.randint(20, 40)
        for k in range(fill):
            put(80 * (k + 1) / fill + rng.gauss(0, 0.15))
        level, leak = 80.0, fault is None and t > 8 * 1440
        if leak:
            fault = T0 + t * 60
        for k in range(hold):
            level -= 0.2 if leak else 0
            put(level + rng.gauss(0, 0.15))
        for k in range(10):
            put(level * (9 - k) / 10 + rng.gauss(0, 0.15))
        for k in range(idle):
            put(abs(rng.gauss(0, 0.15)))
    return rows, fault, fault + 3600


def main(tw, out):
    rng = random.Random(7)
    for name, make in (("bearing", bearing), ("motor", motor), ("compressor", compressor), ("tank", tank)):
        rows, fault, fault_end = make(rng)
        path = os.path.join(out, name + ".csv")
        with open(path, "w") as f:
            f.write("timestamp,machineId,sensorType,value,unit,quality\n")
            for t, m, s, v, u in rows:
                f.write("%s,%s,%s,%.2f,%s,good\n" % (iso(t), m, s, v, u))
        r = subprocess.run([tw, "replay", path, "-o", "alerts=-", "--fail-on", "none", "-q"],
                           capture_output=True, text=True, check=True)
        raises = [json.loads(l) for l in r.stdout.splitlines() if '"raise"' in l]
        stamp = lambda a: datetime.datetime.fromisoformat(a["ts"].replace("Z", "+00:00")).timestamp()
        before = [a for a in raises if stamp(a) < fault]
        found = [a for a in raises if fault <= stamp(a) <= fault_end]
        late = "%.1f h after it started" % ((stamp(found[0]) - fault) / 3600) if found else "MISSED"
        first_days = sum(1 for a in before if stamp(a) < T0 + 3 * 86400)
        print("%-10s %d false raises before the fault (%d of them in the first 3 days), fault: %s" % (
            name, len(before), first_days, late))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as d:
        main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else d)
