-- Views with stable names for people who query history in SQL (documented in docs/sql.md).
-- Days are UTC days throughout.

CREATE VIEW check_history AS
SELECT r.target_id,
       t.group_name,
       t.name AS target_name,
       t.kind,
       t.host,
       t.port,
       r.checked_at,
       r.status,
       r.passed,
       r.duration_ms,
       r.http_code,
       r.info
FROM check_results r
JOIN targets t ON t.id = r.target_id;

-- The helpers below are plpgsql on purpose: they carry a row estimate (ROWS 2). Written inline, the
-- planner assumes a hundred pieces and a thousand days per period, and spends a second compiling
-- (JIT) a query that takes milliseconds.

-- A state period split into the parts the monitor watched (keeping the state) and the parts it did
-- not (monitor_down: reported as UNKNOWN). MAINT is kept whole.
CREATE FUNCTION hc_watched_parts(period tstzrange, state text, watched tstzmultirange)
RETURNS TABLE (part tstzrange, monitor_down boolean)
LANGUAGE plpgsql IMMUTABLE ROWS 2
AS $$
BEGIN
    IF state = 'MAINT' THEN
        RETURN QUERY SELECT period, false WHERE NOT isempty(period);
        RETURN;
    END IF;

    RETURN QUERY SELECT w, false FROM unnest(tstzmultirange(period) * watched) AS w;
    RETURN QUERY SELECT u, true FROM unnest(tstzmultirange(period) - watched) AS u;
END
$$;

-- The parts of a period in each UTC day it touches, with their length in seconds.
CREATE FUNCTION hc_split_utc_days(period tstzrange)
RETURNS TABLE (day date, seconds double precision)
LANGUAGE plpgsql IMMUTABLE STRICT ROWS 2
AS $$
BEGIN
    RETURN QUERY
    SELECT g::date, extract(epoch FROM upper(x.part) - lower(x.part))::double precision
    FROM generate_series(date_trunc('day', lower(period) AT TIME ZONE 'UTC'), upper(period) AT TIME ZONE 'UTC', interval '1 day') AS g
    CROSS JOIN LATERAL (SELECT period * tstzrange(g AT TIME ZONE 'UTC', (g + interval '1 day') AT TIME ZONE 'UTC') AS part) x
    WHERE NOT isempty(x.part);
END
$$;

-- One row per state period. A period runs from a state change to the target's next one (the last
-- one to now). Its parts that no monitor run covers are reported as UNKNOWN; MAINT (paused by a
-- person) stays MAINT whether the monitor ran or not.
CREATE VIEW state_intervals AS
WITH periods AS (
    SELECT sc.id,
           sc.target_id,
           sc.to_state,
           sc.status,
           sc.info,
           next_at IS NULL AS is_last,
           tstzrange(sc.at, coalesce(next_at, greatest(now(), sc.at))) AS period
    FROM (
        SELECT s.*, lead(s.at) OVER (PARTITION BY s.target_id ORDER BY s.at, s.id) AS next_at
        FROM state_changes s
    ) sc
),
coverage AS (
    SELECT hc_monitor_coverage() AS watched
)
SELECT p.target_id,
       t.group_name,
       t.name AS target_name,
       CASE WHEN piece.monitor_down THEN 'UNKNOWN' ELSE p.to_state END AS state,
       piece.part AS period,
       lower(piece.part) AS started_at,
       upper(piece.part) AS ended_at,
       extract(epoch FROM upper(piece.part) - lower(piece.part))::double precision AS seconds,
       p.is_last AND upper(piece.part) = upper(p.period) AS ongoing,
       piece.monitor_down,
       p.id AS state_change_id,
       CASE WHEN piece.monitor_down THEN NULL ELSE p.status END AS status,
       CASE WHEN piece.monitor_down THEN 'monitor not running' ELSE p.info END AS info
FROM periods p
JOIN targets t ON t.id = p.target_id
CROSS JOIN coverage c
CROSS JOIN LATERAL hc_watched_parts(p.period, p.to_state, c.watched) AS piece;

-- Time-weighted availability per target per UTC day, from state_intervals split at midnight.
-- uptime_pct = up / (up + down): time in MAINT or UNKNOWN is left out of the denominator and
-- shown in its own columns.
CREATE VIEW availability_daily AS
SELECT si.target_id,
       si.group_name,
       si.target_name,
       d.day,
       coalesce(sum(d.seconds) FILTER (WHERE si.state = 'UP'), 0)      AS up_seconds,
       coalesce(sum(d.seconds) FILTER (WHERE si.state = 'DOWN'), 0)    AS down_seconds,
       coalesce(sum(d.seconds) FILTER (WHERE si.state = 'MAINT'), 0)   AS maint_seconds,
       coalesce(sum(d.seconds) FILTER (WHERE si.state = 'UNKNOWN'), 0) AS unknown_seconds,
       round((100 * sum(d.seconds) FILTER (WHERE si.state = 'UP')
              / nullif(sum(d.seconds) FILTER (WHERE si.state IN ('UP', 'DOWN')), 0))::numeric, 3) AS uptime_pct
FROM state_intervals si
CROSS JOIN LATERAL hc_split_utc_days(si.period) AS d
GROUP BY si.target_id, si.group_name, si.target_name, d.day;
