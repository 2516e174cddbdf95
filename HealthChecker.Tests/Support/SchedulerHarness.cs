using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using Microsoft.Extensions.Time.Testing;

namespace HealthChecker.Tests.Support;

/// <summary>A real scheduler on a fake clock: the test moves time, the loops run real checks against loopback.</summary>
internal sealed class SchedulerHarness : IDisposable
{
    private readonly Channel<TargetCheckResult> _results = Channel.CreateUnbounded<TargetCheckResult>();
    private readonly Channel<TargetStateChange> _changes = Channel.CreateUnbounded<TargetStateChange>();

    public SchedulerHarness(
        int loops = 1,
        int maxInFlight = 100,
        Func<double>? jitter = null,
        bool collectLog = false,
        bool record = true,
        X509Certificate2Collection? trustedRoots = null,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null,
        int maxStartsPerRound = 200)
    {
        var (logger, sink) = TestLog.Collecting();
        Sink = sink;
        Scheduler = new TargetScheduler(new SchedulerOptions
        {
            Loops = loops,
            MaxInFlight = maxInFlight,
            MaxStartsPerRound = maxStartsPerRound,
            Clock = Clock,
            Jitter = jitter ?? (() => 0.5),
            Log = collectLog ? logger : TestLog.Silent,
            TrustedRoots = trustedRoots,
            Engine = resolve is null ? new CheckEngineOptions() : new CheckEngineOptions { Resolve = resolve },
        });
        if (record)
        {
            Scheduler.CheckCompleted += r => _results.Writer.TryWrite(r);
            Scheduler.StateChanged += c => _changes.Writer.TryWrite(c);
        }
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    public TargetScheduler Scheduler { get; }

    public CollectingSink Sink { get; }

    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Scheduler.PumpAsync();
    }

    /// <summary>Moves the clock to the target's next due time and returns how far that was.</summary>
    public async Task<TimeSpan> AdvanceToNextCheckAsync(string target)
    {
        var next = Scheduler.Find(target)!.NextCheckAt!.Value;
        var by = next - Clock.GetUtcNow();
        await AdvanceAsync(by);
        return by;
    }

    /// <summary>
    /// The next check result, once the loop that raised it is done with that check: the state change a check causes is
    /// raised after its result, so <see cref="Changes"/> holds it when this returns.
    /// </summary>
    public async Task<TargetCheckResult> NextResultAsync()
    {
        using var cts = new CancellationTokenSource(EngineRun.TestTimeout);
        var result = await _results.Reader.ReadAsync(cts.Token);
        await Scheduler.SettledAsync().WaitAsync(cts.Token);
        return result;
    }

    public bool TryTakeResult(out TargetCheckResult? result) => _results.Reader.TryRead(out result);

    public IReadOnlyList<TargetStateChange> Changes()
    {
        var all = new List<TargetStateChange>();
        while (_changes.Reader.TryRead(out var c))
        {
            all.Add(c);
        }
        return all;
    }

    public void Dispose() => Scheduler.Dispose();

    /// <summary>A target as a file, the form or the API would give it, through the one validator.</summary>
    public static TargetDefinition Validated(TargetDraft draft)
    {
        var (definition, errors) = TargetValidator.Validate(draft);
        return definition ?? throw new ArgumentException(string.Join("; ", errors), nameof(draft));
    }

    public static TargetDefinition Target(
        string name,
        IPEndPoint endPoint,
        TimeSpan? inter = null,
        TimeSpan? fastInter = null,
        TimeSpan? downInter = null,
        int rise = 2,
        int fall = 3,
        int spread = 0,
        bool enabled = true,
        bool startUp = true)
    {
        var i = inter ?? TimeSpan.FromSeconds(2);
        string[] parts = name.Split('/');
        return new TargetDefinition(
            parts[0], parts[1], CheckKind.Tcp, new Uri($"tcp://{endPoint}"), endPoint.Address.ToString(), endPoint.Port, false, [], null, null,
            i, fastInter ?? i, downInter ?? i, i, rise, fall, spread, enabled, startUp);
    }
}
