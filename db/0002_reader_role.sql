-- hc_reader: the role people who query history in SQL log in through (as members of it).
-- It reads every table and view of the schema and can write or create nothing.
-- Roles are cluster-wide while migrations run per database: create it only when missing, and
-- tolerate another database's migration creating it at the same moment.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hc_reader') THEN
        BEGIN
            CREATE ROLE hc_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created concurrently by a migration of another database
        END;
    END IF;
END
$$;

-- No one but the owner creates objects in public (already the default from PostgreSQL 15 on),
-- and no one but the owner creates temporary tables in this database.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO hc_reader', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO hc_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hc_reader;
-- Tables and views that later migrations (run by the same owner) create are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO hc_reader;
-- Functions are executable by PUBLIC by default; the maintenance ones below revoke it one by one.
