using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace HealthChecker.Bench.Dashboard;

/// <summary>The parent's end of <see cref="DashboardPeers"/>: its ports, and stopping one watched peer.</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, PeerPorts ports)
    {
        _process = process;
        Ports = ports;
    }

    public PeerPorts Ports { get; }

    public int Pid => _process.Id;

    public static PeerProcess Start(int watched, int bulkAddresses)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "HealthChecker.Bench"),
            ["dashboard-peers", "--watched", watched.ToString(CultureInfo.InvariantCulture), "--bulk-addresses", bulkAddresses.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the peers");
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the peers printed nothing");
        return new PeerProcess(process, JsonSerializer.Deserialize<PeerPorts>(line)!);
    }

    /// <summary>Closes watched peer <paramref name="index"/>; returns when it went down, in Unix milliseconds.</summary>
    public async Task<double> StopAsync(int index)
    {
        await _process.StandardInput.WriteLineAsync($"stop {index}").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        var line = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        var parts = line?.Split(' ');
        return parts is ["stopped", _, var at]
            ? double.Parse(at, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"unexpected answer from the peers: {line}");
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
