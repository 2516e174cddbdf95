-- One row per batch the result writer committed, written in the same transaction as the batch.
-- When a connection breaks while a commit is in flight, the writer cannot know whether the batch
-- was stored; it looks its id up here before writing it again, so that no result is stored twice.
-- The retention job deletes rows older than a day.
CREATE TABLE result_batches (
    id          uuid        PRIMARY KEY,
    written_at  timestamptz NOT NULL DEFAULT now(),
    results     integer     NOT NULL,
    changes     integer     NOT NULL
);

-- The default privileges of 0002 cover what 0003 to 0007 created when one role runs every
-- migration; grant again for the case where it does not.
SELECT hc_grant_reader();
