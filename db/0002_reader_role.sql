-- hc_reader: the role people who query history in SQL log in through (as members of it).
-- It reads every table and view of the schema and can write or create nothing.
--
-- Roles are cluster-wide while migrations run per database: the role is created only when
-- missing, tolerating another database's migration creating it at the same moment. An app user
-- that may not create roles (a managed server) gets a warning instead of a failed start; an
-- administrator then runs `CREATE ROLE hc_reader NOLOGIN; SELECT hc_grant_reader();`.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hc_reader') THEN
        IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
            BEGIN
                CREATE ROLE hc_reader NOLOGIN;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created concurrently by a migration of another database
            END;
        ELSE
            RAISE WARNING 'Role hc_reader is missing and % may not create roles: ask an administrator to run CREATE ROLE hc_reader NOLOGIN; SELECT hc_grant_reader();', current_user;
        END IF;
    END IF;
END
$$;

-- No one but the owner creates objects in public (already the default from PostgreSQL 15 on).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Grants hc_reader what it needs; returns false when the role does not exist (yet).
CREATE FUNCTION hc_grant_reader()
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hc_reader') THEN
        RETURN false;
    END IF;

    -- Temporary tables are creation too: only the owner (who keeps it) may make them here.
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO hc_reader', current_database());
    GRANT USAGE ON SCHEMA public TO hc_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO hc_reader;
    -- Tables and views that later migrations (run by the same owner) create are readable too.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO hc_reader;
    RETURN true;
END
$$;

REVOKE EXECUTE ON FUNCTION hc_grant_reader() FROM PUBLIC;

SELECT hc_grant_reader();
