-- One target's results of one hour packed into one row, for reading a long stretch of one target fast.
--
-- A day of results every second is 86 400 rows of check_results: even from the covering index alone
-- PostgreSQL spends about 0.3 µs an entry on them, and a client as much again decoding them.
-- result_hours keeps, per target and closed hour, what a chart needs (when, passed, how long) as one
-- bytea in checked_at order, so that the same day is 24 rows of about 47 kB that a client decodes
-- at memory speed. check_results stays the record; result_hours is derived from it by
-- hc_pack_results(), which the app calls every minute:
--
-- * it packs each hour once the hour has been over for two minutes, and moves packed_to (in
--   result_hours_progress) past it: every hour before packed_to is packed;
-- * results written into an hour already packed (late, as after a database outage) are marked by
--   a statement trigger, like rollup_pending; the next call packs those hours again, whole. Until
--   then a reader of the packed hours does not see them (at most a minute);
-- * readers take the hours before packed_to from result_hours and the rest from check_results, in
--   one snapshot (HistoryStore.ResultPointsAsync does).
--
-- The layout of `points`: 13 bytes a result, oldest first, all integers big-endian: checked_at as
-- the 8-byte microseconds since 2000-01-01 00:00 UTC (PostgreSQL's own timestamptz_send), duration_ms
-- as 4 bytes, passed as 1 byte (0 or 1). hc_unpack_results(points) turns it back into rows in SQL.
--
-- Deleting a target deletes its packed hours (foreign key); retention deletes packed hours older
-- than the raw results it keeps.

CREATE TABLE result_hours (
    target_id   bigint      NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    hour        timestamptz NOT NULL,
    results     integer     NOT NULL,
    points      bytea       NOT NULL,
    PRIMARY KEY (target_id, hour),
    CHECK (hour = date_trunc('hour', hour, 'UTC')),
    CHECK (length(points) = 13 * results)
);

-- The rows packed into result_hours.points, oldest first.
CREATE FUNCTION hc_unpack_results(points bytea)
RETURNS TABLE (checked_at timestamptz, passed boolean, duration_ms integer)
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT timestamptz '2000-01-01 00:00:00+00'
               + ('x' || encode(substring(points FROM i FOR 8), 'hex'))::bit(64)::bigint * interval '1 microsecond',
           get_byte(points, i + 11) <> 0,
           ('x' || encode(substring(points FROM i + 8 FOR 4), 'hex'))::bit(32)::integer
    FROM generate_series(1, length(points), 13) AS i
    ORDER BY i
$$;

-- Retention deletes by hour.
CREATE INDEX result_hours_hour ON result_hours (hour);

CREATE TABLE result_hours_progress (
    packed_to timestamptz NOT NULL,
    packed_at timestamptz
);

-- '-infinity': nothing packed yet; the first call starts at the hour of the oldest stored result.
INSERT INTO result_hours_progress (packed_to) VALUES ('-infinity');

-- One row per statement that wrote results: the span whose hours must be packed again if they
-- are packed already.
CREATE TABLE result_hours_pending (
    checked_from timestamptz NOT NULL,
    checked_to   timestamptz NOT NULL
);

-- One trigger marks both: the span of each written batch goes to rollup_pending (for the rollup
-- counts) and to result_hours_pending, from one pass over the batch (a second trigger would cost
-- the writer another pass and another call per batch).
CREATE FUNCTION hc_mark_results()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    WITH span AS (
        SELECT min(checked_at) AS lo, max(checked_at) AS hi FROM new_results HAVING count(*) > 0
    ), rollup AS (
        INSERT INTO rollup_pending (checked_from, checked_to) SELECT lo, hi FROM span
    )
    INSERT INTO result_hours_pending (checked_from, checked_to) SELECT lo, hi FROM span;
    RETURN NULL;
END
$$;

DROP TRIGGER check_results_rollup_mark ON check_results;
DROP FUNCTION hc_rollup_mark_results();

CREATE TRIGGER check_results_mark
    AFTER INSERT ON check_results
    REFERENCING NEW TABLE AS new_results
    FOR EACH STATEMENT
    EXECUTE FUNCTION hc_mark_results();

-- Packs at most max_span of hours that hold results per call (hours marked late first, then
-- closed hours not yet packed; empty hours are passed over at little cost); returns true when
-- nothing is left to pack. The app calls it until it does.
CREATE FUNCTION hc_pack_results(max_span interval DEFAULT interval '6 hours')
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    pack_to   timestamptz;
    closed_to timestamptz := date_trunc('hour', now() - interval '2 minutes', 'UTC');
    budget    integer := greatest(1, (extract(epoch FROM max_span) / 3600)::integer);
    passes    integer := 24 * 31;
    marked    timestamptz[];
    ids       bigint[];
    h         timestamptz;
    packed    integer;
BEGIN
    -- One packer at a time; writers are not blocked by it.
    PERFORM pg_advisory_xact_lock(hashtext('hc_pack_results'));

    -- The marks first: every batch whose mark this takes committed before the statements below
    -- start, so they see its rows. Marks of batches that commit later stay for the next call.
    WITH taken AS (
        DELETE FROM result_hours_pending RETURNING checked_from, checked_to
    )
    SELECT array_agg(DISTINCT g ORDER BY g) INTO marked
    FROM taken
    CROSS JOIN LATERAL generate_series(date_trunc('hour', checked_from, 'UTC'), date_trunc('hour', checked_to, 'UTC'), interval '1 hour') AS g;

    SELECT p.packed_to INTO pack_to FROM result_hours_progress p;
    IF pack_to = '-infinity' THEN
        pack_to := coalesce(date_trunc('hour', (SELECT min(checked_at) FROM check_results), 'UTC'), closed_to);
    END IF;

    -- Marked hours not packed yet are packed below in their turn; the others are packed again, whole.
    marked := ARRAY(SELECT x FROM unnest(coalesce(marked, '{}')) AS x WHERE x < pack_to ORDER BY x);
    IF cardinality(marked) > budget THEN
        INSERT INTO result_hours_pending (checked_from, checked_to)
        SELECT x, x FROM unnest(marked[budget + 1:]) AS x;
        marked := marked[1:budget];
    END IF;

    IF cardinality(marked) > 0 OR pack_to < closed_to THEN
        -- Targets deleted meanwhile are left out; the rest stay until this transaction ends.
        SELECT array_agg(id) INTO ids FROM (SELECT id FROM targets ORDER BY id FOR KEY SHARE) t;
    END IF;

    FOREACH h IN ARRAY marked LOOP
        PERFORM hc_pack_hour(h, ids);
        budget := budget - 1;
    END LOOP;

    WHILE budget > 0 AND passes > 0 AND pack_to < closed_to LOOP
        packed := hc_pack_hour(pack_to, ids);
        IF packed > 0 THEN
            budget := budget - 1;
        END IF;
        passes := passes - 1;
        pack_to := pack_to + interval '1 hour';
    END LOOP;

    UPDATE result_hours_progress SET packed_to = pack_to, packed_at = now();
    RETURN pack_to >= closed_to AND NOT EXISTS (SELECT 1 FROM result_hours_pending WHERE checked_from < pack_to);
END
$$;

-- Packs one hour of the given targets, replacing what was packed of it; returns the targets packed.
CREATE FUNCTION hc_pack_hour(h timestamptz, ids bigint[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    packed integer;
BEGIN
    INSERT INTO result_hours AS r (target_id, hour, results, points)
    SELECT target_id, h, count(*),
           string_agg(timestamptz_send(checked_at) || int4send(duration_ms) || boolsend(passed), ''::bytea ORDER BY checked_at)
    FROM check_results
    WHERE checked_at >= h AND checked_at < h + interval '1 hour' AND target_id = ANY (ids)
    GROUP BY target_id
    ORDER BY target_id
    ON CONFLICT (target_id, hour) DO UPDATE SET results = EXCLUDED.results, points = EXCLUDED.points;
    GET DIAGNOSTICS packed = ROW_COUNT;
    RETURN packed;
END
$$;

REVOKE EXECUTE ON FUNCTION hc_pack_results(interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hc_pack_hour(timestamptz, bigint[]) FROM PUBLIC;

SELECT hc_grant_reader();
