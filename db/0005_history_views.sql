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
       piece.state,
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
CROSS JOIN LATERAL (
    SELECT p.to_state AS state, w.part, false AS monitor_down
    FROM unnest(CASE WHEN p.to_state = 'MAINT' THEN tstzmultirange(p.period)
                     ELSE tstzmultirange(p.period) * c.watched END) AS w(part)
    UNION ALL
    SELECT 'UNKNOWN', u.part, true
    FROM unnest(CASE WHEN p.to_state = 'MAINT' THEN '{}'::tstzmultirange
                     ELSE tstzmultirange(p.period) - c.watched END) AS u(part)
) piece;

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
CROSS JOIN LATERAL (
    SELECT g::date AS day,
           extract(epoch FROM upper(x.part) - lower(x.part))::double precision AS seconds
    FROM generate_series(date_trunc('day', lower(si.period) AT TIME ZONE 'UTC'),
                         upper(si.period) AT TIME ZONE 'UTC',
                         interval '1 day') AS g
    CROSS JOIN LATERAL (
        SELECT si.period * tstzrange(g AT TIME ZONE 'UTC', (g + interval '1 day') AT TIME ZONE 'UTC') AS part
    ) x
    WHERE NOT isempty(x.part)
) d
GROUP BY si.target_id, si.group_name, si.target_name, d.day;
