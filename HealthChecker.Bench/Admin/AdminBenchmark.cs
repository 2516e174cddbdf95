using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HealthChecker.Bench.Dashboard;

namespace HealthChecker.Bench.Admin;

/// <summary>
/// <c>admin</c>: the admin's view at scale. For a baseline size, then the large one, each on a fresh app with its own
/// embedded PostgreSQL: imports the targets (connect checks of one loopback port, inter 60s, spread 50%), then times
/// the <c>/targets</c> first page, the <c>/api/status</c> summary and a page of each paged list, the export, and
/// deleting every target; measures the app's resident memory throughout. Prints markdown.
/// </summary>
internal static class AdminBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string Usage = "       HealthChecker.Bench admin [--targets 100000] [--baseline 1000] [--repeats 21] [--settle 30] [--web HealthChecker.Web.dll] [--app-env NAME=VALUE,...]";

    internal sealed record Settings(int Targets, int Baseline, int Repeats, int Settle, string? WebDll, string? AppEnvironment);

    public static async Task<int> RunAsync(Settings settings)
    {
        var started = DateTimeOffset.Now;
        var dll = settings.WebDll ?? DashboardBenchmark.LocateWebDll();
        Log($"web app: {dll}");
        using var peer = new AcceptingPeer();
        var baseline = await MeasureAsync(settings.Baseline, peer.Port, dll, settings).ConfigureAwait(false);
        var large = await MeasureAsync(settings.Targets, peer.Port, dll, settings).ConfigureAwait(false);
        Console.WriteLine(Report(settings, started, baseline, large));
        return 0;
    }

    private static async Task<Run> MeasureAsync(int count, int port, string dll, Settings settings)
    {
        await using var app = await WebApp.StartAsync(dll, TimeSpan.FromMinutes(3), Environment(settings.AppEnvironment)).ConfigureAwait(false);
        Log($"{count} targets: app pid {app.Pid} on {app.BaseUrl}, its log in {app.LogFile}");
        await Task.Delay(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        var rssEmpty = RssMb(app.Pid);

        var yaml = TargetsFile(count, port);
        var sampler = RssSampler.Start(app.Pid);
        var import = await app.ImportAsync(yaml).ConfigureAwait(false);
        var importPeak = await sampler.PeakMbAsync().ConfigureAwait(false);
        await sampler.DisposeAsync().ConfigureAwait(false);
        Log($"  import {import.TotalSeconds:F1} s, peak RSS {importPeak:F0} MB");
        var scheduled = await WaitScheduledAsync(app, count).ConfigureAwait(false);
        Log($"  all scheduled {scheduled.TotalSeconds:F1} s after the import");
        // Past the burst of the import's own work (the first checks are spread over the interval anyway).
        await Task.Delay(TimeSpan.FromSeconds(10)).ConfigureAwait(false);

        var page = await TimeAsync(app, "targets", settings.Repeats).ConfigureAwait(false);
        var status = await TimeAsync(app, "api/status", settings.Repeats).ConfigureAwait(false);
        var statusPage = await TimeAsync(app, "api/status/targets?limit=100", settings.Repeats).ConfigureAwait(false);
        var apiPage = await TimeAsync(app, "api/targets?limit=100", settings.Repeats).ConfigureAwait(false);
        var beforeLast = Enumerable.Range(0, count).Select(Name).Order(StringComparer.Ordinal).ElementAt(Math.Max(0, count - 101));
        var apiLast = await TimeAsync(app, $"api/targets?limit=100&after={Uri.EscapeDataString(beforeLast)}", settings.Repeats).ConfigureAwait(false);
        Log($"  /targets {page}; /api/status {status}; /api/status/targets {statusPage}; /api/targets {apiPage}, near the end {apiLast}");

        sampler = RssSampler.Start(app.Pid);
        var clock = Stopwatch.StartNew();
        var exported = await app.Anonymous.GetByteArrayAsync(new Uri("api/targets/export", UriKind.Relative)).ConfigureAwait(false);
        var export = new Export(clock.Elapsed, exported.Length, await sampler.PeakMbAsync().ConfigureAwait(false));
        await sampler.DisposeAsync().ConfigureAwait(false);
        Log($"  export {export.Time.TotalSeconds:F1} s, {exported.Length / 1048576.0:F1} MB, peak RSS {export.PeakMb:F0} MB");
        var rssLoaded = RssMb(app.Pid);

        var delete = await app.ImportAsync("targets: []\n", replace: true).ConfigureAwait(false);
        await WaitScheduledAsync(app, 0).ConfigureAwait(false);
        Log($"  deleted every target in {delete.TotalSeconds:F1} s; settling {settings.Settle} s");
        await Task.Delay(TimeSpan.FromSeconds(settings.Settle)).ConfigureAwait(false);
        var rssDeleted = RssMb(app.Pid);
        var heapDeleted = (await app.MetricAsync("dotnet_total_memory_bytes").ConfigureAwait(false) ?? double.NaN) / 1048576.0;
        await RemoteGc.CollectAsync(app.Pid).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        var rssCollected = RssMb(app.Pid);
        Log($"  RSS after the delete {rssDeleted:F0} MB (GC heap {heapDeleted:F0} MB), after a full GC {rssCollected:F0} MB");

        return new Run(count, rssEmpty, import, importPeak, scheduled, page, status, statusPage, apiPage, apiLast, export, rssLoaded, delete,
            rssDeleted, heapDeleted, rssCollected);
    }

    /// <summary>Connect checks of one loopback port, inter 60s with spread, in 100 groups.</summary>
    private static string TargetsFile(int count, int port)
    {
        var yaml = new StringBuilder("defaults:\n  inter: 60s\n  spread: 50\ntargets:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append(Inv, $"  - name: {Name(i)}\n    check: tcp://127.0.0.1:{port}\n");
        }

        return yaml.ToString();
    }

    private static string Name(int i) => $"g{i % 100:D3}/t{i:D6}";

    /// <summary>The median time and the size of an anonymous GET, after one request to warm it.</summary>
    private static async Task<Timed> TimeAsync(WebApp app, string url, int repeats)
    {
        var times = new List<double>();
        var bytes = 0;
        for (var i = 0; i <= repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await app.Anonymous.GetAsync(new Uri(url, UriKind.Relative)).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode}");
            }

            bytes = body.Length;
            if (i > 0)
            {
                times.Add(elapsed);
            }
        }

        times.Sort();
        return new Timed(times[times.Count / 2], bytes);
    }

    private static async Task<TimeSpan> WaitScheduledAsync(WebApp app, int count)
    {
        var clock = Stopwatch.StartNew();
        while ((await app.StatusAsync().ConfigureAwait(false)).Counts.Targets != count)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"the engine did not schedule {count} targets within 5 minutes");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        return clock.Elapsed;
    }

    private static Dictionary<string, string> Environment(string? pairs) =>
        (pairs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private static double RssMb(int pid) => ProcFs.StatusKb(pid, "VmRSS") / 1024.0;

    private static string Report(Settings settings, DateTimeOffset started, Run small, Run large)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"Run {started:yyyy-MM-dd HH:mm} on {System.Environment.ProcessorCount} cores; {settings.Repeats} timed requests each (median, after one warm-up), settle {settings.Settle} s after the delete{(settings.AppEnvironment is { } env ? $"; app environment {env}" : "")}.");
        sb.AppendLine();
        sb.AppendLine(Inv, $"| measure | {small.Targets:N0} targets | {large.Targets:N0} targets | goal at 100 000 |");
        sb.AppendLine("|---|---:|---:|---|");
        Row(sb, "app RSS before the import, MB", small, large, r => F0(r.RssEmptyMb), "");
        Row(sb, "import (`POST /api/targets/import`), s", small, large, r => F1(r.Import.TotalSeconds), "< 10 s");
        Row(sb, "app peak RSS during the import, MB", small, large, r => F0(r.ImportPeakMb), "< 300 MB");
        Row(sb, "all scheduled after the import answered, s", small, large, r => F1(r.Scheduled.TotalSeconds), "");
        Row(sb, "`/targets` first page, ms · KB", small, large, r => r.Page.ToString(), "< 100 ms");
        Row(sb, "`/api/status` summary, ms · bytes", small, large, r => $"{r.Status.Ms:F1} · {r.Status.Bytes:N0}", "< 50 KB");
        Row(sb, "`/api/status/targets?limit=100`, ms · KB", small, large, r => r.StatusPage.ToString(), "paged");
        Row(sb, "`/api/targets?limit=100`, first page, ms · KB", small, large, r => r.ApiPage.ToString(), "paged");
        Row(sb, "`/api/targets?limit=100&after=`, last page, ms · KB", small, large, r => r.ApiLast.ToString(), "");
        Row(sb, "export (`GET /api/targets/export`), s · MB · peak RSS MB", small, large, r => $"{r.Export.Time.TotalSeconds:F1} · {r.Export.Bytes / 1048576.0:F1} · {r.Export.PeakMb:F0}", "streamed");
        Row(sb, "app RSS with the targets loaded, MB", small, large, r => F0(r.RssLoadedMb), "");
        Row(sb, "delete every target (`import ?replace=true` of an empty file), s", small, large, r => F1(r.Delete.TotalSeconds), "");
        Row(sb, $"app RSS {settings.Settle} s after the delete, MB (GC heap MB)", small, large, r => $"{r.RssDeletedMb:F0} ({r.HeapDeletedMb:F0})", "given back");
        Row(sb, "app RSS after a full GC, MB", small, large, r => F0(r.RssCollectedMb), "");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string measure, Run small, Run large, Func<Run, string> value, string goal) =>
        sb.AppendLine(Inv, $"| {measure} | {value(small)} | {value(large)} | {goal} |");

    private static string F0(double value) => value.ToString("F0", Inv);

    private static string F1(double value) => value.ToString("F1", Inv);

    private static void Log(string message) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    private sealed record Timed(double Ms, int Bytes)
    {
        public override string ToString() => $"{Ms.ToString("F1", Inv)} · {(Bytes / 1024.0).ToString("F1", Inv)}";
    }

    private sealed record Export(TimeSpan Time, int Bytes, double PeakMb);

    private sealed record Run(int Targets, double RssEmptyMb, TimeSpan Import, double ImportPeakMb, TimeSpan Scheduled, Timed Page, Timed Status,
        Timed StatusPage, Timed ApiPage, Timed ApiLast, Export Export, double RssLoadedMb, TimeSpan Delete, double RssDeletedMb, double HeapDeletedMb,
        double RssCollectedMb);
}
