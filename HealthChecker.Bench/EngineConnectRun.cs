using System.Net;

namespace HealthChecker.Bench;

/// <summary>The engine's connect-only checks on one event loop.</summary>
internal static class EngineConnectRun
{
    public static Task<(int Passed, int Failed)> RunAsync(IPEndPoint target, int checks, int inflight, TimeSpan timeout) =>
        throw new NotSupportedException("The engine is not wired into the benchmark yet.");
}
