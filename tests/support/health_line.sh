# A line written by hand for the health tests (cli.health, cli.audit_health): a press whose bearing
# temperature creeps towards its alarm limit (known slope, so a known crossing time), a pump that is
# steady, a conveyor that stops a fifth of the time and whose maintenance is overdue, and an alert
# stream with one active alert. Source it after tests/cli/lib.sh; health_line DIR writes DIR/twin,
# DIR/readings.csv (14 days every 5 minutes up to 2026-12-04T00:00Z) and DIR/alerts.jsonl.
health_line() {
  local dir=$1
  mkdir -p "$dir/twin/assets" "$dir/twin/policy"
cat >"$dir/twin/twin.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Twin
id: plant-h
name: Plant H
YAML
cat >"$dir/twin/spaces.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Space
id: line-3
name: Line 3
type: line
---
apiVersion: twinctl/v1
kind: Space
id: cell-3a
name: Cell 3A
type: cell
parent: line-3
YAML
cat >"$dir/twin/assets/line-3.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: press-31
name: Press 31
class: machine
criticality: high
located_in: cell-3a
sensors:
  - id: bearing-temp
    type: temperature
    unit: Cel
    thresholds: {high_warn: 80, high_alarm: 85}
---
apiVersion: twinctl/v1
kind: Asset
id: pump-32
name: Coolant pump 32
class: utility
located_in: cell-3a
live: {mqtt: plant-h/line-3/pump-32}
sensors:
  - {id: motor-temp, type: temperature, unit: Cel, thresholds: {high_alarm: 90}}
---
apiVersion: twinctl/v1
kind: Asset
id: conveyor-33
name: Conveyor 33
class: machine
located_in: line-3
maintenance: {last: 2026-09-01, interval: P90D}
sensors:
  - {id: state, type: status}
YAML

# 14 days of readings every 5 minutes up to 2026-12-04T00:00Z. The press's bearing rises 1.5 Cel a
# day from 60 (daily swing of 2, noise 0.5): at the end it is near 81, so its daily peak (83)
# crosses 85 in about 1.3 days. The pump is flat at 50 under its readings' binding name. The conveyor runs 4 hours in 5.
python3 - "$dir/readings.csv" <<'PY'
import math, random, sys, datetime
random.seed(7)
start = datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc)
with open(sys.argv[1], "w") as f:
    f.write("timestamp,machineId,sensorType,value,unit,quality\n")
    for i in range(14 * 288):
        t = start + datetime.timedelta(minutes=5 * i)
        ts = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        d = i / 288
        f.write("%s,press-31,bearing-temp,%.3f,Cel,good\n" % (ts, 60 + 1.5 * d + 2 * math.sin(2 * math.pi * d) + random.gauss(0, 0.5)))
        f.write("%s,plant-h/line-3/pump-32,motor-temp,%.3f,Cel,good\n" % (ts, 50 + 2 * math.sin(2 * math.pi * d) + random.gauss(0, 0.5)))
        f.write("%s,conveyor-33,state,%s,,good\n" % (ts, "stopped" if (i // 12) % 5 == 4 else "running"))
PY
cat >"$dir/alerts.jsonl" <<'JSONL'
{"ts":"2026-12-02T06:00:00Z","asset":"pump-32","sensor":"motor-temp","detector":"stuck","event":"raise","severity":"warning","value":50.1,"message":"stuck"}
{"ts":"2026-12-02T09:00:00Z","asset":"pump-32","sensor":"motor-temp","detector":"stuck","event":"clear","severity":"warning","message":"cleared"}
{"ts":"2026-12-03T20:00:00Z","asset":"pump-32","sensor":"flow","detector":"threshold","event":"raise","severity":"critical","value":2.0,"message":"flow low"}
JSONL
}
