using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// The embedded default: a private PostgreSQL cluster under the data folder, created once with initdb,
/// started on a unix socket and a loopback port (chosen free at the first start, then kept), stopped on dispose.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public const string DatabaseName = "healthchecker";
    public const string SuperUser = "postgres";

    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    private const int MaxSocketPath = 107;
    private const string SocketFileName = ".s.PGSQL.65535";

    private readonly PostgresBinaries _binaries;
    private readonly string? _runAs;
    private readonly ILogger _log;
    private readonly string _ownerFile;
    private readonly string _portFile;
    private int _stopped;

    private LocalCluster(PostgresBinaries binaries, string? runAs, ILogger log, string clusterRoot, string socketDirectory)
    {
        _binaries = binaries;
        _runAs = runAs;
        _log = log;
        ClusterRoot = clusterRoot;
        DataDirectory = Path.Combine(clusterRoot, "pg");
        SocketDirectory = socketDirectory;
        _ownerFile = Path.Combine(clusterRoot, "owner.pid");
        _portFile = Path.Combine(clusterRoot, "port");
    }

    /// <summary>Holds <c>pg/</c> (PGDATA), <c>log/</c>, the owner's pid and the port last used.</summary>
    public string ClusterRoot { get; }

    /// <summary>PGDATA.</summary>
    public string DataDirectory { get; }

    public string SocketDirectory { get; }

    /// <summary>
    /// The loopback TCP port: the one asked for, else the one the cluster used last time (targets and
    /// psql sessions point at it), else a free one.
    /// </summary>
    public int Port { get; private set; }

    /// <summary>Npgsql connection string to the <c>healthchecker</c> database over the unix socket.</summary>
    public string ConnectionString => BuildConnectionString(DatabaseName);

    /// <summary>The same, in libpq's form, for <c>psql "$(cat .data/connection.txt)"</c>.</summary>
    public string PsqlConnectionString => $"host={SocketDirectory} port={Port} user={SuperUser} dbname={DatabaseName}";

    public string LogFile => Path.Combine(ClusterRoot, "log", "postgresql.log");

    public string BuildConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Creates the cluster under <paramref name="dataRoot"/> on first use, then starts it on
    /// <paramref name="port"/>; when none is given, on the port it used last time, or a free loopback port.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string dataRoot, ILogger log, CancellationToken ct = default, int? port = null)
    {
        var binaries = PostgresBinaries.Find();
        dataRoot = Path.GetFullPath(dataRoot);
        Directory.CreateDirectory(dataRoot);

        // PostgreSQL refuses to run as root: the cluster then belongs to the postgres user.
        var runAs = Environment.IsPrivilegedProcess ? SuperUser : null;
        var clusterRoot = await ChooseClusterRootAsync(dataRoot, runAs, log, ct).ConfigureAwait(false);
        var socketDirectory = ChooseSocketDirectory(clusterRoot);

        await PrepareFoldersAsync(runAs, clusterRoot, socketDirectory, ct).ConfigureAwait(false);

        var cluster = new LocalCluster(binaries, runAs, log, clusterRoot, socketDirectory);
        await cluster.InitIfNeededAsync(ct).ConfigureAwait(false);
        await cluster.StopOrphanAsync(ct).ConfigureAwait(false);
        try
        {
            // Inside the try: a start cancelled by Ctrl-C half way must not leave a server behind.
            await cluster.StartServerAsync(port, ct).ConfigureAwait(false);
            await cluster.CreateDatabaseIfMissingAsync(ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(dataRoot, "connection.txt"), cluster.PsqlConnectionString + "\n", ct).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        log.Information("Embedded PostgreSQL running: data {DataDirectory}, socket {SocketDirectory}, port {Port}; psql \"{Psql}\"",
            cluster.DataDirectory, cluster.SocketDirectory, cluster.Port, cluster.PsqlConnectionString);
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        var outcome = await ExternalCommand.RunAsync(_runAs, _binaries.PgCtl,
            ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], CancellationToken.None).ConfigureAwait(false);
        if (outcome.ExitCode == 0)
        {
            _log.Information("Embedded PostgreSQL stopped ({DataDirectory})", DataDirectory);
        }
        else
        {
            _log.Warning("Embedded PostgreSQL did not stop cleanly: {Reason}", outcome.LastLine);
        }

        File.Delete(_ownerFile);
    }

    /// <summary>
    /// Asks the server to shut down (fast mode) without waiting for it: for process-exit handlers,
    /// which may be cut short before an orderly stop completes.
    /// </summary>
    public void SignalStop()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || !File.Exists(pidFile))
        {
            return;
        }

        var pid = File.ReadLines(pidFile).FirstOrDefault()?.Trim();
        if (int.TryParse(pid, out var postmaster))
        {
            // SIGINT is PostgreSQL's "fast shutdown".
            using var kill = System.Diagnostics.Process.Start("kill", ["-INT", postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit(2000);
        }
    }

    private static async Task<string> ChooseClusterRootAsync(string dataRoot, string? runAs, ILogger log, CancellationToken ct)
    {
        if (runAs is null)
        {
            return dataRoot;
        }

        // The postgres user must be able to walk down to the folder: a checkout under a private home
        // (/root is mode 700) is out of its reach, so the cluster then lives under /var/tmp.
        var reach = await ExternalCommand.RunAsync(null, "runuser", ["-u", runAs, "--", "test", "-x", dataRoot], ct).ConfigureAwait(false);
        if (reach.ExitCode == 0)
        {
            return dataRoot;
        }

        var name = Path.GetFileName(Path.GetDirectoryName(dataRoot)) is { Length: > 0 } parent ? parent : "data";
        var fallback = Path.Combine("/var/tmp", $"healthchecker-{Sanitize(name)}-{ShortHash(dataRoot)}");
        Directory.CreateDirectory(fallback);
        log.Warning("The postgres user cannot reach {DataRoot}; the embedded cluster lives in {ClusterRoot} instead", dataRoot, fallback);
        return fallback;
    }

    private static string ChooseSocketDirectory(string clusterRoot)
    {
        var preferred = Path.Combine(clusterRoot, "run");
        return preferred.Length + 1 + SocketFileName.Length <= MaxSocketPath
            ? preferred
            : Path.Combine("/tmp", "hc-" + ShortHash(clusterRoot));
    }

    private static async Task PrepareFoldersAsync(string? runAs, string clusterRoot, string socketDirectory, CancellationToken ct)
    {
        string[] owned = [Path.Combine(clusterRoot, "pg"), Path.Combine(clusterRoot, "log"), socketDirectory];
        foreach (var dir in owned)
        {
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        if (runAs is null)
        {
            return;
        }

        foreach (var dir in owned)
        {
            // Only walk the tree when needed: PGDATA may hold gigabytes of history.
            var owner = await ExternalCommand.RunAsync(null, "stat", ["-c", "%U", dir], ct).ConfigureAwait(false);
            if (owner.StdOut.Trim() != runAs)
            {
                await ExternalCommand.RunCheckedAsync(null, "chown", ["-R", $"{runAs}:{runAs}", dir], $"chown of {dir}", ct).ConfigureAwait(false);
            }
        }
    }

    private async Task InitIfNeededAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        _log.Information("Creating the embedded PostgreSQL cluster in {DataDirectory}", DataDirectory);

        // Local (socket) connections are trusted: the socket folder is private. TCP on loopback needs
        // the password kept beside the cluster.
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var passwordFile = Path.Combine(ClusterRoot, "log", "initdb-password");
        await File.WriteAllTextAsync(passwordFile, password + "\n", ct).ConfigureAwait(false);
        try
        {
            if (_runAs is not null)
            {
                await ExternalCommand.RunCheckedAsync(null, "chown", [$"{_runAs}:{_runAs}", passwordFile], "chown", ct).ConfigureAwait(false);
            }

            await ExternalCommand.RunCheckedAsync(_runAs, _binaries.InitDb,
                ["-D", DataDirectory, "-U", SuperUser, "-E", "UTF8", "--locale=C", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "--pwfile", passwordFile],
                "initdb", ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        var kept = Path.Combine(ClusterRoot, "password");
        await File.WriteAllTextAsync(kept, password + "\n", ct).ConfigureAwait(false);
        File.SetUnixFileMode(kept, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// A server still running on this folder either belongs to a live instance (refuse: two apps on
    /// one cluster is a mistake) or was left behind by one that crashed (stop it and go on).
    /// </summary>
    private async Task StopOrphanAsync(CancellationToken ct)
    {
        var status = await ExternalCommand.RunAsync(_runAs, _binaries.PgCtl, ["status", "-D", DataDirectory], ct).ConfigureAwait(false);
        if (status.ExitCode != 0)
        {
            return;
        }

        if (File.Exists(_ownerFile) && int.TryParse(await File.ReadAllTextAsync(_ownerFile, ct).ConfigureAwait(false), out var owner)
            && owner != Environment.ProcessId && IsAlive(owner))
        {
            throw new DatabaseStartupException(
                $"The embedded PostgreSQL in {DataDirectory} is already in use by process {owner}: stop that HealthChecker first, or point this one at another data folder (HC_DATA_DIR).");
        }

        _log.Warning("Stopping an embedded PostgreSQL left running by an earlier instance ({DataDirectory})", DataDirectory);
        await ExternalCommand.RunCheckedAsync(_runAs, _binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"],
            "Stopping the leftover PostgreSQL", ct).ConfigureAwait(false);
    }

    private async Task StartServerAsync(int? fixedPort, CancellationToken ct)
    {
        var previous = fixedPort is null ? await ReadPortFileAsync(ct).ConfigureAwait(false) : null;
        // A free port is probed, then released: another process may take it before the server binds,
        // so try a few. A port chosen by the caller is tried once; the previous one once, then free ones.
        var attempts = fixedPort is null ? 3 + (previous is null ? 0 : 1) : 1;
        for (var attempt = 1; ; attempt++)
        {
            Port = fixedPort ?? (attempt == 1 ? previous : null) ?? FreeLoopbackPort();
            var logOffset = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k '{SocketDirectory}' -c unix_socket_permissions=0700";
            var start = await ExternalCommand.RunAsync(_runAs, _binaries.PgCtl,
                ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", options], ct).ConfigureAwait(false);
            if (start.ExitCode == 0)
            {
                break;
            }

            var (reason, portTaken) = StartFailure(logOffset, start.LastLine);
            if (attempt == attempts || !portTaken)
            {
                throw new DatabaseStartupException($"The embedded PostgreSQL did not start: {reason} (log: {LogFile})");
            }
        }

        if (previous is not null && previous != Port)
        {
            _log.Warning("Port {Previous} of the embedded PostgreSQL is taken by another process: it listens on {Port} now, " +
                "and targets and clients that used the old port need the new one", previous, Port);
        }

        await File.WriteAllTextAsync(_portFile, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(_ownerFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
    }

    private async Task<int?> ReadPortFileAsync(CancellationToken ct)
    {
        if (!File.Exists(_portFile))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(_portFile, ct).ConfigureAwait(false);
        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535 ? port : null;
    }

    private async Task CreateDatabaseIfMissingAsync(CancellationToken ct)
    {
        // Not pooled: after a restart on the same port a pooled connection would be a dead one.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(BuildConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.Add(new NpgsqlParameter { Value = DatabaseName });
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", conn);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the server said about its failed start, from its log since <paramref name="offset"/>, and
    /// whether it could not bind its port: "could not bind" comes on a line of its own, before the FATAL
    /// "could not create any TCP/IP sockets", and is the reason given then; otherwise the last FATAL line.
    /// </summary>
    private (string Reason, bool PortTaken) StartFailure(long offset, string fallback)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(offset, SeekOrigin.Begin);
            var lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // The bind line names the address and the cause ("Address already in use"): the clearer reason.
            var bind = lines.LastOrDefault(l => l.Contains("could not bind", StringComparison.Ordinal));
            var reason = bind ?? lines.LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? fallback;
            return (reason, bind is not null);
        }
        catch (IOException)
        {
            return (fallback, false);
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string ShortHash(string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10].ToLowerInvariant();

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(40).ToArray());
}
