-- Cluster membership, kept by Orleans' ADO.NET clustering provider (invariant Npgsql). Orleans reads
-- its statements from orleansquery by key and binds them by parameter and column name, so the names
-- below are its contract; the statements are ours. Every membership write is conditional on the
-- version row it read (optimistic concurrency): the statement locks that row while its version still
-- matches, changes the member row, then bumps the version, all in one statement, and answers with the
-- number of versions bumped (1: done, 0: someone else wrote first).
-- Status values are Orleans' SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.

CREATE TABLE orleansquery (
    querykey  varchar(64)   PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);

-- One row per cluster: its membership version, bumped by every change of a member's row.
CREATE TABLE orleansmembershipversiontable (
    deploymentid varchar(150)   PRIMARY KEY,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0
);

-- One row per silo incarnation (a restart is a new generation).
CREATE TABLE orleansmembershiptable (
    deploymentid varchar(150)   NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     varchar(150)   NOT NULL,
    hostname     varchar(150)   NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer,
    suspecttimes varchar(8000),
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', '
    WITH created AS (
        INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
        ON CONFLICT (deploymentid) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM created;
'),
('InsertMembershipKey', '
    WITH expected AS (
        SELECT deploymentid FROM orleansmembershipversiontable
        WHERE deploymentid = @DeploymentId AND version = @Version
        FOR UPDATE),
    joined AS (
        INSERT INTO orleansmembershiptable
            (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
        SELECT deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
        FROM expected
        ON CONFLICT (deploymentid, address, port, generation) DO NOTHING
        RETURNING deploymentid),
    bumped AS (
        UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now()
        WHERE deploymentid IN (SELECT deploymentid FROM joined)
        RETURNING 1)
    SELECT count(*)::integer FROM bumped;
'),
('UpdateMembershipKey', '
    WITH expected AS (
        SELECT deploymentid FROM orleansmembershipversiontable
        WHERE deploymentid = @DeploymentId AND version = @Version
        FOR UPDATE),
    changed AS (
        UPDATE orleansmembershiptable m
        SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
        FROM expected
        WHERE m.deploymentid = expected.deploymentid
          AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        RETURNING m.deploymentid),
    bumped AS (
        UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now()
        WHERE deploymentid IN (SELECT deploymentid FROM changed)
        RETURNING 1)
    SELECT count(*)::integer FROM bumped;
'),
('UpdateIAmAlivetimeKey', '
    UPDATE orleansmembershiptable SET iamalivetime = @IAmAliveTime
    WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
'),
('MembershipReadRowKey', '
    SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime, v.version
    FROM orleansmembershipversiontable v
    LEFT JOIN orleansmembershiptable m
      ON m.deploymentid = v.deploymentid
     AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.deploymentid = @DeploymentId;
'),
('MembershipReadAllKey', '
    SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime, v.version
    FROM orleansmembershipversiontable v
    LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
    WHERE v.deploymentid = @DeploymentId;
'),
('GatewaysQueryKey', '
    SELECT address, proxyport, generation
    FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
'),
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3;
');

-- The nodes of every cluster on this database, for people reading in SQL.
CREATE VIEW cluster_nodes AS
SELECT deploymentid AS cluster_id,
       siloname     AS name,
       hostname     AS host,
       address || ':' || port AS address,
       generation,
       CASE status
           WHEN 1 THEN 'Created' WHEN 2 THEN 'Joining' WHEN 3 THEN 'Active'
           WHEN 4 THEN 'ShuttingDown' WHEN 5 THEN 'Stopping' WHEN 6 THEN 'Dead'
           ELSE 'None'
       END          AS status,
       proxyport    AS gateway_port,
       starttime    AS started_at,
       iamalivetime AS alive_at
FROM orleansmembershiptable;

SELECT hc_grant_reader();
