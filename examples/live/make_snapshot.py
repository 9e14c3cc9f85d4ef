#!/usr/bin/env python3
"""Regenerates examples/live/snapshot.json from examples/factory: every monitored
asset observed as intended, then one drift of each kind injected (see DRIFT below).
Run from the repository root: python3 examples/live/make_snapshot.py"""
import glob, json, os, yaml

TAKEN_AT = "2026-05-04T09:42:00Z"
FRESH = "2026-05-04T09:41:07Z"

assets = {}
for path in sorted(glob.glob("examples/factory/assets/**/*.yaml", recursive=True)):
    with open(path) as f:
        for doc in yaml.load_all(f, Loader=yaml.BaseLoader):
            if doc and doc.get("kind") == "Asset":
                doc["_path"] = path
                assets[doc["id"]] = doc

# Assets whose live state comes from the utilities' Azure IoT Hub, which fails in this snapshot.
AZURE = {a for a in assets if assets[a]["_path"].startswith("examples/factory/assets/utilities/")}

observations = []
for aid, a in sorted(assets.items()):
    expected = a.get("expected") or {}
    live = a.get("live") or {}
    if not expected and not live:
        continue
    if aid in AZURE:
        continue
    fields = {k: v for k, v in expected.items()}
    if a.get("zone"):
        fields["zone"] = a["zone"]
    if "ditto" in live:
        source, ref = "ditto-main", live["ditto"]
    elif "mqtt" in live:
        source, ref = "mqtt-lines", live["mqtt"]
    else:
        source, ref = "ditto-main", "plant.a:" + aid
    observations.append({"asset": aid, "source": source, "ref": ref, "observed_at": FRESH,
                         "online": True, "fields": fields, "metrics": {}})

by_id = {o["asset"]: o for o in observations}

def field(aid, name, value):
    by_id[aid]["fields"][name] = value

# --- DRIFT: one of each kind -------------------------------------------------
field("plc-l2-01", "status", "FAULT")                 # TWIN101 high: running -> fault
field("hmi-l1-01", "ip", "10.21.2.99")                # TWIN102 ip changed
field("press-01", "firmware", "V4.12.1")             # TWIN103 behind the intended 4.12.3
field("hmi-l2-01", "firmware", "12.011")              # TWIN103, suppressed by policy/ignore.yaml
field("robot-l2-01", "config_checksum",               # TWIN104 config changed
      "sha256:" + "0f" * 32)
field("gw-l2-opcua", "zone", "line-2-control")        # TWIN105 zone drift (critical)
by_id["cnc-l3-02"]["observed_at"] = "2026-05-04T07:40:00Z"   # TWIN108 stale
observations.remove(by_id["robot-l2-03"])             # TWIN106 missing (Ditto-bound, Ditto was read)
unmatched = [{"source": "mqtt-lines", "ref": "plant-a/line-1/rpi-4b-7f3a/state", "observed_at": FRESH,
              "fields": {"ip": "10.21.1.250", "status": "running"}}]  # TWIN107 unmanaged
# Equivalent forms that typed comparison must NOT flag:
field("plc-l1-01", "status", "RUN")                   # status alias
field("drv-l1-01", "firmware", "v" + by_id["drv-l1-01"]["fields"]["firmware"].lstrip("vV"))  # v prefix
field("plc-l3-01", "config_checksum", by_id["plc-l3-01"]["fields"]["config_checksum"].upper())  # upper-case hex

sources = [
    {"name": "azure-utilities", "adapter": "azure-twin", "endpoint": "https://plant-a-utilities.azure-devices.net",
     "ok": False, "items": 0, "error": "HTTP 503 Service Unavailable after 3 attempts"},
    {"name": "ditto-main", "adapter": "ditto", "endpoint": "https://ditto.plant-a.example.com", "ok": True,
     "items": sum(1 for o in observations if o["source"] == "ditto-main"), "error": None},
    {"name": "mqtt-lines", "adapter": "plain-json", "endpoint": "mqtt://broker.plant-a.example.com:1883", "ok": True,
     "items": 1 + sum(1 for o in observations if o["source"] == "mqtt-lines"), "error": None},
]
observations.sort(key=lambda o: (o["asset"], o["source"], o["ref"]))
doc = {"format": "twinctl-live/v1", "taken_at": TAKEN_AT, "sources": sources, "observations": observations,
       "unmatched": unmatched}
with open("examples/live/snapshot.json", "w") as f:
    json.dump(doc, f, indent=2, sort_keys=True)
    f.write("\n")
print(len(observations), "observations")
