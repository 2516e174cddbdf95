using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HealthChecker.Testing;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// The built HealthChecker.Web.dll as a child process on a free loopback port, with a throwaway data directory (so
/// it runs its own embedded PostgreSQL), a generated admin password and no example targets; stopped with SIGTERM.
/// </summary>
internal sealed class WebApp : IAsyncDisposable
{
    private readonly WebAppChild _child;
    private readonly StreamWriter _log;

    private WebApp(WebAppChild child, StreamWriter log, string logFile, Uri baseUrl, string password)
    {
        _child = child;
        _log = log;
        LogFile = logFile;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        Anonymous = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Root => _child.Root;

    public string DataDirectory => _child.DataDirectory;

    public Uri BaseUrl { get; }

    public int Pid => _child.Pid;

    /// <summary>Everything the app wrote, kept after the run.</summary>
    public string LogFile { get; }

    /// <summary>Signed in as the admin (HTTP Basic).</summary>
    public HttpClient Http { get; }

    /// <summary>No credentials: reads are open, and a read pays for no password hash.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>The last lines the app wrote, for a failure message.</summary>
    public string Tail => _child.Output;

    /// <summary>Starts the app and waits until it serves requests; its log goes to <c>hc-NAME-PID.log</c> in the temporary folder, <paramref name="logName"/> naming it.</summary>
    public static async Task<WebApp> StartAsync(string dll, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null, string logName = "dashbench")
    {
        var baseUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var settings = new Dictionary<string, string>
        {
            ["HC_URLS"] = baseUrl.ToString().TrimEnd('/'),
            ["HC_ADMIN_PASSWORD"] = password,
            // Exactly the benchmark's targets: no PostgreSQL and /healthz examples beside them.
            ["HealthChecker__Monitor__SeedExamples"] = "false",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        var logFile = Path.Combine(Path.GetTempPath(), $"hc-{logName}-{Environment.ProcessId}.log");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var app = new WebApp(WebAppChild.Launch(dll, "hc-dashbench", [], settings, keptLines: 40, log), log, logFile, baseUrl, password);
        try
        {
            await app._child.WaitUntilStartedAsync(limit).ConfigureAwait(false);
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

    /// <summary>kill -9: the app and anything it started die at once, nothing flushed; returns once it exited.</summary>
    public Task KillAsync() => _child.KillAsync();

    public async Task<int> StopAsync()
    {
        try
        {
            return await _child.StopAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _child.KillAsync().ConfigureAwait(false);
            return await _child.WaitForExitAsync(TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_child.HasExited)
        {
            await StopAsync().ConfigureAwait(false);
        }

        await _child.DisposeAsync().ConfigureAwait(false);
        Http.Dispose();
        Anonymous.Dispose();
        await _log.DisposeAsync().ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The part of <c>/api/status</c> the benchmark reads.</summary>
    internal sealed record Status(Counts Counts, long Checks);

    /// <summary>A page of a paged list (<c>?limit=&amp;after=</c>).</summary>
    internal sealed record Page<T>(int Total, int Limit, string? Next, IReadOnlyList<T> Items);

    internal sealed record Counts(int Targets, int Up, int Down, int Maint);

    internal sealed record TargetStatus(long? Id, string Name, string State, string Display, string? LastStatus, string? LastInfo, DateTimeOffset? LastCheckAt, DateTimeOffset LastChange);
}
