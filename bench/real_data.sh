#!/usr/bin/env bash
# Detection quality of `replay` on real recorded data (bench/RESULTS.md, "Detection on real data"):
# NAB (30 labelled series, NAB's own scoring) and SKAB valve1 (16 pump-rig experiments,
# point-wise F1 / false-alarm / missed-alarm rates), with the default detectors and no flags.
#   bench/real_data.sh BUILD_DIR [DATASETS_DIR] [EVAL_DIR]
# The datasets and scorers are not part of the repository (their licences): point at a copy,
# by default ../shared/datasets and ../shared/eval next to the checkout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?build dir}
data=${2:-$here/../shared/datasets}
eval=${3:-$here/../shared/eval}
tw=$(cd "$build" && pwd)/twinctl
for f in "$data/nab/labels/combined_windows.json" "$data/skab/data/valve1" "$eval/nab_eval.py" "$eval/skab_eval.py"; do
  [ -e "$f" ] || { echo "missing $f (datasets and scorers are not bundled)" >&2; exit 2; }
done
echo "== NAB ($data/nab), default detectors"
python3 "$eval/nab_eval.py" "$data/nab" "$tw" | tail -1
echo "== SKAB valve1 ($data/skab), default detectors"
python3 "$eval/skab_eval.py" "$data/skab" "$tw" | tail -1
# The held-out sets of bench/holdout_data.sh, when they are there.
if [ -e "$data/nab-holdout/labels/combined_windows.json" ]; then
  echo "== NAB held-out ($data/nab-holdout), default detectors"
  python3 "$eval/nab_eval.py" "$data/nab-holdout" "$tw" | tail -1
fi
if [ -d "$data/skab-holdout/data" ]; then
  echo "== SKAB held-out ($data/skab-holdout), default detectors"
  python3 "$eval/skab_eval.py" "$data/skab-holdout" "$tw" | tail -2
fi
