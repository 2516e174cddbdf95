// STAND-IN for the store that lands in main (issue 2): the signatures match the agreed
// contract exactly; the bodies are a crude but real embedded cluster so that the web app and
// its browser test run end to end. This whole file is deleted when the real store is merged.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HealthChecker.Core.Store;

public sealed class DatabaseStartupException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class HealthCheckerDatabase : IAsyncDisposable
{
    private HealthCheckerDatabase(NpgsqlDataSource dataSource, LocalCluster? cluster)
    {
        DataSource = dataSource;
        Cluster = cluster;
    }

    public NpgsqlDataSource DataSource { get; }

    public LocalCluster? Cluster { get; }

    public static async Task<HealthCheckerDatabase> OpenAsync(string? connectionString, string dataRoot, Serilog.ILogger log, CancellationToken ct = default)
    {
        LocalCluster? cluster = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            cluster = await LocalCluster.StartAsync(Path.GetFullPath(dataRoot), log, ct).ConfigureAwait(false);
            connectionString = cluster.ConnectionString;
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseStartupException($"The database connection string is not valid: {e.Message}", e);
        }

        try
        {
            await ApplyMigrationsAsync(dataSource, log, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            throw new DatabaseStartupException($"Cannot use the database: {e.Message}", e);
        }

        return new HealthCheckerDatabase(dataSource, cluster);
    }

    private static async Task ApplyMigrationsAsync(NpgsqlDataSource dataSource, Serilog.ILogger log, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", connection))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var folder = Path.Combine(AppContext.BaseDirectory, "db");
        foreach (var file in Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            await using var exists = new NpgsqlCommand("SELECT count(*) FROM schema_migrations WHERE name = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if ((long)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0)
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var apply = new NpgsqlCommand(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = name });
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            log.Information("Applied migration {Migration}", name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}

public sealed class LocalCluster : IAsyncDisposable
{
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private readonly Serilog.ILogger _log;
    private int _stopped;

    private LocalCluster(string binDirectory, bool asPostgresUser, string dataDirectory, string socketDirectory, int port, Serilog.ILogger log)
    {
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
        _log = log;
        DataDirectory = dataDirectory;
        SocketDirectory = socketDirectory;
        Port = port;
        ConnectionString = $"Host={socketDirectory};Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public string SocketDirectory { get; }

    public int Port { get; }

    internal static async Task<LocalCluster> StartAsync(string dataRoot, Serilog.ILogger log, CancellationToken ct)
    {
        var bin = FindBinDirectory() ?? throw new DatabaseStartupException(
            "PostgreSQL binaries not found (pg_ctl): install them with 'apt-get install postgresql' or set HC_DATABASE to an existing server");
        var asPostgres = Environment.UserName == "root";
        var data = Path.Combine(dataRoot, "pg");
        var socket = Path.Combine(dataRoot, "run");
        Directory.CreateDirectory(dataRoot);
        Directory.CreateDirectory(socket);
        if (asPostgres)
        {
            await RunAsync("chown", ["postgres:postgres", socket], ct).ConfigureAwait(false);
        }

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            Directory.CreateDirectory(data);
            if (asPostgres)
            {
                await RunAsync("chown", ["postgres:postgres", data], ct).ConfigureAwait(false);
            }

            await RunPgAsync(bin, asPostgres, "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], ct).ConfigureAwait(false);
        }

        var port = FreePort();
        var cluster = new LocalCluster(bin, asPostgres, data, socket, port, log);
        await RunPgAsync(bin, asPostgres, "pg_ctl", ["-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {socket}", "start"], ct).ConfigureAwait(false);
        log.Information("PostgreSQL listening on socket {SocketDirectory} port {Port}", socket, port);
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await RunPgAsync(_binDirectory, _asPostgresUser, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None).ConfigureAwait(false);
        _log.Information("PostgreSQL stopped");
    }

    private static string? FindBinDirectory()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var pgCtl = Path.Combine(dir, "pg_ctl");
            if (File.Exists(pgCtl))
            {
                return Path.GetDirectoryName(new FileInfo(pgCtl).ResolveLinkTarget(true)?.FullName ?? pgCtl);
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).Order().LastOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunPgAsync(string bin, bool asPostgres, string tool, string[] args, CancellationToken ct) =>
        asPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args], ct)
            : RunAsync(Path.Combine(bin, tool), args, ct);

    private static async Task RunAsync(string file, string[] args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new DatabaseStartupException($"Cannot run {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        var error = (await stderr.ConfigureAwait(false)).Trim();
        _ = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var last = error.Split('\n').LastOrDefault(l => l.Length > 0) ?? $"exit code {process.ExitCode}";
            throw new DatabaseStartupException($"{Path.GetFileName(file)} {args.FirstOrDefault()} failed: {last}");
        }
    }
}

public sealed record TargetRecord(long Id, string Name, string GroupName, string Kind, string Host, int Port, string Options,
    int InterMs, int? FastinterMs, int? DowninterMs, int? TimeoutMs, int Rise, int Fall, int SpreadPct, bool StartUp, bool Enabled,
    DateTime CreatedAt, DateTime UpdatedAt);

public sealed class TargetStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<TargetRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, name, group_name, kind, host, port, options::text, inter_ms, fastinter_ms, downinter_ms, timeout_ms, rise, fall, spread_pct, start_up, enabled, created_at, updated_at FROM targets ORDER BY group_name, name");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<TargetRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new TargetRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetString(6),
                reader.GetInt32(7), await NullableAsync(reader, 8, ct).ConfigureAwait(false), await NullableAsync(reader, 9, ct).ConfigureAwait(false), await NullableAsync(reader, 10, ct).ConfigureAwait(false),
                reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13), reader.GetBoolean(14), reader.GetBoolean(15),
                reader.GetDateTime(16), reader.GetDateTime(17)));
        }

        return list;
    }

    private static async Task<int?> NullableAsync(NpgsqlDataReader reader, int ordinal, CancellationToken ct) =>
        await reader.IsDBNullAsync(ordinal, ct).ConfigureAwait(false) ? null : reader.GetInt32(ordinal);
}
