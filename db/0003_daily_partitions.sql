-- Daily partitions of check_results, one per UTC day, named check_results_YYYYMMDD.
--
-- hc_ensure_partitions creates them ahead of time (the app calls it at start-up and hourly), so
-- that rows land in a daily partition and the DEFAULT partition stays empty. A daily partition
-- cannot be created while the DEFAULT partition holds rows of its range: when that happens (the
-- app was stopped longer than the days created ahead, or rows far in the past were written), the
-- function moves those rows into the new table first and then attaches it.
--
-- hc_drop_partitions_before drops the daily partitions that end at or before a cutoff: retention
-- is a DROP TABLE, not a DELETE. Stray rows older than the cutoff in the DEFAULT partition are
-- deleted by the same call.

CREATE FUNCTION hc_ensure_partitions(days_ahead integer DEFAULT 7, first_day date DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    start_day date := coalesce(first_day, (now() AT TIME ZONE 'UTC')::date);
    day       date;
    lo        timestamptz;
    hi        timestamptz;
    part      text;
    created   integer := 0;
BEGIN
    IF days_ahead IS NULL OR days_ahead < 0 THEN
        RAISE EXCEPTION 'days_ahead must be 0 or more, not %', days_ahead;
    END IF;

    -- Two instances at once: the second waits, then finds the partitions there.
    PERFORM pg_advisory_xact_lock(hashtext('hc_ensure_partitions'));

    FOR day IN SELECT g::date FROM generate_series(start_day::timestamp, (start_day + days_ahead)::timestamp, interval '1 day') AS g
    LOOP
        part := 'check_results_' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(part) IS NOT NULL;

        lo := day::timestamp AT TIME ZONE 'UTC';
        hi := (day + 1)::timestamp AT TIME ZONE 'UTC';

        IF EXISTS (SELECT 1 FROM check_results_default WHERE checked_at >= lo AND checked_at < hi) THEN
            -- Writers wait while the range leaves the default partition, so no row slips in between;
            -- the parent is locked first, in the order writers take their locks.
            LOCK TABLE check_results IN SHARE ROW EXCLUSIVE MODE;
            EXECUTE format('CREATE TABLE %I (LIKE check_results INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format('WITH moved AS (DELETE FROM check_results_default WHERE checked_at >= $1 AND checked_at < $2 RETURNING *) '
                           'INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
            EXECUTE format('ALTER TABLE check_results ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        ELSE
            -- Should a row of that day reach the default partition right now, this fails and the
            -- next call takes the branch above.
            EXECUTE format('CREATE TABLE %I PARTITION OF check_results FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        END IF;

        -- Default privileges only cover objects made by the migrations' owner: grant explicitly.
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hc_reader') THEN
            EXECUTE format('GRANT SELECT ON %I TO hc_reader', part);
        END IF;
        created := created + 1;
    END LOOP;

    RETURN created;
END
$$;

CREATE FUNCTION hc_drop_partitions_before(cutoff timestamptz)
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
    part text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('hc_ensure_partitions'));

    FOR part IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'check_results'::regclass
          AND c.relname ~ '^check_results_[0-9]{8}$'
          -- the partition's upper bound is the midnight (UTC) after its day
          AND (to_date(right(c.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', part);
        RETURN NEXT part;
    END LOOP;

    DELETE FROM check_results_default WHERE checked_at < cutoff;
END
$$;

REVOKE EXECUTE ON FUNCTION hc_ensure_partitions(integer, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hc_drop_partitions_before(timestamptz) FROM PUBLIC;

SELECT hc_ensure_partitions(7);
