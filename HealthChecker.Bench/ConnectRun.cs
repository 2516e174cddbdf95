using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace HealthChecker.Bench;

/// <summary>One measured run of one implementation, in a process of its own: prints one JSON line.</summary>
internal static class ConnectRun
{
    public sealed record Report(string Impl, int Checks, int Passed, int Failed, double Seconds, long UserMicros, long SystemMicros, long MaxRssKb)
    {
        public double ChecksPerSecond => Checks / Seconds;

        public double CpuMicrosPerCheck => (double)(UserMicros + SystemMicros) / Checks;
    }

    public static async Task<int> RunAsync(string impl, int port, int checks, int inflight, int warmup)
    {
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var timeout = TimeSpan.FromSeconds(2);
        Func<int, Task<(int Passed, int Failed)>> run = impl switch
        {
            "baseline" => async n =>
            {
                var t = await SocketBaseline.RunAsync(target, n, inflight, timeout).ConfigureAwait(false);
                return (t.PassedCount, t.FailedCount);
            },
            "engine" => n => EngineConnectRun.RunAsync(target, n, inflight, timeout),
            _ => throw new ArgumentException($"unknown implementation '{impl}' (engine, baseline)"),
        };

        // Warm-up: JIT and first-use allocations are not what a long-running checker pays per check.
        await run(warmup).ConfigureAwait(false);
        GC.Collect();

        var before = ResourceUsage.Now();
        var clock = Stopwatch.StartNew();
        var (passed, failed) = await run(checks).ConfigureAwait(false);
        clock.Stop();
        var used = ResourceUsage.Now() - before;

        var report = new Report(impl, checks, passed, failed, clock.Elapsed.TotalSeconds, used.UserMicros, used.SystemMicros, used.MaxRssKb);
        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }
}
