-- Alert delivery. Every message the evaluator decides is kept in an outbox until delivered (or failed
-- for good), with its attempts, next try and the receiver's last answer. What was told to whom is
-- state: per (rule, channel, target) the last state notified, read back at start so that a restart
-- neither repeats an alert nor forgets its resolution. Both are written in one transaction.
-- They live in hc_private (a message may name a receiver's answer); hc_reader reads the view below.

CREATE TABLE hc_private.notification_outbox (
    id              uuid        PRIMARY KEY,
    rule            text        NOT NULL,
    channel         text        NOT NULL,
    group_key       text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('firing', 'resolved')),
    targets         text[]      NOT NULL,
    firing          integer     NOT NULL,
    resolved        integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    delivery        text        NOT NULL CHECK (delivery IN ('queued', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_try_at     timestamptz,
    last_attempt_at timestamptz,
    last_answer     text,
    delivered_at    timestamptz,
    message         jsonb       NOT NULL
);

CREATE INDEX notification_outbox_queued ON hc_private.notification_outbox (created_at) WHERE delivery = 'queued';
CREATE INDEX notification_outbox_created ON hc_private.notification_outbox (created_at);

CREATE TABLE hc_private.notified_states (
    rule        text        NOT NULL,
    channel     text        NOT NULL,
    target      text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('DOWN', 'UP')),
    since       timestamptz NOT NULL,
    code        text,
    info        text,
    notified_at timestamptz NOT NULL,
    message_id  uuid        NOT NULL,
    PRIMARY KEY (rule, channel, target)
);

-- The messages sent, for people reading history in SQL: which rule, to which channel, for which
-- targets, delivered or why not. The message body stays private.
CREATE VIEW notifications AS
SELECT id, created_at, rule, channel, status, targets, firing, resolved,
       delivery, attempts, last_attempt_at, next_try_at, last_answer, delivered_at
FROM hc_private.notification_outbox;

SELECT hc_grant_reader();
