using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using HealthChecker.Testing;

namespace HealthChecker.Bench.Alerts;

/// <summary>
/// Debian's Alertmanager, started on a free loopback port with a generated config (no clustering, storage in a temp
/// directory): one route per benchmark rule, grouped by alertname (one group per rule, as HealthChecker groups), each
/// to a webhook receiver path. <see cref="Push"/> queues an alert; a pusher sends what is queued at once, in batches of
/// at most 64 (Prometheus's notifier batch size), to <c>/api/v2/alerts</c> as a Prometheus would.
/// </summary>
internal sealed class AlertmanagerBaseline : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    private const int BatchSize = 64;

    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Channel<Pushed> _queue = Channel.CreateUnbounded<Pushed>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pusher;
    private long _posts;
    private long _failures;

    /// <summary>A route: alerts with this alertname go to this receiver path, with these timings.</summary>
    public sealed record Route(string AlertName, Uri Receiver, TimeSpan GroupWait, TimeSpan GroupInterval);

    private sealed record Pushed(string AlertName, string Target, DateTimeOffset StartsAt, DateTimeOffset? EndsAt);

    private AlertmanagerBaseline(Process process, DirectoryInfo directory, Uri url)
    {
        _process = process;
        _directory = directory;
        Url = url;
        _pusher = Task.Run(PushAsync);
    }

    public Uri Url { get; }

    public long Posts => Interlocked.Read(ref _posts);

    public long Failures => Interlocked.Read(ref _failures);

    public static string Version()
    {
        var psi = new ProcessStartInfo(Binary, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var said = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        // "alertmanager, version 0.25.0+ds (branch: debian/sid, revision: 0.25.0+ds-1)": keep name and version.
        var first = said.Split('\n')[0];
        return string.Join(' ', first.Split(' ').Take(3)).Replace(",", "", StringComparison.Ordinal);
    }

    public static async Task<AlertmanagerBaseline> StartAsync(IReadOnlyList<Route> routes)
    {
        var directory = Directory.CreateTempSubdirectory("hc-bench-alertmanager-");
        var config = Path.Combine(directory.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(config, Config(routes)).ConfigureAwait(false);
        int port = LoopbackPorts.Free();
        var psi = new ProcessStartInfo(Binary,
        [
            $"--config.file={config}", $"--storage.path={Path.Combine(directory.FullName, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(psi)!;
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var url = new Uri($"http://127.0.0.1:{port}/");
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (int i = 0; i < 300 && !process.HasExited; i++)
        {
            try
            {
                using var ready = await probe.GetAsync(new Uri(url, "-/ready")).ConfigureAwait(false);
                if (ready.IsSuccessStatusCode)
                {
                    return new AlertmanagerBaseline(process, directory, url);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        directory.Delete(recursive: true);
        lock (log)
        {
            throw new InvalidOperationException($"Alertmanager did not become ready: {log}");
        }
    }

    /// <summary>The generated config: a root route (the first rule's) and one child route per further rule.</summary>
    public static string Config(IReadOnlyList<Route> routes)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var root = routes[0];
        sb.AppendLine("route:");
        sb.AppendLine(inv, $"  receiver: {root.AlertName}");
        sb.AppendLine("  group_by: [alertname]");
        sb.AppendLine(inv, $"  group_wait: {Seconds(root.GroupWait)}");
        sb.AppendLine(inv, $"  group_interval: {Seconds(root.GroupInterval)}");
        sb.AppendLine("  routes:");
        foreach (var r in routes.Skip(1))
        {
            sb.AppendLine(inv, $"    - receiver: {r.AlertName}");
            sb.AppendLine(inv, $"      matchers: ['alertname=\"{r.AlertName}\"']");
            sb.AppendLine(inv, $"      group_wait: {Seconds(r.GroupWait)}");
            sb.AppendLine(inv, $"      group_interval: {Seconds(r.GroupInterval)}");
        }

        sb.AppendLine("receivers:");
        foreach (var r in routes)
        {
            sb.AppendLine(inv, $"  - name: {r.AlertName}");
            sb.AppendLine("    webhook_configs:");
            sb.AppendLine(inv, $"      - url: {r.Receiver}");
            sb.AppendLine("        send_resolved: true");
        }

        return sb.ToString();
    }

    /// <summary>Queues a firing alert (no end: Alertmanager gives it its resolve_timeout) or, with an end, its resolution.</summary>
    public void Push(string alertName, string target, DateTimeOffset startsAt, DateTimeOffset? endsAt) =>
        _queue.Writer.TryWrite(new Pushed(alertName, target, startsAt, endsAt));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pusher.ConfigureAwait(false);
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        _http.Dispose();
        _directory.Delete(recursive: true);
    }

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:F0}ms");

    private async Task PushAsync()
    {
        var batch = new List<Pushed>(BatchSize);
        var endpoint = new Uri(Url, "api/v2/alerts");
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                if (batch.Count == BatchSize)
                {
                    await PostAsync(endpoint, batch).ConfigureAwait(false);
                }
            }

            if (batch.Count > 0)
            {
                await PostAsync(endpoint, batch).ConfigureAwait(false);
            }
        }
    }

    private async Task PostAsync(Uri endpoint, List<Pushed> batch)
    {
        var body = batch.Select(p =>
        {
            var alert = new Dictionary<string, object>
            {
                ["labels"] = new Dictionary<string, string> { ["alertname"] = p.AlertName, ["group"] = p.Target.Split('/')[0], ["target"] = p.Target },
                ["startsAt"] = p.StartsAt.ToString("O", CultureInfo.InvariantCulture),
            };
            if (p.EndsAt is { } end)
            {
                alert["endsAt"] = end.ToString("O", CultureInfo.InvariantCulture);
            }

            return alert;
        }).ToList();
        batch.Clear();
        try
        {
            using var answer = await _http.PostAsJsonAsync(endpoint, body).ConfigureAwait(false);
            Interlocked.Increment(ref _posts);
            if (!answer.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _failures);
                Console.Error.WriteLine($"Alertmanager answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }
        }
        catch (HttpRequestException e)
        {
            Interlocked.Increment(ref _failures);
            Console.Error.WriteLine($"Alertmanager push failed: {e.Message}");
        }
    }
}
