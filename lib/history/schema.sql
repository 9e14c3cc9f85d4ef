-- The twinctl history database (`twinctl audit --history DB`), schema version 3.
-- One file, SQLite, WAL. `audit` writes each run in one transaction; `history`
-- and `report` read. Times are RFC 3339 UTC strings ("2026-12-02T02:00:00Z"),
-- the run's --now. This file is compiled into twinctl (lib/history).
PRAGMA user_version = 3;
-- Every statement is idempotent (IF NOT EXISTS): an older database is brought
-- up to date by running this file again (lib/history/open.cpp). Version 2 added
-- the health tables at the end, version 3 the oee table.

CREATE TABLE IF NOT EXISTS runs (
  id          INTEGER PRIMARY KEY,   -- 1, 2, 3 ... in the order runs committed
  started_at  TEXT NOT NULL,         -- the run's --now
  site        TEXT NOT NULL,         -- twin.yaml site id
  site_name   TEXT NOT NULL DEFAULT '',
  twin_commit TEXT,                  -- NULL when the twin is not read from Git
  ref         TEXT,
  live        TEXT NOT NULL DEFAULT '', -- the --live arguments, credentials redacted, joined by ' '
  exit_code   INTEGER NOT NULL,      -- what the audit exited with (0, 1 or 3)
  incomplete  INTEGER NOT NULL,      -- 1 when a live source failed
  coverage    REAL,                  -- percent of monitored assets observed; NULL without live state
  assets      INTEGER NOT NULL,
  critical    INTEGER NOT NULL,      -- open (unsuppressed) findings of this run by severity
  high        INTEGER NOT NULL,
  medium      INTEGER NOT NULL,
  low         INTEGER NOT NULL,
  info        INTEGER NOT NULL,
  suppressed  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS run_sources (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  ok     INTEGER NOT NULL,
  error  TEXT,
  items  INTEGER,
  PRIMARY KEY (run_id, name)
);

-- One row per finding fingerprint ever seen: its lifecycle. Descriptive columns
-- are those of the latest sighting.
CREATE TABLE IF NOT EXISTS findings (
  fingerprint    TEXT PRIMARY KEY,
  rule           TEXT NOT NULL,
  kind           TEXT NOT NULL,      -- changed|missing|unmanaged|unobserved|stale|policy|expiry
  severity       TEXT NOT NULL,      -- critical|high|medium|low|info
  asset          TEXT NOT NULL DEFAULT '',
  field          TEXT NOT NULL DEFAULT '',
  message        TEXT NOT NULL,
  zone           TEXT NOT NULL DEFAULT '', -- the asset's zone id
  line           TEXT NOT NULL DEFAULT '', -- id of the space of type line that holds the asset, else its space
  team           TEXT NOT NULL DEFAULT '', -- the owning team id
  file           TEXT NOT NULL DEFAULT '', -- repo-relative YAML path
  file_line      INTEGER,
  first_seen_run INTEGER NOT NULL,
  first_seen_at  TEXT NOT NULL,
  last_seen_run  INTEGER NOT NULL,
  last_seen_at   TEXT NOT NULL,
  resolved_run   INTEGER,            -- the first run that no longer saw it; NULL while open
  resolved_at    TEXT,
  reopened       INTEGER NOT NULL DEFAULT 0, -- times it came back after being resolved
  -- Added by the audit branch: the site the finding belongs to (a run resolves
  -- only its own site's findings, and prune keeps working after old runs are
  -- gone), and when the current episode began (the run that saw it new or
  -- reopened): "open for N days" and time to resolve count from here.
  site           TEXT NOT NULL DEFAULT '',
  opened_at      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS findings_open ON findings(resolved_run);
CREATE INDEX IF NOT EXISTS findings_asset ON findings(asset);
CREATE INDEX IF NOT EXISTS findings_site ON findings(site);

-- What each run said of each finding. state: new | open | reopened (seen by this
-- run) or resolved (seen by the previous run, not by this one).
CREATE TABLE IF NOT EXISTS run_findings (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  state       TEXT NOT NULL,
  severity    TEXT NOT NULL,
  suppressed  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, fingerprint)
);

-- Incidents of the run (rca over the assets live state shows failed), ranked.
CREATE TABLE IF NOT EXISTS incidents (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  rank        INTEGER NOT NULL,      -- 1 = most likely root first
  root        TEXT NOT NULL,         -- asset id of the root cause
  score       REAL NOT NULL,
  affected    INTEGER NOT NULL,      -- failed assets it explains
  explanation TEXT NOT NULL,
  team        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, rank)
);

-- Certificates, calibrations and maintenance overdue or due soon, as of the run.
CREATE TABLE IF NOT EXISTS due (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  asset     TEXT NOT NULL,
  kind      TEXT NOT NULL,           -- certificate | calibration | maintenance
  item      TEXT NOT NULL,           -- certificate id or sensor id
  due_on    TEXT NOT NULL,           -- YYYY-MM-DD
  days_left INTEGER NOT NULL         -- negative when overdue
);

-- The twin's teams at the run, for "who to contact".
CREATE TABLE IF NOT EXISTS contacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  team   TEXT NOT NULL,
  name   TEXT NOT NULL DEFAULT '',
  lead   TEXT NOT NULL DEFAULT '',
  email  TEXT NOT NULL DEFAULT '',
  chat   TEXT NOT NULL DEFAULT '',
  oncall TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, team)
);

-- Version 2: the health of each run's assets (lib/health, as `twinctl health`
-- computes it from the run's findings, --alerts and --readings).
-- The inputs and thresholds of the run's health.
CREATE TABLE IF NOT EXISTS health_runs (
  run_id        INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  warn_below    REAL NOT NULL,       -- the policy's warning score
  risk_above    REAL NOT NULL,       -- the policy's risk threshold
  drift_checked INTEGER NOT NULL,    -- 1 when live state was read (the drift component counts)
  alerts        INTEGER NOT NULL,    -- 1 when --alerts was given
  readings      INTEGER NOT NULL,    -- readings read (availability, degradation); 0 without --readings
  window_from   TEXT,                -- the readings' first and last time; NULL without readings
  window_to     TEXT
);

-- The roll-ups: the site, each line and each cell (criticality-weighted mean of its assets).
CREATE TABLE IF NOT EXISTS health_scores (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  level       TEXT NOT NULL,         -- site | line | cell
  id          TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  score       REAL NOT NULL,         -- 0..100
  assets      INTEGER NOT NULL,
  warnings    INTEGER NOT NULL,      -- assets under warn_below
  at_risk     INTEGER NOT NULL,      -- assets with a risk over risk_above
  worst_asset TEXT NOT NULL DEFAULT '',
  worst_score REAL NOT NULL,
  PRIMARY KEY (run_id, level, id)
);

-- Every asset's score; risk is NULL without a fitted sensor.
CREATE TABLE IF NOT EXISTS health_assets (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  asset       TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  criticality TEXT NOT NULL DEFAULT '',
  line        TEXT NOT NULL DEFAULT '',
  cell        TEXT NOT NULL DEFAULT '',
  team        TEXT NOT NULL DEFAULT '',
  score       REAL NOT NULL,
  risk        REAL,
  warning     INTEGER NOT NULL,
  at_risk     INTEGER NOT NULL,
  trend       TEXT NOT NULL DEFAULT '', -- the riskiest sensor's trend in words ("temp crosses 85 Cel in 6-11 days")
  PRIMARY KEY (run_id, asset)
);

-- Why: the components of every asset that lost points (an asset at 100 has none
-- stored: each of its components took nothing off).
CREATE TABLE IF NOT EXISTS health_components (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  asset     TEXT NOT NULL,
  component TEXT NOT NULL,           -- drift | alerts | availability | compliance | maintenance | degradation
  weight    REAL NOT NULL,
  penalty   REAL NOT NULL,
  has_data  INTEGER NOT NULL,
  why       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, asset, component)
);

-- Version 3: OEE over the audit's readings (lib/oee, as `replay -o oee` computes
-- it) for the assets with `production:`: one row per asset (line: its line, or
-- '') and one per line (asset ''), totals over the readings' span
-- (health_runs.window_from/to). Seconds are of planned production time.
CREATE TABLE IF NOT EXISTS oee (
  run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  line           TEXT NOT NULL,
  asset          TEXT NOT NULL,      -- '' for the line's row
  planned_s      REAL NOT NULL,      -- planned production time with a known state
  run_s          REAL NOT NULL,
  down_s         REAL NOT NULL,      -- breakdowns and unplanned stops (fault, stopped, offline)
  setup_s        REAL NOT NULL,      -- setup, changeover, maintenance
  idle_s         REAL NOT NULL,      -- idle, waiting, starved, blocked
  small_stop_s   REAL NOT NULL,      -- running, but the part counter stood still (2 ideal cycles or more)
  no_data_s      REAL NOT NULL,      -- planned time without a state (not in planned_s)
  planned_stop_s REAL NOT NULL,      -- the ShiftCalendar's planned stops (not in planned_s)
  total          INTEGER NOT NULL,   -- parts
  good           INTEGER NOT NULL,
  reject         INTEGER NOT NULL,
  ideal_s        REAL NOT NULL,      -- ideal cycle x parts
  speed_loss_s   REAL,               -- running time beyond ideal x parts and small stops; NULL without running time
  quality_loss_s REAL,               -- ideal cycle x rejects; NULL without parts
  startup_reject INTEGER NOT NULL DEFAULT 0, -- rejects at startup (before the first good part after a stop, setup or breakdown)
  startup_loss_s REAL,               -- ideal cycle x startup rejects (part of quality_loss_s)
  availability   REAL,
  performance    REAL,
  quality        REAL,
  oee            REAL,               -- NULL when a factor is unknown
  PRIMARY KEY (run_id, line, asset)
);
