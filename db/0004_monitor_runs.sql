-- The monitor's own heartbeat: one row per run of the app, written at start-up, refreshed by a
-- periodic beat and closed at shutdown. Time that no run covers is time nobody was watching:
-- state_intervals reports it as UNKNOWN, never as DOWN.
CREATE TABLE monitor_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at    timestamptz NOT NULL DEFAULT now(),
    last_beat_at  timestamptz NOT NULL DEFAULT now(),
    stopped_at    timestamptz,                  -- NULL: still running, or ended without a clean stop
    beat_every    interval    NOT NULL DEFAULT interval '30 seconds' CHECK (beat_every > interval '0'),
    host_name     text,
    pid           integer,
    CHECK (last_beat_at >= started_at),
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
);

CREATE INDEX monitor_runs_started_at ON monitor_runs (started_at);

-- What each run covers. A run with no stop whose last beat is older than three beat periods is
-- "lost" (crashed, killed, machine gone): it covers up to its last beat only.
CREATE VIEW monitor_coverage AS
SELECT r.id AS run_id,
       r.started_at,
       r.last_beat_at,
       r.stopped_at,
       s.run_state,
       tstzrange(r.started_at,
                 CASE s.run_state
                     WHEN 'stopped' THEN r.stopped_at
                     WHEN 'running' THEN greatest(now(), r.last_beat_at)
                     ELSE r.last_beat_at
                 END) AS covered
FROM monitor_runs r
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN r.stopped_at IS NOT NULL THEN 'stopped'
               WHEN r.last_beat_at >= now() - 3 * r.beat_every THEN 'running'
               ELSE 'lost'
           END AS run_state
) s;

-- Everything any run covered, as one multirange (two instances may overlap).
CREATE FUNCTION hc_monitor_coverage()
RETURNS tstzmultirange
LANGUAGE sql
STABLE
AS $$
    SELECT coalesce(range_agg(covered), '{}'::tstzmultirange) FROM monitor_coverage
$$;
