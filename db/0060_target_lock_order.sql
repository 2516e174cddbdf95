-- The order in which transactions lock targets and the rows that reference them, so that no two of
-- them can wait for each other in a cycle (PostgreSQL's 40P01, "deadlock detected"):
--
-- 1. Every write of targets by the app (create, update, delete, pause, import) first calls
--    hc_lock_target_writes(): those writes run one at a time, so they cannot lock rows of targets
--    (or wait on each other's new names in the unique index) in different orders.
-- 2. The background jobs only take FOR KEY SHARE locks on targets: the result writer of its batch's
--    targets and the packer of all targets, both in id order before anything else, and the rollup
--    refresh through the foreign keys of the rows it inserts. An update that keeps a target's
--    group_name and name locks its row FOR NO KEY UPDATE, which neither waits for those locks nor
--    blocks them (an import's update therefore never sets group_name or name).
-- 3. A write that deletes targets calls hc_lock_target_deletes() before it locks them: it waits for
--    a running rollup refresh and keeps the next one out until it commits (the refresh locks rollup
--    rows, then targets through the foreign key; a deletion locks targets, then their rollup rows
--    through ON DELETE CASCADE). It then locks the targets it deletes FOR UPDATE in id order, the
--    order of the writer's and the packer's locks.
--
-- A transaction that loses a deadlock or a serialization failure anyway (another client's SQL) is
-- run again by the app, whole, a few times.

CREATE FUNCTION hc_lock_target_writes()
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(hashtext('hc_target_writes'))
$$;

-- The key is the one hc_refresh_rollups() locks for its whole transaction.
CREATE FUNCTION hc_lock_target_deletes()
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(hashtext('hc_refresh_rollups'))
$$;

REVOKE EXECUTE ON FUNCTION hc_lock_target_writes() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hc_lock_target_deletes() FROM PUBLIC;
