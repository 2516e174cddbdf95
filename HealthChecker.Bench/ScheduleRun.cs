using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Bench;

/// <summary>
/// HealthChecker's side of the scheduling benchmark, in a process of its own: the targets go to a
/// <see cref="TargetScheduler"/> with default options, then the parent marks the start and the end of
/// the measured window on stdin (<c>mark</c>, answered with <c>marked</c>); then <c>report</c> makes it
/// print the window's counts and schedule lateness as one JSON line.
/// </summary>
internal static class ScheduleRun
{
    public sealed record Report(
        int Loops, long Checks, long Passed, long Failed, IReadOnlyDictionary<string, long> FailedBy,
        double LatenessP50Ms, double LatenessP99Ms, double LatenessMaxMs, double DurationP50Ms, double DurationP99Ms,
        int Gen0, int Gen1, int Gen2, double GcPauseMs, double AllocatedMb);

    public static async Task<int> RunAsync(IReadOnlyList<IPEndPoint> peers, int targets, string inter)
    {
        FileLimit.Raise();
        var definitions = Definitions(peers, targets, inter);
        var lateness = new LatenessHistogram();
        var durations = new LatenessHistogram();
        long passed = 0, failed = 0;
        var failedBy = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var recording = 0;
        using var scheduler = new TargetScheduler();
        scheduler.CheckCompleted += r =>
        {
            if (Volatile.Read(ref recording) == 0)
            {
                return;
            }

            // QueueDelay is the check's actual start minus its planned start (its due time), on the scheduler's clock.
            lateness.Add(r.QueueDelay);
            // From the start to the result; with the lateness, what stretches a target's cycle beyond its inter.
            durations.Add(r.CompletedAt - r.ScheduledAt - r.QueueDelay);
            if (r.Result.Passed)
            {
                Interlocked.Increment(ref passed);
            }
            else
            {
                Interlocked.Increment(ref failed);
                failedBy.AddOrUpdate(r.Result.Info.Length == 0 ? r.Result.Code : $"{r.Result.Code} {r.Result.Info}", 1, (_, n) => n + 1);
            }
        };

        await scheduler.AddRangeAsync(definitions.Select(d => (d, (long?)null)).ToList()).ConfigureAwait(false);
        Console.WriteLine("ready");
        Console.Out.Flush();

        Expect("mark");
        long checksBefore = scheduler.ChecksCompleted;
        var gcBefore = Gc.Now();
        Volatile.Write(ref recording, 1);
        Console.WriteLine("marked");
        Console.Out.Flush();

        Expect("mark");
        Volatile.Write(ref recording, 0);
        long checks = scheduler.ChecksCompleted - checksBefore;
        var gc = Gc.Now() - gcBefore;
        Console.WriteLine("marked");
        Console.Out.Flush();

        // The parent reads this process's /proc figures between "marked" and "report": nothing here may run in its window.
        Expect("report");
        var report = new Report(
            scheduler.LoopCount, checks, Interlocked.Read(ref passed), Interlocked.Read(ref failed), failedBy.ToDictionary(StringComparer.Ordinal),
            lateness.Percentile(0.50), lateness.Percentile(0.99), lateness.MaxMs,
            durations.Percentile(0.50), durations.Percentile(0.99),
            gc.Gen0, gc.Gen1, gc.Gen2, gc.Pause.TotalMilliseconds, gc.Allocated / 1048576.0);
        Console.WriteLine(JsonSerializer.Serialize(report));
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Target i checks peer i mod N, through the same validator the targets file and the web form use.</summary>
    public static List<TargetDefinition> Definitions(IReadOnlyList<IPEndPoint> peers, int targets, string inter)
    {
        var definitions = new List<TargetDefinition>(targets);
        for (int i = 0; i < targets; i++)
        {
            var draft = new TargetDraft
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"bench/t{i}"),
                Check = $"tcp://{peers[i % peers.Count]}",
                Inter = inter,
            };
            var (definition, errors) = TargetValidator.Validate(draft);
            definitions.Add(definition ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))));
        }

        return definitions;
    }

    /// <summary>The collector's counters, to tell its share of the CPU and of the lateness.</summary>
    private readonly record struct Gc(int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Allocated)
    {
        public static Gc Now() => new(
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

        public static Gc operator -(Gc a, Gc b) =>
            new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Pause - b.Pause, a.Allocated - b.Allocated);
    }

    private static void Expect(string command)
    {
        var line = Console.In.ReadLine();
        if (line != command)
        {
            throw new InvalidOperationException($"expected '{command}' on stdin, got '{line}'");
        }
    }
}

/// <summary>Counts of short spans (lateness, check durations) in 10 µs buckets up to 2 s (one fixed array, so recording allocates nothing); beyond it, the last bucket.</summary>
internal sealed class LatenessHistogram
{
    private const long BucketTicks = TimeSpan.TicksPerMillisecond / 100;
    private readonly long[] _counts = new long[200_001];
    private long _maxTicks;

    public double MaxMs => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks)).TotalMilliseconds;

    public void Add(TimeSpan lateness)
    {
        long ticks = Math.Max(0, lateness.Ticks);
        Interlocked.Increment(ref _counts[Math.Min(ticks / BucketTicks, _counts.Length - 1)]);
        long max;
        while (ticks > (max = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, ticks, max) != max)
        {
        }
    }

    /// <summary>The upper edge of the bucket holding the given fraction of samples, in ms.</summary>
    public double Percentile(double fraction)
    {
        long total = _counts.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        long rank = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return TimeSpan.FromTicks((i + 1) * BucketTicks).TotalMilliseconds;
            }
        }

        return MaxMs;
    }
}
