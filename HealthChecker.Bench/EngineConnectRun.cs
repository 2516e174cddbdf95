using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;

namespace HealthChecker.Bench;

/// <summary>The engine's connect-only checks on one event loop.</summary>
internal static class EngineConnectRun
{
    private static readonly CheckEngine Engine = new();

    public static async Task<(int Passed, int Failed)> RunAsync(IPEndPoint target, int checks, int inflight, TimeSpan timeout)
    {
        var spec = new CheckSpec(CheckTarget.Tcp(target.Address, target.Port), timeout);
        var results = await Engine.RunAllAsync(Enumerable.Repeat(spec, checks).ToList(), inflight).ConfigureAwait(false);
        var passed = results.Count(r => r.Passed);
        return (passed, results.Count - passed);
    }
}
