-- Rollups per target per minute, hour and UTC day: check counts and durations, and the seconds
-- spent UP, DOWN, UNKNOWN and MAINT.
--
-- Counts are kept up to date by a statement-level trigger on check_results: each written batch
-- (one COPY) adds its rows, grouped, to the three tables in one upsert each.
-- Seconds come from state_intervals and are refreshed by hc_refresh_rollups(), which the app calls
-- every minute: it recomputes only the buckets from the earliest point that may have changed
-- since the last refresh (a late state change, a heartbeat, an ongoing period) to now.
-- Rollups outlive the raw results: retention drops check_results partitions, not rollup rows.

CREATE TABLE rollup_minute (
    target_id        bigint           NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    bucket           timestamptz      NOT NULL,
    checks           integer          NOT NULL DEFAULT 0,
    passed           integer          NOT NULL DEFAULT 0,
    failed           integer          NOT NULL DEFAULT 0,
    duration_ms_sum  bigint           NOT NULL DEFAULT 0,
    duration_ms_max  integer,
    up_seconds       double precision NOT NULL DEFAULT 0,
    down_seconds     double precision NOT NULL DEFAULT 0,
    unknown_seconds  double precision NOT NULL DEFAULT 0,
    maint_seconds    double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (target_id, bucket)
);

CREATE TABLE rollup_hour (LIKE rollup_minute INCLUDING ALL);
ALTER TABLE rollup_hour ADD FOREIGN KEY (target_id) REFERENCES targets (id) ON DELETE CASCADE;
CREATE TABLE rollup_day (LIKE rollup_minute INCLUDING ALL);
ALTER TABLE rollup_day ADD FOREIGN KEY (target_id) REFERENCES targets (id) ON DELETE CASCADE;

CREATE FUNCTION hc_rollup_add_checks()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    grain text;
BEGIN
    FOREACH grain IN ARRAY ARRAY['minute', 'hour', 'day'] LOOP
        -- Sorted so that concurrent writers lock rollup rows in the same order.
        EXECUTE format($f$
            INSERT INTO %I AS r (target_id, bucket, checks, passed, failed, duration_ms_sum, duration_ms_max)
            SELECT target_id, date_trunc(%L, checked_at, 'UTC'), count(*), count(*) FILTER (WHERE passed),
                   count(*) FILTER (WHERE NOT passed), sum(duration_ms), max(duration_ms)
            FROM new_results
            GROUP BY 1, 2
            ORDER BY 1, 2
            ON CONFLICT (target_id, bucket) DO UPDATE SET
                checks          = r.checks + EXCLUDED.checks,
                passed          = r.passed + EXCLUDED.passed,
                failed          = r.failed + EXCLUDED.failed,
                duration_ms_sum = r.duration_ms_sum + EXCLUDED.duration_ms_sum,
                duration_ms_max = greatest(r.duration_ms_max, EXCLUDED.duration_ms_max)
            $f$, 'rollup_' || grain, grain);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER check_results_rollup
    AFTER INSERT ON check_results
    REFERENCING NEW TABLE AS new_results
    FOR EACH STATEMENT
    EXECUTE FUNCTION hc_rollup_add_checks();

-- Where the seconds must be recomputed from at the next refresh.
CREATE TABLE rollup_progress (
    only_row         boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    -- seconds before this point were final at the last refresh (no running monitor's period was open)
    provisional_from timestamptz NOT NULL DEFAULT '-infinity',
    -- the earliest time touched by a state change or heartbeat row written since the last refresh
    dirty_from       timestamptz NOT NULL DEFAULT 'infinity',
    refreshed_at     timestamptz
);
INSERT INTO rollup_progress DEFAULT VALUES;

CREATE FUNCTION hc_rollup_mark_state_changes()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE rollup_progress SET dirty_from = least(dirty_from, (SELECT min(at) FROM new_changes))
    WHERE (SELECT min(at) FROM new_changes) < dirty_from;
    RETURN NULL;
END
$$;

CREATE TRIGGER state_changes_rollup
    AFTER INSERT ON state_changes
    REFERENCING NEW TABLE AS new_changes
    FOR EACH STATEMENT
    EXECUTE FUNCTION hc_rollup_mark_state_changes();

CREATE FUNCTION hc_rollup_mark_monitor_run()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    touched timestamptz := CASE WHEN TG_OP = 'INSERT' THEN NEW.started_at ELSE least(OLD.last_beat_at, NEW.last_beat_at) END;
BEGIN
    UPDATE rollup_progress SET dirty_from = touched WHERE touched < dirty_from;
    RETURN NULL;
END
$$;

CREATE TRIGGER monitor_runs_rollup
    AFTER INSERT OR UPDATE ON monitor_runs
    FOR EACH ROW
    EXECUTE FUNCTION hc_rollup_mark_monitor_run();

-- Recomputes the seconds columns of every bucket from the earliest possibly changed point on, at
-- most max_span of time per call so that catching up after a long stop stays a series of short
-- transactions; returns true once caught up with now. The app calls it until it returns true.
CREATE FUNCTION hc_refresh_rollups(max_span interval DEFAULT interval '6 hours')
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    progress rollup_progress;
    from_at  timestamptz;
    to_at    timestamptz;
    grain    text;
    step     interval;
    now_at   timestamptz := now();
BEGIN
    -- One refresh at a time; writers are not blocked by it.
    PERFORM pg_advisory_xact_lock(hashtext('hc_refresh_rollups'));
    SELECT * INTO progress FROM rollup_progress;
    from_at := least(progress.provisional_from, progress.dirty_from);
    IF from_at = '-infinity' THEN
        from_at := coalesce((SELECT min(at) FROM state_changes), now_at);
    END IF;
    to_at := least(now_at, from_at + max_span);

    IF from_at < to_at THEN
        FOREACH grain IN ARRAY ARRAY['minute', 'hour', 'day'] LOOP
            step := ('1 ' || grain)::interval;
            -- Rows are locked in key order, as the writers' trigger does, so the two cannot deadlock.
            EXECUTE format($f$
                UPDATE %1$I r SET up_seconds = 0, down_seconds = 0, unknown_seconds = 0, maint_seconds = 0
                FROM (SELECT target_id, bucket FROM %1$I WHERE bucket >= date_trunc(%2$L, $1, 'UTC') AND bucket < $2
                      ORDER BY target_id, bucket FOR UPDATE) z
                WHERE r.target_id = z.target_id AND r.bucket = z.bucket
                $f$, 'rollup_' || grain, grain) USING from_at, to_at;
            -- Whole buckets from the one holding from_at, cut at to_at (the next call redoes that one).
            EXECUTE format($f$
                INSERT INTO %I AS r (target_id, bucket, up_seconds, down_seconds, unknown_seconds, maint_seconds)
                SELECT si.target_id, b.bucket,
                       coalesce(sum(b.seconds) FILTER (WHERE si.state = 'UP'), 0),
                       coalesce(sum(b.seconds) FILTER (WHERE si.state = 'DOWN'), 0),
                       coalesce(sum(b.seconds) FILTER (WHERE si.state = 'UNKNOWN'), 0),
                       coalesce(sum(b.seconds) FILTER (WHERE si.state = 'MAINT'), 0)
                FROM state_intervals si
                CROSS JOIN LATERAL (SELECT si.period * tstzrange(date_trunc(%L, $1, 'UTC'), $3) AS part) w
                CROSS JOIN LATERAL (
                    SELECT g AT TIME ZONE 'UTC' AS bucket,
                           extract(epoch FROM upper(x.part) - lower(x.part))::double precision AS seconds
                    FROM generate_series(date_trunc(%L, lower(w.part) AT TIME ZONE 'UTC'),
                                         upper(w.part) AT TIME ZONE 'UTC', $2) AS g
                    CROSS JOIN LATERAL (
                        SELECT w.part * tstzrange(g AT TIME ZONE 'UTC', (g + $2) AT TIME ZONE 'UTC') AS part
                    ) x
                    WHERE NOT isempty(x.part)
                ) b
                WHERE NOT isempty(w.part)
                GROUP BY 1, 2
                ORDER BY 1, 2
                ON CONFLICT (target_id, bucket) DO UPDATE SET
                    up_seconds      = EXCLUDED.up_seconds,
                    down_seconds    = EXCLUDED.down_seconds,
                    unknown_seconds = EXCLUDED.unknown_seconds,
                    maint_seconds   = EXCLUDED.maint_seconds
                $f$, 'rollup_' || grain, grain, grain) USING from_at, step, to_at;
        END LOOP;
    END IF;

    -- A state change written during this refresh keeps its mark: only clear what was read.
    UPDATE rollup_progress SET
        dirty_from = CASE WHEN dirty_from = progress.dirty_from THEN 'infinity' ELSE dirty_from END,
        provisional_from = least(to_at, coalesce((SELECT min(last_beat_at) FROM monitor_coverage WHERE run_state = 'running'), to_at)),
        refreshed_at = now_at;
    RETURN to_at >= now_at;
END
$$;

REVOKE EXECUTE ON FUNCTION hc_refresh_rollups(interval) FROM PUBLIC;
