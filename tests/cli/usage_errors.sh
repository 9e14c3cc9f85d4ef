#!/usr/bin/env bash
# Usage errors read as a person would say them: a bad choice lists the choices (and the closest
# one), a missing value says so, a word that is not a number is not called "out of range", and the
# value of an option is never taken for a mistyped command. Every one: "twinctl: error:", exit 2.
source "$(dirname "$0")/lib.sh"

run --color purple drift
expect_rc 2 "--color purple"
expect_err "twinctl: error: drift: --color: 'purple' is not one of auto, always, never"
[[ $ERR != *"unknown command"* ]] || fail "--color's value taken for a command: $ERR"

run drift --fail-on hihg --twin examples/factory --live examples/live/snapshot.json
expect_rc 2 "--fail-on hihg"
expect_err "twinctl: error: drift: --fail-on: 'hihg' is not one of critical, high, medium, low, info, none; did you mean high?"

run drift --live examples/live/snapshot.json --twin
expect_rc 2 "--twin without a value"
expect_err "twinctl: error: drift: --twin needs a value"

run graph --twin examples/factory --depth abc
expect_rc 2 "--depth abc"
expect_err "twinctl: error: graph: --depth: 'abc' is not a number"
[[ $ERR != *"out of range"* ]] || fail "'abc' called out of range: $ERR"

run graph --twin examples/factory --depth -1
expect_rc 2 "--depth -1"
expect_err "twinctl: error: graph: --depth: -1 is out of range: use a number of at least 0"

run replay --window 1e400 x.csv
expect_rc 2 "--window 1e400"
expect_err "out of range: use a number from 0.001 to 1000000000"
finish
