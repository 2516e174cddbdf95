-- A notified state may also be PENDING: an alert decided but held until its group's message is due (group-wait or
-- group-interval, or a DOWN dependency), not told yet. Stored so that a restart inside group-wait neither loses it
-- nor sends it twice: read back at start with the DOWN states. For a PENDING row, since is when the target went
-- DOWN and notified_at when its message is due; a held alert dropped before it was told (the target UP again,
-- deleted) is written UP, as nothing fires at the receiver.
ALTER TABLE hc_private.notified_states DROP CONSTRAINT notified_states_state_check;
ALTER TABLE hc_private.notified_states ADD CONSTRAINT notified_states_state_check CHECK (state IN ('DOWN', 'UP', 'PENDING'));
