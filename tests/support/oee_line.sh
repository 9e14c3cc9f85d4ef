# The hand-written OEE line of cli.oee and cli.audit_oee, with its known answer: Plant O, line-2, a
# press (fault, changeover, lunch stop, slow cycle, rejects, a counter reset) and a welder on Monday
# 2026-12-07. Source it after tests/cli/lib.sh; oee_line DIR writes DIR/twin and DIR/readings.csv.
oee_line() {
  local dir=$1
  mkdir -p "$dir/twin/assets" "$dir/twin/policy"
cat >"$dir/twin/twin.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Twin
id: plant-o
name: Plant O
---
apiVersion: twinctl/v1
kind: Space
id: line-2
name: Line 2
type: line
YAML
cat >"$dir/twin/policy/shifts.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: ShiftCalendar
utc_offset: "+01:00"
shifts:
  - {name: early, start: "06:00", end: "14:00"}
  - {name: late, start: "14:00", end: "22:00"}
planned_stops:
  - {name: lunch, start: "11:30", end: "12:00", days: [mon, tue, wed, thu, fri]}
  - {name: weekend, days: [sat, sun]}
YAML
cat >"$dir/twin/assets/line-2.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: press-21
name: Press 21
class: machine
located_in: line-2
sensors:
  - {id: state, type: status}
  - {id: good-parts, type: counter}
  - {id: rejects, type: counter}
production: {ideal_cycle: 30, good: good-parts, reject: rejects}
---
apiVersion: twinctl/v1
kind: Asset
id: weld-22
name: Welder 22
class: machine
located_in: line-2
live: {mqtt: plant-o/line-2/weld-22}
sensors:
  - {id: mode, type: status}
  - {id: parts, type: counter}
production: {ideal_cycle: PT20S, total: parts, status: mode}
YAML

# Monday 2026-12-07, local time (+01:00), a reading a minute from 05:00 to 23:00 local.
# press-21, early shift (planned 06:00-14:00 less lunch = 450 min): runs 06:00-08:00, fault 08:00-08:30,
# runs 08:30-11:30, lunch, setup 12:00-13:00, runs 13:00-14:00: 360 min running -> A = 0.8. A part every
# 40 s while running (ideal 30 s) -> P = 0.75; one part in 20 is a reject -> Q = 0.95; OEE 0.57.
# Late shift: runs 14:00-18:00 at the ideal 30 s, idle to 22:00, no rejects -> A 0.5, P 1, Q 1 (the
# counters read at 14:00 carry the early shift's last minute: a part and a reject, within tolerance).
# weld-22: runs the whole early shift but lunch at 20 s a part (its ideal), stopped from 14:00.
python3 - "$dir/readings.csv" <<'PY'
import sys, datetime
tz = datetime.timezone(datetime.timedelta(hours=1))
day = datetime.datetime(2026, 12, 7, tzinfo=tz)
def press_state(m):  # minutes after local midnight
    if m < 360: return "stopped"
    if m < 480: return "running"
    if m < 510: return "fault"
    if m < 690: return "running"
    if m < 720: return "stopped"
    if m < 780: return "setup"
    if m < 1080: return "running"
    if m < 1320: return "idle"
    return "stopped"
def weld_state(m):
    return "running" if 360 <= m < 840 and not 690 <= m < 720 else "stopped"
run_p = run_w = 0.0
with open(sys.argv[1], "w") as f:
    f.write("timestamp,machineId,sensorType,value,unit,quality\n")
    reset_at = None
    for m in range(300, 1381):
        ts = (day + datetime.timedelta(minutes=m)).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        cycle = 40 if m <= 840 else 30
        parts = int(run_p / cycle) if m <= 840 else int(run_p_early / 40) + int((run_p - run_p_early) / 30)
        if m == 840: run_p_early = run_p
        rejects = parts // 20 if m <= 840 else int(run_p_early / 40) // 20
        good = parts - rejects
        if m >= 600 and reset_at is None: reset_at = good   # the PLC resets its good counter at 10:00
        shown = good - reset_at if reset_at is not None else good
        f.write("%s,press-21,state,%s,,good\n" % (ts, press_state(m)))
        f.write("%s,press-21,good-parts,%d,,good\n" % (ts, shown))
        f.write("%s,press-21,rejects,%d,,good\n" % (ts, rejects))
        f.write("%s,plant-o/line-2/weld-22,mode,%s,,good\n" % (ts, weld_state(m)))
        f.write("%s,plant-o/line-2/weld-22,parts,%d,,good\n" % (ts, int(run_w / 20)))
        run_p += 60 if press_state(m) == "running" else 0
        run_w += 60 if weld_state(m) == "running" else 0
PY
}
