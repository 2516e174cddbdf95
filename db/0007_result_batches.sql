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
