-- Where alerts go and when: channels (receivers) and rules (which targets alert which channels).
-- They are written by the targets file's channels: and alerts: sections (in the same transaction
-- as its targets) and by /api/channels and /api/alerts. Rows are keyed by name: a rule or channel
-- that keeps its name keeps its id through imports and edits.
--
-- Channels live in hc_private, which hc_reader cannot use: a Slack, Discord or Teams webhook URL is
-- itself a credential, and headers and the SMTP password may hold secrets. A secret given as
-- ${NAME} is kept as that reference in settings (read from the environment when sending); one
-- given as a value is kept in hc_private.alert_channel_secrets and never shown back.

CREATE TABLE hc_private.alert_channels (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 100),
    kind        text        NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'teams', 'ntfy', 'alertmanager', 'email')),
    url         text        CHECK ((url IS NULL) = (kind = 'email')),
    -- headers: [{"name": ..., "ref": "ENV_NAME"} or {"name": ..., "kept": true}]; email: {host, port,
    -- security, from, to, user, password: {"ref": ...} or {"kept": true}}
    settings    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    position    integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Values given in clear: 'headers.<Name>' or 'email.password'.
CREATE TABLE hc_private.alert_channel_secrets (
    channel_id  bigint      NOT NULL REFERENCES hc_private.alert_channels (id) ON DELETE CASCADE,
    field       text        NOT NULL,
    value       text        NOT NULL,
    PRIMARY KEY (channel_id, field)
);

CREATE TABLE alert_rules (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text        NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 100),
    targets            text        NOT NULL CHECK (targets <> ''),  -- a group, or a group/name glob (* and ?)
    after_ms           bigint      NOT NULL DEFAULT 0 CHECK (after_ms >= 0),
    repeat_ms          bigint      CHECK (repeat_ms > 0),            -- NULL: no reminders
    resolved           boolean     NOT NULL DEFAULT true,
    group_wait_ms      bigint      NOT NULL DEFAULT 10000 CHECK (group_wait_ms >= 0),
    group_interval_ms  bigint      NOT NULL DEFAULT 60000 CHECK (group_interval_ms > 0),
    position           integer     NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- A channel in use by a rule cannot be deleted; renaming it renames it here.
CREATE TABLE alert_rule_channels (
    rule_id       bigint  NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    position      integer NOT NULL,
    channel_name  text    NOT NULL REFERENCES hc_private.alert_channels (name) ON UPDATE CASCADE ON DELETE RESTRICT,
    PRIMARY KEY (rule_id, position),
    UNIQUE (rule_id, channel_name)
);

CREATE INDEX ON alert_rule_channels (channel_name);

-- Writes of alert settings run one at a time (an import takes hc_lock_target_writes() first, then this).
CREATE FUNCTION hc_lock_alert_writes()
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(hashtext('hc_alert_writes'))
$$;

REVOKE EXECUTE ON FUNCTION hc_lock_alert_writes() FROM PUBLIC;

SELECT hc_grant_reader();
