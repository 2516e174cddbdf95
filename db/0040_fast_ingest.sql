-- Writing and reading check_results at volume.
--
-- 1. Check counts leave the write path. Until now a statement-level trigger added each written
--    batch to rollup_minute, rollup_hour and rollup_day: with thousands of targets a batch of
--    1 000 results touched up to 3 000 rollup rows. Now the trigger only notes the earliest and the
--    latest checked_at of the batch in rollup_pending, and hc_refresh_rollups() (called by the app
--    every minute) recounts the minutes of those spans from the raw results, the hours from the
--    minutes and the days from the hours, replacing what was there. Late results (written after an outage)
--    are counted as surely as live ones; counts lag the results by up to a minute.
-- 2. The foreign key from check_results to targets is dropped: it cost one lookup per stored
--    result. The result writer locks the targets of a batch (FOR KEY SHARE) and skips results of
--    targets already gone; deleting a target deletes its results in the same transaction (trigger
--    below), as ON DELETE CASCADE did.
-- 3. The index (target_id, checked_at DESC) now carries what a chart needs (passed, duration), so that one
--    target's recent results are read from the index alone (an index-only scan reads a few hundred
--    contiguous pages instead of one heap page per result), and a BRIN index on checked_at lets the
--    refresh read a time range of all targets without scanning whole partitions.
--
-- Building the new indexes locks check_results for their build; on a large existing history this
-- migration takes minutes.

-- 1. Counts from the refresh.
DROP TRIGGER check_results_rollup ON check_results;
DROP FUNCTION hc_rollup_add_checks();

-- One row per statement that wrote results: the span whose minutes must be recounted.
CREATE TABLE rollup_pending (
    checked_from timestamptz NOT NULL,
    checked_to   timestamptz NOT NULL
);

CREATE FUNCTION hc_rollup_mark_results()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO rollup_pending (checked_from, checked_to)
    SELECT min(checked_at), max(checked_at) FROM new_results HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER check_results_rollup_mark
    AFTER INSERT ON check_results
    REFERENCING NEW TABLE AS new_results
    FOR EACH STATEMENT
    EXECUTE FUNCTION hc_rollup_mark_results();

-- The counts written until now were kept by the old trigger and stay as they are.

-- The refresh reads buckets by time across all targets.
CREATE INDEX rollup_minute_bucket ON rollup_minute (bucket);
CREATE INDEX rollup_hour_bucket ON rollup_hour (bucket);
CREATE INDEX rollup_day_bucket ON rollup_day (bucket);

-- 2. No foreign key on check_results; deleting targets deletes their results.
ALTER TABLE check_results DROP CONSTRAINT check_results_target_id_fkey;

CREATE FUNCTION hc_delete_target_results()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM check_results WHERE target_id IN (SELECT id FROM gone_targets);
    RETURN NULL;
END
$$;

CREATE TRIGGER targets_delete_results
    AFTER DELETE ON targets
    REFERENCING OLD TABLE AS gone_targets
    FOR EACH STATEMENT
    EXECUTE FUNCTION hc_delete_target_results();

-- 3. Indexes for reading.
CREATE INDEX check_results_target_time_cover ON check_results (target_id, checked_at DESC)
    INCLUDE (passed, duration_ms);
DROP INDEX check_results_target_time;
CREATE INDEX check_results_checked_at_brin ON check_results USING brin (checked_at) WITH (autosummarize = on);

-- The refresh: seconds as before (from state_intervals, from the earliest possibly changed point),
-- and now the counts (from the earliest pending mark). Each part covers at most max_span per call;
-- the app calls it until it returns true.
CREATE OR REPLACE FUNCTION hc_refresh_rollups(max_span interval DEFAULT interval '6 hours')
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    progress rollup_progress;
    from_at  timestamptz;
    to_at    timestamptz;
    span_from  timestamptz[];
    span_to    timestamptz[];
    count_from timestamptz;
    count_to   timestamptz;
    budget     interval;
    caught_up  boolean := true;
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

    -- Counts, over the pending spans merged into whole minutes, oldest first, at most max_span of
    -- them per call (the rest stays pending). Marks written after this statement's snapshot stay
    -- for the next call; results they stand for that this call already counts are counted again
    -- then: counts are replaced, never added.
    WITH taken AS (
        DELETE FROM rollup_pending RETURNING date_trunc('minute', checked_from, 'UTC') AS lo,
                                             date_trunc('minute', checked_to, 'UTC') + interval '1 minute' AS hi
    ), starts AS (
        SELECT lo, hi,
               CASE WHEN lo <= max(hi) OVER (ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                    THEN 0 ELSE 1 END AS new_span
        FROM taken
    ), spans AS (
        SELECT min(lo) AS lo, max(hi) AS hi
        FROM (SELECT lo, hi, sum(new_span) OVER (ORDER BY lo, hi) AS span FROM starts) s
        GROUP BY span
    )
    SELECT array_agg(lo ORDER BY lo), array_agg(hi ORDER BY lo) INTO span_from, span_to FROM spans;

    budget := max_span;
    FOR i IN 1 .. coalesce(array_length(span_from, 1), 0) LOOP
        count_from := span_from[i];
        count_to := span_to[i];
        IF budget <= interval '0' THEN
            INSERT INTO rollup_pending (checked_from, checked_to) VALUES (count_from, count_to - interval '1 minute');
            caught_up := false;
            CONTINUE;
        END IF;
        IF count_to - count_from > budget THEN
            -- Cut at a whole minute; the rest is pending.
            count_to := greatest(count_from + interval '1 minute', date_trunc('minute', count_from + budget, 'UTC'));
            IF count_to < span_to[i] THEN
                INSERT INTO rollup_pending (checked_from, checked_to) VALUES (count_to, span_to[i] - interval '1 minute');
                caught_up := false;
            END IF;
        END IF;
        budget := budget - (count_to - count_from);

        INSERT INTO rollup_minute AS r (target_id, bucket, checks, passed, failed, duration_ms_sum, duration_ms_max)
        SELECT target_id, date_trunc('minute', checked_at, 'UTC'), count(*), count(*) FILTER (WHERE passed),
               count(*) FILTER (WHERE NOT passed), sum(duration_ms), max(duration_ms)
        FROM check_results c
        WHERE checked_at >= count_from AND checked_at < count_to
          AND EXISTS (SELECT 1 FROM targets t WHERE t.id = c.target_id)
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (target_id, bucket) DO UPDATE SET
            checks = EXCLUDED.checks, passed = EXCLUDED.passed, failed = EXCLUDED.failed,
            duration_ms_sum = EXCLUDED.duration_ms_sum, duration_ms_max = EXCLUDED.duration_ms_max;

        INSERT INTO rollup_hour AS r (target_id, bucket, checks, passed, failed, duration_ms_sum, duration_ms_max)
        SELECT target_id, date_trunc('hour', bucket, 'UTC'), sum(checks), sum(passed), sum(failed), sum(duration_ms_sum), max(duration_ms_max)
        FROM rollup_minute
        WHERE bucket >= date_trunc('hour', count_from, 'UTC') AND bucket < date_trunc('hour', count_to - interval '1 minute', 'UTC') + interval '1 hour'
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (target_id, bucket) DO UPDATE SET
            checks = EXCLUDED.checks, passed = EXCLUDED.passed, failed = EXCLUDED.failed,
            duration_ms_sum = EXCLUDED.duration_ms_sum, duration_ms_max = EXCLUDED.duration_ms_max;

        INSERT INTO rollup_day AS r (target_id, bucket, checks, passed, failed, duration_ms_sum, duration_ms_max)
        SELECT target_id, date_trunc('day', bucket, 'UTC'), sum(checks), sum(passed), sum(failed), sum(duration_ms_sum), max(duration_ms_max)
        FROM rollup_hour
        WHERE bucket >= date_trunc('day', count_from, 'UTC') AND bucket < date_trunc('day', count_to - interval '1 minute', 'UTC') + interval '1 day'
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (target_id, bucket) DO UPDATE SET
            checks = EXCLUDED.checks, passed = EXCLUDED.passed, failed = EXCLUDED.failed,
            duration_ms_sum = EXCLUDED.duration_ms_sum, duration_ms_max = EXCLUDED.duration_ms_max;
    END LOOP;

    -- A state change written during this refresh keeps its mark: only clear what was read.
    UPDATE rollup_progress SET
        dirty_from = CASE WHEN dirty_from = progress.dirty_from THEN 'infinity' ELSE dirty_from END,
        provisional_from = least(to_at, coalesce((SELECT min(last_beat_at) FROM monitor_coverage WHERE run_state = 'running'), to_at)),
        refreshed_at = now_at;
    RETURN to_at >= now_at AND caught_up;
END
$$;

SELECT hc_grant_reader();
