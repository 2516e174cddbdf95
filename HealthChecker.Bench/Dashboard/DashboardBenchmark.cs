using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Playwright;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// <c>dashboard</c>: the web app (its own embedded PostgreSQL) checking 10 targets, then 10 000, against loopback
/// peers, with Debian's Chromium on the dashboard. Measures time to first render and server memory per open circuit
/// at both sizes, and the time from a peer going down to its row turning DOWN in the browser; prints markdown.
/// </summary>
internal static class DashboardBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(Settings settings)
    {
        var started = DateTimeOffset.Now;
        var loadBefore = Uptime();
        var dll = settings.WebDll ?? LocateWebDll();
        Log($"web app: {dll}; {loadBefore}");

        using var peers = PeerProcess.Start(2 * settings.Repeats, bulkAddresses: 10);
        await using var app = await WebApp.StartAsync(dll, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        Log($"web app pid {app.Pid} on {app.BaseUrl}, its log in {app.LogFile}; peers pid {peers.Pid}");
        await using var browser = await DashboardBrowser.LaunchAsync(settings.Chromium, app.BaseUrl).ConfigureAwait(false);

        var small = peers.Ports.Watched.Length;
        await app.ImportAsync(BenchTargets.Watched(peers.Ports)).ConfigureAwait(false);
        await app.WaitAllUpAsync(small, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        var smallRun = await MeasureSizeAsync(app, browser, small, settings).ConfigureAwait(false);

        var bulk = settings.Targets - small;
        var importTime = await app.ImportAsync(BenchTargets.Bulk(peers.Ports, bulk)).ConfigureAwait(false);
        Log($"imported {bulk} targets in {importTime.TotalSeconds:F1} s");
        var allUp = await app.WaitAllUpAsync(settings.Targets, TimeSpan.FromMinutes(10)).ConfigureAwait(false);
        Log($"all {settings.Targets} UP {allUp.TotalSeconds:F1} s after the import");
        var largeRun = await MeasureSizeAsync(app, browser, settings.Targets, settings).ConfigureAwait(false);

        // The first half of the watched peers with one dashboard open, the second half with the N circuits open too.
        var down1 = await PeerDownAsync(app, browser, peers, 0, settings, extraCircuits: 0).ConfigureAwait(false);
        var downN = await PeerDownAsync(app, browser, peers, settings.Repeats, settings, extraCircuits: settings.Circuits - 1).ConfigureAwait(false);

        var loadAfter = Uptime();
        var exit = await app.StopAsync().ConfigureAwait(false);
        Log($"web app exited with {exit}");

        Console.WriteLine(Report(settings, started, loadBefore, loadAfter, smallRun, largeRun, importTime, allUp, down1, downN));
        return 0;
    }

    /// <summary>Memory with no circuit, then with N; then first renders (so no circuit of theirs lingers in the memory figures).</summary>
    private static async Task<SizeRun> MeasureSizeAsync(WebApp app, DashboardBrowser browser, int targets, Settings settings)
    {
        Log($"{targets} targets: settling {settings.Settle} s with no circuit");
        await Task.Delay(TimeSpan.FromSeconds(settings.Settle)).ConfigureAwait(false);
        var idle = await SampleAsync(app, settings).ConfigureAwait(false);
        Log($"  0 circuits: {idle}");

        var pages = new List<IPage>();
        for (var i = 0; i < settings.Circuits; i++)
        {
            pages.Add((await browser.OpenAsync(targets).ConfigureAwait(false)).Page);
        }

        Log($"  {settings.Circuits} circuits open; settling {settings.Settle} s");
        await Task.Delay(TimeSpan.FromSeconds(settings.Settle)).ConfigureAwait(false);
        var busy = await SampleAsync(app, settings).ConfigureAwait(false);
        Log($"  {settings.Circuits} circuits: {busy}");
        foreach (var page in pages)
        {
            await DashboardBrowser.CloseAsync(page).ConfigureAwait(false);
        }

        // One load to warm up (JIT of the page at this size), then the measured ones, each in a fresh context.
        var renders = new List<FirstRender>();
        for (var i = 0; i <= settings.Repeats; i++)
        {
            var (page, timing) = await browser.OpenAsync(targets).ConfigureAwait(false);
            await DashboardBrowser.CloseAsync(page).ConfigureAwait(false);
            Log($"  load {i}: {timing}");
            if (i > 0)
            {
                renders.Add(timing);
            }
        }

        return new SizeRun(targets, renders, idle, busy);
    }

    /// <summary>
    /// The managed heap right after a full GC forced over the app's diagnostics port (live objects only), then
    /// resident memory (median of samples over the window), PostgreSQL's share and the app's CPU over the window.
    /// </summary>
    private static async Task<MemorySample> SampleAsync(WebApp app, Settings settings)
    {
        const string Gen2 = "dotnet_collection_count_total{generation=\"2\"}";
        var gen2 = await app.MetricAsync(Gen2).ConfigureAwait(false);
        await RemoteGc.CollectAsync(app.Pid).ConfigureAwait(false);
        var heap = await app.MetricAsync("dotnet_total_memory_bytes").ConfigureAwait(false);
        var gcs = await app.MetricAsync(Gen2).ConfigureAwait(false) - gen2;
        if (gcs is not > 0)
        {
            Log("  warning: no full GC happened in the app when asked; the heap figure includes garbage");
        }

        var rss = new List<long>();
        var cpu0 = ProcFs.CpuTime(app.Pid);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.Samples; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            rss.Add(ProcFs.StatusKb(app.Pid, "VmRSS"));
        }

        var cpu = (ProcFs.CpuTime(app.Pid) - cpu0) / clock.Elapsed;
        var postgres = app.PostgresProcesses();
        var postgresPss = postgres.Sum(ProcFs.PssKb);
        rss.Sort();
        return new MemorySample(rss[rss.Count / 2], heap is { } h ? (long)(h / 1024) : null, postgresPss, postgres.Count, cpu * 100);
    }

    private static async Task<List<PeerDown>> PeerDownAsync(WebApp app, DashboardBrowser browser, PeerProcess peers, int first, Settings settings, int extraCircuits)
    {
        var extra = new List<IPage>();
        for (var i = 0; i < extraCircuits; i++)
        {
            extra.Add((await browser.OpenAsync(settings.Targets).ConfigureAwait(false)).Page);
        }

        var frames = new FrameCounter();
        var (page, _) = await browser.OpenAsync(settings.Targets, frames).ConfigureAwait(false);
        // What one open dashboard receives while nothing changes state (every check still moves the last-check columns).
        var before = frames.Now;
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(settings.Settle)).ConfigureAwait(false);
        var after = frames.Now;
        var traffic = new Traffic((after.Frames - before.Frames) / window.Elapsed.TotalSeconds, (after.Bytes - before.Bytes) / window.Elapsed.TotalSeconds);
        Log($"  pushed to one page: {traffic}");
        var runs = new List<PeerDown>();
        for (var i = first; i < first + settings.Repeats; i++)
        {
            var name = BenchTargets.WatchedName(i);
            await DashboardBrowser.WaitForRowAsync(page, name, "UP").ConfigureAwait(false);
            // A random phase against the target's check schedule, as a real outage has.
            await Task.Delay(TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(1000))).ConfigureAwait(false);
            await DashboardBrowser.WatchRowAsync(page, name).ConfigureAwait(false);
            var framesBefore = frames.Now;
            var down = await peers.StopAsync(i).ConfigureAwait(false);
            var shown = await DashboardBrowser.DownAtAsync(page, TimeSpan.FromSeconds(settings.DownLimit)).ConfigureAwait(false);
            var target = (await app.TargetStatesAsync().ConfigureAwait(false)).Single(t => t.Name == name);
            var changed = (target.LastChange - DateTimeOffset.UnixEpoch).TotalMilliseconds;
            var pushed = frames.Now.Frames - framesBefore.Frames;
            if (shown is null)
            {
                Log($"  {name}: not DOWN in the page {settings.DownLimit} s after the peer stopped; engine: {target.Display} since {changed - down:F0} ms after the stop ({target.LastStatus} {target.LastInfo}); " +
                    $"page: row {await DashboardBrowser.RowStateAsync(page, name).ConfigureAwait(false)}, {pushed} frames pushed meanwhile");
            }

            var run = new PeerDown(name, extraCircuits + 1, changed - down, (shown ?? double.NaN) - changed, (shown ?? double.NaN) - down, traffic,
                target.State == "DOWN" ? $"{target.LastStatus} {target.LastInfo}" : $"engine says {target.Display}", pushed);
            Log($"  {run}");
            runs.Add(run);
        }

        await DashboardBrowser.CloseAsync(page).ConfigureAwait(false);
        foreach (var p in extra)
        {
            await DashboardBrowser.CloseAsync(p).ConfigureAwait(false);
        }

        return runs;
    }

    private static string Report(Settings s, DateTimeOffset started, string loadBefore, string loadAfter, SizeRun small, SizeRun large,
        TimeSpan importTime, TimeSpan allUp, List<PeerDown> down1, List<PeerDown> downN)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"Run of {started:yyyy-MM-dd HH:mm zzz}; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; Chromium headless.");
        sb.AppendLine(Inv, $"`uptime` before: `{loadBefore}`; after: `{loadAfter}`.");
        sb.AppendLine(Inv, $"Import of {large.Targets - small.Targets} targets: {importTime.TotalSeconds:F1} s; all {large.Targets} UP {allUp.TotalSeconds:F1} s after it.");
        sb.AppendLine();
        sb.AppendLine(Inv, $"| dashboard `/` | {small.Targets:N0} targets | {large.Targets:N0} targets |");
        sb.AppendLine("|---|---:|---:|");
        Row(sb, $"totals shown, ms since navigation start (median / max of {s.Repeats})", small, large, r => MedianMax(r.Renders.Select(x => x.TotalsMs)));
        Row(sb, $"first render: rows and totals shown, ms (median / max of {s.Repeats})", small, large, r => MedianMax(r.Renders.Select(x => x.RenderedMs)));
        Row(sb, "circuit live (interactive), ms (median / max)", small, large, r => MedianMax(r.Renders.Select(x => x.InteractiveMs)));
        Row(sb, "HTML response: first / last byte, ms (median)", small, large,
            r => $"{Median(r.Renders.Select(x => x.ResponseStartMs)):F0} / {Median(r.Renders.Select(x => x.ResponseEndMs)):F0}");
        Row(sb, "HTML size, KB", small, large, r => $"{r.Renders[0].HtmlBytes / 1024.0:F0}");
        Row(sb, "target rows in the document once live", small, large, r => $"{r.Renders[0].Rows}");
        Row(sb, "web app VmRSS, 0 circuits, MB", small, large, r => $"{r.Idle.RssKb / 1024.0:F0}");
        Row(sb, $"web app VmRSS, {s.Circuits} circuits, MB", small, large, r => $"{r.Busy.RssKb / 1024.0:F0}");
        Row(sb, "**VmRSS per circuit, KB**", small, large, r => $"**{(r.Busy.RssKb - r.Idle.RssKb) / (double)s.Circuits:F0}**");
        Row(sb, $"managed heap after a full GC (`dotnet_total_memory_bytes`), 0 / {s.Circuits} circuits, MB", small, large,
            r => $"{Mb(r.Idle.HeapKb)} / {Mb(r.Busy.HeapKb)}");
        Row(sb, "managed heap per circuit, KB", small, large,
            r => r.Idle.HeapKb is { } a && r.Busy.HeapKb is { } b ? $"{(b - a) / (double)s.Circuits:F0}" : "n/a");
        Row(sb, $"web app CPU, 0 / {s.Circuits} circuits, % of one core", small, large, r => $"{r.Idle.CpuPercent:F0} / {r.Busy.CpuPercent:F0}");
        Row(sb, $"PostgreSQL PSS (all its processes), 0 / {s.Circuits} circuits, MB", small, large,
            r => $"{r.Idle.PostgresPssKb / 1024.0:F0} / {r.Busy.PostgresPssKb / 1024.0:F0}");
        sb.AppendLine();
        sb.AppendLine(Inv, $"| peer down → row DOWN ({large.Targets:N0} targets) | circuits open | runs | total, ms (median / max) | detection: peer down → engine's state change, ms | push: state change → row DOWN in the page, ms | pushed to the page before, frames/s · KB/s |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var runs in new[] { down1, downN })
        {
            var t = runs[0].Traffic;
            var shown = runs.Where(r => r.Shown).ToList();
            var missed = runs.Count - shown.Count;
            var total = shown.Count == 0 ? "–" : MedianMax(shown.Select(r => r.TotalMs)) + (missed > 0 ? $" ({missed} not shown within {s.DownLimit} s)" : "");
            sb.AppendLine(Inv, $"| inter 1s, fall 1, refused connect | {runs[0].Circuits} | {runs.Count} | {total} | {MedianMax(runs.Select(r => r.DetectMs))} | {(shown.Count == 0 ? "–" : MedianMax(shown.Select(r => r.PushMs)))} | {t.FramesPerSecond:F1} · {t.BytesPerSecond / 1024:F1} |");
        }

        sb.AppendLine();
        sb.AppendLine("Each outage (engine's last result when read after it; times in ms from the peer's stop):");
        sb.AppendLine();
        foreach (var r in down1.Concat(downN))
        {
            sb.AppendLine(Inv, $"- {r.Target}, {r.Circuits} circuit(s): engine DOWN at {r.DetectMs:F0}, page at {(r.Shown ? r.TotalMs.ToString("F0", Inv) : "never")}; {r.Cause}; {r.FramesPushed} frames pushed to the page meanwhile");
        }

        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string label, SizeRun small, SizeRun large, Func<SizeRun, string> cell) =>
        sb.AppendLine(Inv, $"| {label} | {cell(small)} | {cell(large)} |");

    private static string Mb(long? kb) => kb is { } k ? (k / 1024.0).ToString("F0", Inv) : "n/a";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string MedianMax(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? "–" : string.Create(Inv, $"{Median(list):F0} / {list.Max():F0}");
    }

    private static string Uptime()
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"load average: {load[0]}, {load[1]}, {load[2]}";
    }

    /// <summary>HealthChecker.Web's Release build in the checkout the benchmark runs from.</summary>
    internal static string LocateWebDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HealthChecker.sln")))
            {
                var dll = Path.Combine(dir.FullName, "HealthChecker.Web", "bin", "Release", "net10.0", "HealthChecker.Web.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the web app first: dotnet build HealthChecker.Web -c Release ({dll} is missing)");
            }
        }

        throw new FileNotFoundException("not inside a HealthChecker checkout: pass --web path/to/HealthChecker.Web.dll");
    }

    private static void Log(string message) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    /// <summary>What the command line sets: sizes, repetitions, settle times, the browser and the app.</summary>
    internal sealed record Settings(int Targets, int Circuits, int Repeats, int Settle, int Samples, int DownLimit, string Chromium, string? WebDll);

    private sealed record SizeRun(int Targets, List<FirstRender> Renders, MemorySample Idle, MemorySample Busy);

    private sealed record MemorySample(long RssKb, long? HeapKb, long PostgresPssKb, int PostgresProcesses, double CpuPercent);

    /// <summary>One outage; the times are NaN when the page did not show it within the limit.</summary>
    private sealed record PeerDown(string Target, int Circuits, double DetectMs, double PushMs, double TotalMs, Traffic Traffic, string Cause, long FramesPushed)
    {
        public bool Shown => !double.IsNaN(TotalMs);
    }

    private sealed record Traffic(double FramesPerSecond, double BytesPerSecond);
}
