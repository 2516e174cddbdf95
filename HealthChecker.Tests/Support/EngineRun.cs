using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Polling;

namespace HealthChecker.Tests.Support;

/// <summary>Runs checks through a real engine and waits for the results.</summary>
public static class EngineRun
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    public static CheckSpec Spec(IPEndPoint endPoint, TimeSpan? timeout = null) =>
        new(CheckTarget.Tcp(endPoint.Address, endPoint.Port), timeout ?? TimeSpan.FromSeconds(5));

    public static IReadOnlyList<CheckResult> All(PollerKind kind, IReadOnlyList<CheckSpec> specs, int maxInFlight)
    {
        using var engine = new CheckEngine(new CheckEngineOptions { Poller = kind });
        return All(engine, specs, maxInFlight);
    }

    public static IReadOnlyList<CheckResult> All(CheckEngine engine, IReadOnlyList<CheckSpec> specs, int maxInFlight)
    {
        var run = engine.RunAllAsync(specs, maxInFlight);
        Assert.True(run.Wait(TestTimeout), "the engine did not finish its checks in time");
        return run.Result;
    }

    public static CheckResult One(PollerKind kind, IPEndPoint endPoint, TimeSpan? timeout = null) =>
        All(kind, [Spec(endPoint, timeout)], 1)[0];

    public static IReadOnlyList<CheckSpec> Repeat(IPEndPoint endPoint, int count, TimeSpan? timeout = null) =>
        Enumerable.Range(0, count).Select(_ => Spec(endPoint, timeout)).ToList();
}
