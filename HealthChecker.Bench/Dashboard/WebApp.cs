using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// The built HealthChecker.Web.dll as a child process on a free loopback port, with a throwaway data directory (so
/// it runs its own embedded PostgreSQL), a generated admin password and no example targets; stopped with SIGTERM.
/// </summary>
internal sealed partial class WebApp : IAsyncDisposable
{
    private const int SIGTERM = 15;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebApp(Process process, string root, Uri baseUrl, string password)
    {
        _process = process;
        Root = root;
        LogFile = Path.Combine(Path.GetTempPath(), $"hc-dashbench-{Environment.ProcessId}.log");
        _log = new StreamWriter(LogFile) { AutoFlush = true };
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        Anonymous = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public Uri BaseUrl { get; }

    public int Pid => _process.Id;

    /// <summary>Everything the app wrote, kept after the run.</summary>
    public string LogFile { get; }

    /// <summary>Signed in as the admin (HTTP Basic).</summary>
    public HttpClient Http { get; }

    /// <summary>No credentials: reads are open, and a read pays for no password hash.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>The last lines the app wrote, for a failure message.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public static async Task<WebApp> StartAsync(string dll, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Not Directory.CreateTempSubdirectory: its mode 0700 would keep the postgres user (the app runs the cluster as postgres under root) out.
        var root = Path.Combine(Path.GetTempPath(), $"hc-dashbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var inherited in new[] { "HC_DATABASE", "ConnectionStrings__HealthChecker", "HC_REQUIRE_LOGIN", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            info.Environment.Remove(inherited);
        }

        info.Environment["HC_URLS"] = baseUrl.ToString().TrimEnd('/');
        info.Environment["HC_DATA_DIR"] = Path.Combine(root, "data");
        info.Environment["HC_ADMIN_PASSWORD"] = password;
        // Exactly the benchmark's targets: no PostgreSQL and /healthz examples beside them.
        info.Environment["HealthChecker__Monitor__SeedExamples"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var app = new WebApp(process, root, baseUrl, password);
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        process.Exited += (_, _) => app._started.TrySetException(new InvalidOperationException($"the web app exited during start-up:\n{app.Tail}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app._started.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return app;
    }

    /// <summary>Imports a targets file (all or nothing; with <paramref name="replace"/> it deletes the others); returns how long the request took.</summary>
    public async Task<TimeSpan> ImportAsync(string yaml, bool replace = false)
    {
        var clock = Stopwatch.StartNew();
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await Http.PostAsync(new Uri(replace ? "api/targets/import?replace=true" : "api/targets/import", UriKind.Relative), content).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"import refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }

        return clock.Elapsed;
    }

    /// <summary>The summary of <c>/api/status</c>: the engine's counts.</summary>
    public async Task<Status> StatusAsync()
    {
        var json = await Anonymous.GetStringAsync(new Uri("api/status", UriKind.Relative)).ConfigureAwait(false);
        return JsonSerializer.Deserialize<Status>(json, JsonOptions)!;
    }

    /// <summary>Every target's live state, from the pages of <c>/api/status/targets</c>.</summary>
    public async Task<List<TargetStatus>> TargetStatesAsync()
    {
        var targets = new List<TargetStatus>();
        string? next = null;
        do
        {
            var url = next is null ? "api/status/targets?limit=1000" : $"api/status/targets?limit=1000&after={Uri.EscapeDataString(next)}";
            var page = JsonSerializer.Deserialize<Page<TargetStatus>>(await Anonymous.GetStringAsync(new Uri(url, UriKind.Relative)).ConfigureAwait(false), JsonOptions)!;
            targets.AddRange(page.Items);
            next = page.Next;
        }
        while (next is not null);

        return targets;
    }

    /// <summary>Waits until the engine runs <paramref name="count"/> targets, all checked and UP.</summary>
    public async Task<TimeSpan> WaitAllUpAsync(int count, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync().ConfigureAwait(false);
            if (status.Counts.Targets == count && status.Counts.Up == count && (await TargetStatesAsync().ConfigureAwait(false)).All(t => t.LastCheckAt is not null))
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"after {limit}: {status.Counts.Up} of {status.Counts.Targets} targets UP (expected {count})");
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    /// <summary>One sample from <c>/metrics</c> with no labels (for example <c>dotnet_total_memory_bytes</c>), or null.</summary>
    public async Task<double?> MetricAsync(string name)
    {
        var text = await Http.GetStringAsync(new Uri("metrics", UriKind.Relative)).ConfigureAwait(false);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal)
                && double.TryParse(line.AsSpan(name.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The postmaster of this app's cluster and its children (backends, writers).</summary>
    public IReadOnlyList<int> PostgresProcesses()
    {
        var postmaster = ProcFs.Pids().FirstOrDefault(pid =>
            ProcFs.CommandLine(pid) is { } c && c.Contains("postgres", StringComparison.Ordinal) && c.Contains(DataDirectory, StringComparison.Ordinal));
        return postmaster == 0 ? [] : [postmaster, .. ProcFs.Pids().Where(pid => ProcFs.ParentOf(pid) == postmaster)];
    }

    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = kill(_process.Id, SIGTERM);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        Http.Dispose();
        Anonymous.Dispose();
        lock (_tail)
        {
            _log.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder is no reason to fail the run.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }

        // Logged by the host once Kestrel listens and every hosted service (the database first) has started.
        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    /// <summary>The part of <c>/api/status</c> the benchmark reads.</summary>
    internal sealed record Status(Counts Counts, long Checks);

    /// <summary>A page of a paged list (<c>?limit=&amp;after=</c>).</summary>
    internal sealed record Page<T>(int Total, int Limit, string? Next, IReadOnlyList<T> Items);

    internal sealed record Counts(int Targets, int Up, int Down, int Maint);

    internal sealed record TargetStatus(long? Id, string Name, string State, string Display, string? LastStatus, string? LastInfo, DateTimeOffset? LastCheckAt, DateTimeOffset LastChange);
}
