#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium (Debian `chromium`)
# opens it from file:// and tests/support/chromium_check.py checks, through the
# DevTools protocol, that there are no console errors, no network requests at
# all, the charts with one point per run, and that it prints. A missing
# Chromium fails the test. TWINCTL_UPDATE_GOLDEN=1 also rewrites the example
# screenshot docs/report-example.png.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-yaml and python3-websocket
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (scripts/install-deps.sh)" >&2; exit 1; }
"$PY" -c 'import websocket' || { echo "FAIL: python3-websocket is not installed (scripts/install-deps.sh)" >&2; exit 1; }
CHECK="$SRC/tests/support/chromium_check.py"

"$PY" "$SRC/tests/support/history_fixture.py" "$WORK/history.db"
run report --history "$WORK/history.db" --site plant-a -o html="$WORK/report.html"
expect_rc 0 "report of the example history"
shot=()
if [ "${TWINCTL_UPDATE_GOLDEN:-}" = 1 ]; then
  shot=(--screenshot "$SRC/docs/report-example.png" --clip 0,1300) # the summary and the trend
fi
"$PY" "$CHECK" "$WORK/report.html" --points 30 --pdf --text "Audit report — Plant A" --text "Who to contact" \
  "${shot[@]}" || fail "the example report in Chromium"

# Hostile strings are shown as the text they are, and nothing runs or loads.
"$PY" "$SRC/tests/support/history_fixture.py" --hostile "$WORK/hostile.db"
run report --history "$WORK/hostile.db" --site plant-a -o html="$WORK/hostile.html"
expect_rc 0 "report of hostile strings"
"$PY" "$CHECK" "$WORK/hostile.html" --points 30 \
  --text "<script>alert('pwned')</script> status is fault" \
  --text "\"><img src=x onerror=alert(1)> firmware drift" \
  --text "<style>body{display:none}</style>" || fail "the hostile report in Chromium"

# One run only: the charts still draw (a flat band, one point).
"$PY" "$SRC/tests/support/history_fixture.py" --runs 1 "$WORK/one.db"
run report --history "$WORK/one.db" --site plant-a -o html="$WORK/one.html"
expect_rc 0 "report of a single run"
"$PY" "$CHECK" "$WORK/one.html" --points 1 || fail "the single-run report in Chromium"
finish
