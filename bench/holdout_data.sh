#!/usr/bin/env bash
# Held-out real data for the detectors (bench/RESULTS.md, "Held-out data"): the NAB files and SKAB
# experiments that bench/real_data.sh's sets do not hold, so a change tuned on those can be checked
# on series it never saw. Builds, from local clones of github.com/numenta/NAB (MIT) and
# github.com/waico/SKAB (GPL-3.0), neither bundled here:
#   OUT/nab-holdout   every NAB file not in DATASETS_DIR/nab, with its labelled windows
#   OUT/skab-holdout  SKAB valve2, other and anomaly-free
#   bench/holdout_data.sh NAB_CLONE SKAB_CLONE DATASETS_DIR OUT
# e.g. git clone https://github.com/numenta/NAB /tmp/NAB; git clone https://github.com/waico/SKAB /tmp/SKAB
#      bench/holdout_data.sh /tmp/NAB /tmp/SKAB ../shared/datasets ../shared/datasets
# bench/real_data.sh then scores OUT/nab-holdout and OUT/skab-holdout too when they exist.
set -euo pipefail
nab=${1:?NAB clone}; skab=${2:?SKAB clone}; have=${3:?datasets dir with nab/}; out=${4:?output dir}
for f in "$nab/labels/combined_windows.json" "$skab/data/valve2" "$have/nab/labels/combined_windows.json"; do
  [ -e "$f" ] || { echo "missing $f" >&2; exit 2; }
done
python3 - "$nab" "$have/nab" "$out/nab-holdout" <<'PY'
import json, os, shutil, sys
nab, have, out = sys.argv[1:]
windows = json.load(open(os.path.join(nab, "labels", "combined_windows.json")))
known = set(json.load(open(os.path.join(have, "labels", "combined_windows.json"))))
held = {name: w for name, w in windows.items() if name not in known}
for name in held:
    os.makedirs(os.path.join(out, "data", os.path.dirname(name)), exist_ok=True)
    shutil.copyfile(os.path.join(nab, "data", name), os.path.join(out, "data", name))
os.makedirs(os.path.join(out, "labels"), exist_ok=True)
json.dump(held, open(os.path.join(out, "labels", "combined_windows.json"), "w"), indent=1)
print("%s: %d files, %d windows" % (out, len(held), sum(len(w) for w in held.values())))
PY
mkdir -p "$out/skab-holdout/data"
for d in valve2 other anomaly-free; do
  rm -rf "$out/skab-holdout/data/$d" && cp -r "$skab/data/$d" "$out/skab-holdout/data/$d"
done
echo "$out/skab-holdout: $(ls "$out"/skab-holdout/data/*/*.csv | wc -l) experiment files"
