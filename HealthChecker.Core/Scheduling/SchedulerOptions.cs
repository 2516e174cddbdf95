using System.Security.Cryptography.X509Certificates;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Faults;
using Serilog;
using Serilog.Core;

namespace HealthChecker.Core.Scheduling;

/// <summary>How a <see cref="TargetScheduler"/> runs: loops, the bound on checks in flight, its clock and its log.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Event loops, each a thread owning its targets; the processor count by default.</summary>
    public int Loops { get; init; } = Environment.ProcessorCount;

    /// <summary>Checks in flight at once over all loops (split evenly); due checks beyond it wait in a queue.</summary>
    public int MaxInFlight { get; init; } = 2000;

    /// <summary>
    /// Checks one loop starts per round of its event loop (HAProxy's <c>tune.runqueue-depth</c> plays this part);
    /// the rest wait for the next round. On a starved CPU a loop that is far behind would otherwise start its
    /// whole backlog before it next polls, and every check in flight would wait that long for its result.
    /// </summary>
    public int MaxStartsPerRound { get; init; } = 200;

    /// <summary>The clock every scheduling decision reads; tests hand in a fake one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where state changes are logged, one line each.</summary>
    public ILogger Log { get; init; } = Logger.None;

    /// <summary>Where a subscriber's exception is logged and counted; one of its own over <see cref="Log"/> when null.</summary>
    public FaultLog? Faults { get; init; }

    /// <summary>How many of its latest results each target's snapshot keeps.</summary>
    public int RecentResults { get; init; } = 10;

    /// <summary>A draw in [0, 1) for the spread jitter; <see cref="Random.Shared"/> when null. Called on loop threads.</summary>
    public Func<double>? Jitter { get; init; }

    /// <summary>Roots trusted instead of the system store by TLS and HTTPS checks (a private CA); null: the system store.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>The poller and name resolution of each loop's engine.</summary>
    public CheckEngineOptions Engine { get; init; } = new();
}
