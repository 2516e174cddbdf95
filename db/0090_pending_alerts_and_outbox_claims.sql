-- A notified state may also be PENDING: an alert decided but held until its group's message is due (group-wait or
-- group-interval, or a DOWN dependency), not told yet. Stored so that a restart inside group-wait neither loses it
-- nor sends it twice: read back at start with the DOWN states. For a PENDING row, since is when the target went
-- DOWN and notified_at when its message is due; a held alert dropped before it was told (the target UP again,
-- deleted) is written UP, as nothing fires at the receiver.
ALTER TABLE hc_private.notified_states DROP CONSTRAINT notified_states_state_check;
ALTER TABLE hc_private.notified_states ADD CONSTRAINT notified_states_state_check CHECK (state IN ('DOWN', 'UP', 'PENDING'));

-- Several app processes on one database (a cluster's nodes) share the outbox: a queued message is delivered by the process
-- that claimed it (claimed_by) while its lease lasts (claimed_until, renewed by that process). A process takes at start,
-- and then regularly, the queued messages no live process holds (FOR UPDATE SKIP LOCKED), so no two deliver one message.
ALTER TABLE hc_private.notification_outbox ADD COLUMN claimed_by text, ADD COLUMN claimed_until timestamptz;
CREATE INDEX notification_outbox_claims ON hc_private.notification_outbox (claimed_by) WHERE delivery = 'queued';
