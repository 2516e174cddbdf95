-- Facts the app records about itself, one row per key: for example that the example targets were
-- offered at the first start, so that deleting them does not bring them back at the next one.
CREATE TABLE app_settings (
    key     text        PRIMARY KEY CHECK (key <> ''),
    value   text        NOT NULL,
    set_at  timestamptz NOT NULL DEFAULT now()
);

SELECT hc_grant_reader();
