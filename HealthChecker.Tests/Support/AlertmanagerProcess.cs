using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Support;

/// <summary>
/// Debian's Alertmanager (<c>/usr/bin/prometheus-alertmanager</c>, installed by test.sh) started on a free loopback port,
/// clustering off, its storage in a temporary folder; it routes every alert to <paramref name="webhook"/> at once
/// (group_wait 0 s, group_interval 1 s, resolutions too). Ready once <c>/-/ready</c> answers.
/// </summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";

    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private AlertmanagerProcess(Process process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<AlertmanagerProcess> StartAsync(Uri webhook)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run ./test.sh, which installs Debian's prometheus-alertmanager (apt-get install prometheus-alertmanager)");
        }

        var folder = Directory.CreateTempSubdirectory("hc-alertmanager-").FullName;
        var config = Path.Combine(folder, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: {webhook}
                    send_resolved: true
            """);
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=", "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Binary} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var alertmanager = new AlertmanagerProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await alertmanager.WaitReadyAsync();
        return alertmanager;
    }

    /// <summary>The alerts Alertmanager holds and has not seen end (its <c>GET /api/v2/alerts</c>).</summary>
    public async Task<IReadOnlyList<JsonElement>> AlertsAsync()
    {
        var alerts = await _http.GetFromJsonAsync<JsonElement>(new Uri(Url, "api/v2/alerts"));
        return [.. alerts.EnumerateArray()];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task WaitReadyAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Binary} exited with {_process.ExitCode} before it was ready");
            }

            try
            {
                using var answer = await _http.GetAsync(new Uri(Url, "-/ready"));
                if (answer.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Binary} was not ready within 30 s");
    }
}
