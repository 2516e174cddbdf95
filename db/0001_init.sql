-- HealthChecker schema, first version.
-- Durations are stored in milliseconds; times are timestamptz (UTC on the wire).
-- Never edit this file once applied: later changes go into 0002_*.sql and onwards.

CREATE TABLE targets (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text        NOT NULL CHECK (name <> '' AND length(name) <= 200),
    group_name    text        NOT NULL DEFAULT 'default' CHECK (group_name <> '' AND length(group_name) <= 200),
    kind          text        NOT NULL CHECK (kind IN ('tcp', 'expect', 'http', 'tls')),
    host          text        NOT NULL CHECK (host <> '' AND length(host) <= 253),
    port          integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    -- kind-specific settings: send/expect steps, HTTP method/path/expected status, TLS options
    options       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    inter_ms      integer     NOT NULL DEFAULT 2000 CHECK (inter_ms > 0),
    fastinter_ms  integer     CHECK (fastinter_ms > 0),          -- NULL: same as inter
    downinter_ms  integer     CHECK (downinter_ms > 0),          -- NULL: same as inter
    timeout_ms    integer     CHECK (timeout_ms > 0),            -- NULL: same as inter
    rise          integer     NOT NULL DEFAULT 2 CHECK (rise >= 1),
    fall          integer     NOT NULL DEFAULT 3 CHECK (fall >= 1),
    spread_pct    integer     NOT NULL DEFAULT 0 CHECK (spread_pct BETWEEN 0 AND 50),
    start_up      boolean     NOT NULL DEFAULT true,             -- a new target starts UP (health = rise) or DOWN
    enabled       boolean     NOT NULL DEFAULT true,             -- false: paused (maintenance), no checks
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_name, name)
);

-- One row per check. Partitioned by time so that retention drops whole partitions;
-- rows that no daily partition covers land in the default partition.
CREATE TABLE check_results (
    target_id    bigint      NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    checked_at   timestamptz NOT NULL,
    status       text        NOT NULL,   -- HAProxy's code: L4OK, L4CON, L4TOUT, L7STS, SOCKERR, ...
    passed       boolean     NOT NULL,
    duration_ms  integer     NOT NULL CHECK (duration_ms >= 0),
    http_code    smallint,               -- NULL unless an HTTP check got a status line
    info         text                    -- why, in words: "Connection refused", "TCPCHK did not match ..."
) PARTITION BY RANGE (checked_at);

CREATE TABLE check_results_default PARTITION OF check_results DEFAULT;

CREATE INDEX check_results_target_time ON check_results (target_id, checked_at DESC);

-- Each health state transition (UP -> DOWN, DOWN -> UP, to and from MAINT).
CREATE TABLE state_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_id   bigint      NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    from_state  text        NOT NULL CHECK (from_state IN ('UNKNOWN', 'UP', 'DOWN', 'MAINT')),
    to_state    text        NOT NULL CHECK (to_state   IN ('UNKNOWN', 'UP', 'DOWN', 'MAINT')),
    status      text,                    -- the status code of the check that caused the change
    info        text,
    duration_ms integer
);

CREATE INDEX state_changes_target_at ON state_changes (target_id, at DESC);
CREATE INDEX state_changes_at ON state_changes (at DESC);
