#!/usr/bin/env bash
# Maintenance plans written by hand the way a maintenance planner writes them: one plan without a
# name, several named tasks; overdue (TWIN203) and due soon (TWIN204) in validate with their file:line,
# in the audit's due list next to certificates; bad plans are exit 2 at their line.
source "$(dirname "$0")/lib.sh"
RUN_DIR=$WORK
mkdir -p "$WORK/twin/assets"
printf 'apiVersion: twinctl/v1\nkind: Twin\nid: plant-m\nname: Plant M\n' >"$WORK/twin/twin.yaml"
cat >"$WORK/twin/assets/line-2.yaml" <<'YAML'
apiVersion: twinctl/v1
kind: Asset
id: press-04
name: Transfer press 4
class: machine
criticality: high
maintenance:
  - task: lubrication
    last: 2026-11-01
    interval: P30D          # due 2026-12-01: 5 days overdue on the 6th
  - task: hydraulic-overhaul
    last: 2025-12-15
    interval: P1Y           # due 2026-12-15: in 9 days
  - {task: die-inspection, last: 2026-10-01, interval: P6M}
---
apiVersion: twinctl/v1
kind: Asset
id: conveyor-2
name: Conveyor 2
class: machine
maintenance: {last: 2026-06-06, interval: P6M}   # due 2026-12-06: today
YAML

run validate --twin twin --now 2026-12-06T08:00:00Z -o json=v.json -o table
expect_rc 0 "validate (maintenance findings are medium and low; the default gate is high)"
expect_out "maintenance task lubrication was due on 2026-12-01 (5 days overdue; last done 2026-11-01, interval P30D)"
expect_out "maintenance task hydraulic-overhaul is due on 2026-12-15 (in 9 days)"
expect_out "maintenance was due on 2026-12-06 (today; last done 2026-06-06, interval P6M)"
expect_no_out "die-inspection"
jq -e '[.findings[] | [.rule, .severity, .asset, .field, .location.line]] ==
       [["TWIN203", "medium", "conveyor-2", "maintenance", 21],
        ["TWIN203", "medium", "press-04", "maintenance:lubrication", 8],
        ["TWIN204", "low", "press-04", "maintenance:hydraulic-overhaul", 11]]' "$WORK/v.json" >/dev/null ||
  fail "findings: $(jq -c '[.findings[] | [.rule, .severity, .asset, .field, .location]]' "$WORK/v.json")"

run validate --twin twin --now 2026-12-06T08:00:00Z --fail-on medium
expect_rc 1 "an overdue maintenance fails a --fail-on medium gate"

# The twin's own window: 30 days ahead finds the die inspection? No: it is due 2027-04-01.
printf 'apiVersion: twinctl/v1\nkind: Twin\nid: plant-m\nname: Plant M\ndefaults: {maintenance_due_soon: P120D}\n' \
  >"$WORK/twin/twin.yaml"
run validate --twin twin --now 2026-12-06T08:00:00Z -o json=v120.json
expect_rc 0 "validate with a 120-day window"
jq -e '[.findings[] | select(.rule == "TWIN204") | .field] | sort ==
       ["maintenance:die-inspection", "maintenance:hydraulic-overhaul"]' "$WORK/v120.json" >/dev/null ||
  fail "maintenance_due_soon: $(jq -c '[.findings[] | [.rule, .field]]' "$WORK/v120.json")"

# The audit lists maintenance in its due list, by due date.
run audit --twin twin --no-history --now 2026-12-06T08:00:00Z -o json=a.json -o markdown=a.md
expect_rc 0 "audit"
jq -e '[.audit.due[] | [.due_on, .asset, .kind, .item]] | .[0:3] ==
       [["2026-12-01", "press-04", "maintenance", "lubrication"], ["2026-12-06", "conveyor-2", "maintenance", ""],
        ["2026-12-15", "press-04", "maintenance", "hydraulic-overhaul"]]' "$WORK/a.json" >/dev/null ||
  fail "audit due list: $(jq -c '.audit.due' "$WORK/a.json")"
grep -q "| 2026-12-01 | press-04 | maintenance | lubrication | -5 |" "$WORK/a.md" || fail "markdown due row: $(grep maintenance "$WORK/a.md")"

# Mistakes a planner makes: two plans without names, a task named twice, no interval, a bad date.
bad() { # FILE-CONTENT EXPECTED-MESSAGE
  rm -rf "$WORK/bad" && mkdir -p "$WORK/bad/assets"
  printf 'apiVersion: twinctl/v1\nkind: Twin\nid: plant-m\nname: Plant M\n' >"$WORK/bad/twin.yaml"
  printf '%s\n' "$1" >"$WORK/bad/assets/a.yaml"
  run validate --twin bad --now 2026-12-06T08:00:00Z
  expect_rc 2 "bad maintenance: $2"
  expect_err "$2"
}
head='apiVersion: twinctl/v1
kind: Asset
id: pump-1
name: Pump 1
class: machine
maintenance:'
bad "$head
  - {last: 2026-01-01, interval: P30D}
  - {last: 2026-02-01, interval: P90D}" "assets/a.yaml:7:"
bad "$head
  - {task: seals, last: 2026-01-01, interval: P30D}
  - {task: seals, last: 2026-02-01, interval: P90D}" "duplicate maintenance task 'seals'"
bad "$head {last: 2026-01-01}" "assets/a.yaml:6:"
bad "$head {last: 2026-13-01, interval: P30D}" "assets/a.yaml:6:"
bad "$head {last: 2026-01-01, interval: P30D, every: 3}" "every"
finish
