-- Secrets that people reading history in SQL must not see: the admin password hash and the keys
-- that sign sign-in cookies and antiforgery tokens. They live in a schema hc_reader has no usage
-- of, so "GRANT SELECT ON ALL TABLES IN SCHEMA public" (hc_grant_reader) never reaches them.

CREATE SCHEMA hc_private;
REVOKE ALL ON SCHEMA hc_private FROM PUBLIC;

ALTER TABLE admin_credentials SET SCHEMA hc_private;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hc_reader') THEN
        REVOKE ALL ON hc_private.admin_credentials FROM hc_reader;
    END IF;
END
$$;

-- ASP.NET Core data protection's key ring (one XML element per key), shared by every instance
-- on this database and kept across restarts, so sign-ins survive a restart or a new container.
CREATE TABLE hc_private.data_protection_keys (
    friendly_name  text        PRIMARY KEY,
    xml            text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
