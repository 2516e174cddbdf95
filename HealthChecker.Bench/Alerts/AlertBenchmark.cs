using HealthChecker.Testing;
using System.Collections.Concurrent;
using System.Globalization;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Bench.Alerts;

/// <summary>
/// <c>alerts</c>: HealthChecker's alerting (scheduler, evaluator and outbox in this process, no database) beside Debian's
/// Alertmanager fed with the same state changes, both delivering to the same loopback receivers. First the latency: one
/// target taken DOWN and UP again <see cref="Settings.Repeats"/> times under a rule with group-wait 0; then the storm:
/// <see cref="Settings.Down"/> of <see cref="Settings.Targets"/> targets go DOWN in the same second (their listeners
/// close) under one rule with a webhook and an SMTP channel, watched for <see cref="Settings.Window"/> seconds; a fifth of
/// them come back UP <see cref="Settings.Recover"/> seconds after the close, a later change for the group-interval to batch.
/// </summary>
internal static class AlertBenchmark
{
    public const string Usage =
        "       HealthChecker.Bench alerts [--targets 10000] [--down 5000] [--listeners 100] [--window 75] [--group-wait 10] [--group-interval 60] [--repeats 50] [--recover 30] [--quick 1]";

    private const string StormRule = "storm";
    private const string LatencyRule = "latency";
    private static readonly TimeSpan LatencyGroupInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    public sealed record Settings(int Targets, int Down, int Listeners, int Window, int GroupWait, int GroupInterval, int Repeats, int Recover)
    {
        /// <summary>The full run, or with <c>--quick 1</c> a small one for trying (each value can still be given).</summary>
        public static Settings From(Func<string, int, int> option)
        {
            bool quick = option("quick", 0) != 0;
            return new Settings(
                option("targets", quick ? 1_000 : 10_000), option("down", quick ? 500 : 5_000), option("listeners", quick ? 20 : 100),
                option("window", quick ? 20 : 75), option("group-wait", quick ? 3 : 10), option("group-interval", quick ? 10 : 60),
                option("repeats", quick ? 10 : 50), option("recover", quick ? 6 : 30));
        }
    }

    /// <summary>What the state-change handler saw: the storm's DOWN changes and the latency target's changes.</summary>
    private sealed class Changes
    {
        public volatile bool StormArmed;
        public long StormDown;
        public long StormUp;
        public long FirstStormTicks = long.MaxValue;
        public long LastStormTicks;
        public readonly ConcurrentQueue<DateTimeOffset> LatencyDown = new();
    }

    public static async Task<int> RunAsync(Settings s)
    {
        if (!File.Exists(AlertmanagerBaseline.Binary))
        {
            Console.Error.WriteLine($"Alertmanager is not installed ({AlertmanagerBaseline.Binary}): apt-get install -y prometheus-alertmanager");
            return 3;
        }

        FileLimit.Raise();
        string load = ProcFacts.LoadAverage();
        var groupWait = TimeSpan.FromSeconds(s.GroupWait);
        var groupInterval = TimeSpan.FromSeconds(s.GroupInterval);
        using var hooks = new HookReceiver();
        using var mail = new SmtpReceiver();
        using var listeners = new StormListeners(s.Listeners + 1);
        int latencyListener = s.Listeners;

        var settings = new InMemoryAlertSettings(new AlertSettings(
            [
                new ChannelDefinition("hook", ChannelKind.Webhook, hooks.Url("hc/storm"), [], null),
                new ChannelDefinition("mail", ChannelKind.Email, null, [],
                    new EmailOptions("127.0.0.1", mail.Port, SmtpSecurity.None, "healthchecker@bench.invalid", ["ops@bench.invalid"], null, null)),
                new ChannelDefinition("latency-hook", ChannelKind.Webhook, hooks.Url("hc/latency"), [], null),
            ],
            [
                new AlertRule(StormRule, "bench/*", ["hook", "mail"], TimeSpan.Zero, null, true, groupWait, groupInterval),
                new AlertRule(LatencyRule, "lat/*", ["latency-hook"], TimeSpan.Zero, null, true, TimeSpan.Zero, LatencyGroupInterval),
            ]));
        await using var alertmanager = await AlertmanagerBaseline.StartAsync(
        [
            new AlertmanagerBaseline.Route(StormRule, hooks.Url("am/storm"), groupWait, groupInterval),
            new AlertmanagerBaseline.Route(LatencyRule, hooks.Url("am/latency"), TimeSpan.Zero, LatencyGroupInterval),
        ]).ConfigureAwait(false);

        using var scheduler = new TargetScheduler();
        using var webhook = new WebhookSender();
        await using var senders = new ChannelSenders();
        await using var outbox = new NotificationOutbox(settings, [webhook, .. senders.All]);
        await using var evaluator = new AlertEvaluator(settings, outbox, scheduler.Clock);
        var changes = new Changes();
        scheduler.StateChanged += change => Follow(change, changes, alertmanager);
        evaluator.Attach(scheduler);
        evaluator.Start([]);

        var targets = Definitions(s, listeners);
        await scheduler.AddRangeAsync([.. targets.Select(t => (t, (long?)null))]).ConfigureAwait(false);
        Console.Error.WriteLine($"alerts: {targets.Count} targets added; waiting for each to be seen UP");
        await UntilAsync(() => evaluator.Observed >= targets.Count, TimeSpan.FromMinutes(2), "every target seen").ConfigureAwait(false);

        Console.Error.WriteLine($"alerts: latency, {s.Repeats} times DOWN and UP");
        var latency = await LatencyAsync(s.Repeats, listeners, latencyListener, changes, hooks).ConfigureAwait(false);

        int closed = (int)((long)s.Down * s.Listeners / s.Targets);
        // Target i checks listener i mod listeners (see Definitions).
        int down = Enumerable.Range(0, s.Targets).Count(i => i % s.Listeners < closed);
        Console.Error.WriteLine($"alerts: storm, closing {closed} listeners ({down} targets), watching {s.Window} s");
        changes.StormArmed = true;
        var closing = DateTimeOffset.UtcNow;
        for (int i = 0; i < closed; i++)
        {
            listeners.Close(i);
        }

        // A later change of the same group: a fifth of the closed listeners open again (0: none).
        int reopened = s.Recover > 0 ? closed / 5 : 0;
        DateTimeOffset? recovering = null;
        if (reopened > 0)
        {
            await UntilAsync(closing + TimeSpan.FromSeconds(s.Recover)).ConfigureAwait(false);
            recovering = DateTimeOffset.UtcNow;
            for (int i = 0; i < reopened; i++)
            {
                listeners.Open(i);
            }
        }

        int recovered = Enumerable.Range(0, s.Targets).Count(i => i % s.Listeners < reopened);
        await UntilAsync(closing + TimeSpan.FromSeconds(s.Window)).ConfigureAwait(false);
        var storm = new StormResult(
            closing, down, recovering, recovered, Interlocked.Read(ref changes.StormUp), Interlocked.Read(ref changes.StormDown),
            changes.FirstStormTicks == long.MaxValue ? null : new DateTimeOffset(changes.FirstStormTicks, TimeSpan.Zero),
            new DateTimeOffset(Interlocked.Read(ref changes.LastStormTicks), TimeSpan.Zero),
            hooks.At("hc/storm"), [.. mail.Received.Select(m => new ReceivedAlert("smtp", m.At, "", 0, 0, 0, m.Mail.Subject ?? ""))], hooks.At("am/storm"), alertmanager.Posts, alertmanager.Failures);

        Console.WriteLine(AlertTable.Render(s, load, AlertmanagerBaseline.Version(), storm, latency));
        return 0;
    }

    internal sealed record StormResult(
        DateTimeOffset Closing, int Down, DateTimeOffset? Recovering, int Recovered, long UpSeen, long DownSeen, DateTimeOffset? FirstChange, DateTimeOffset LastChange,
        IReadOnlyList<ReceivedAlert> Webhook, IReadOnlyList<ReceivedAlert> Mail, IReadOnlyList<ReceivedAlert> Alertmanager,
        long AlertmanagerPosts, long AlertmanagerFailures);

    internal sealed record LatencyResult(List<double> OursMs, List<double> AlertmanagerMs, int Missed);

    /// <summary>Feeds the storm's and the latency target's changes to Alertmanager, as a Prometheus rule would, and notes their times.</summary>
    private static void Follow(TargetStateChange change, Changes changes, AlertmanagerBaseline alertmanager)
    {
        bool latency = change.Target.StartsWith("lat/", StringComparison.Ordinal);
        if (!latency && !changes.StormArmed)
        {
            return;
        }

        string rule = latency ? LatencyRule : StormRule;
        if (change.To == TargetState.Down)
        {
            if (latency)
            {
                changes.LatencyDown.Enqueue(change.At);
            }
            else
            {
                Interlocked.Increment(ref changes.StormDown);
                long ticks = change.At.UtcTicks;
                long seen;
                while (ticks < (seen = Interlocked.Read(ref changes.FirstStormTicks)) && Interlocked.CompareExchange(ref changes.FirstStormTicks, ticks, seen) != seen)
                {
                }

                while (ticks > (seen = Interlocked.Read(ref changes.LastStormTicks)) && Interlocked.CompareExchange(ref changes.LastStormTicks, ticks, seen) != seen)
                {
                }
            }

            alertmanager.Push(rule, change.Target, change.At, null);
        }
        else if (change.To == TargetState.Up && change.From == TargetState.Down)
        {
            if (!latency)
            {
                Interlocked.Increment(ref changes.StormUp);
            }

            alertmanager.Push(rule, change.Target, change.At, change.At);
        }
    }

    /// <summary>Each round: the latency target's listener closes, both firing messages are awaited; it opens, both resolutions are awaited.</summary>
    private static async Task<LatencyResult> LatencyAsync(int repeats, StormListeners listeners, int listener, Changes changes, HookReceiver hooks)
    {
        var ours = new List<double>();
        var theirs = new List<double>();
        int missed = 0;
        for (int i = 0; i < repeats; i++)
        {
            int oursBefore = Count(hooks, "hc/latency", "firing"), theirsBefore = Count(hooks, "am/latency", "firing");
            int changesBefore = changes.LatencyDown.Count;
            listeners.Close(listener);
            bool arrived = await UntilAsync(
                () => changes.LatencyDown.Count > changesBefore && Count(hooks, "hc/latency", "firing") > oursBefore && Count(hooks, "am/latency", "firing") > theirsBefore,
                MessageTimeout, null).ConfigureAwait(false);
            var changedAt = changes.LatencyDown.LastOrDefault();
            AddSample(ours, hooks, "hc/latency", oursBefore, changedAt);
            AddSample(theirs, hooks, "am/latency", theirsBefore, changedAt);
            missed += arrived ? 0 : 1;

            int oursResolved = Count(hooks, "hc/latency", "resolved"), theirsResolved = Count(hooks, "am/latency", "resolved");
            listeners.Open(listener);
            if (!await UntilAsync(() => Count(hooks, "hc/latency", "resolved") > oursResolved && Count(hooks, "am/latency", "resolved") > theirsResolved,
                    MessageTimeout, null).ConfigureAwait(false))
            {
                missed++;
            }
        }

        return new LatencyResult(ours, theirs, missed);
    }

    private static void AddSample(List<double> samples, HookReceiver hooks, string path, int before, DateTimeOffset changedAt)
    {
        var firing = hooks.At(path).Where(r => r.Status == "firing").ToList();
        if (firing.Count > before)
        {
            samples.Add((firing[before].At - changedAt).TotalMilliseconds);
        }
    }

    private static int Count(HookReceiver hooks, string path, string status) => hooks.At(path).Count(r => r.Status == status);

    private static async Task UntilAsync(DateTimeOffset when)
    {
        var left = when - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left).ConfigureAwait(false);
        }
    }

    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, string? what)
    {
        var end = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > end)
            {
                return what is null ? false : throw new TimeoutException($"not reached within {timeout}: {what}");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Connect-only targets at inter 1s, rise 1 and fall 1 (one refused connect turns a target DOWN), through the validator.</summary>
    private static List<TargetDefinition> Definitions(Settings s, StormListeners listeners)
    {
        var drafts = Enumerable.Range(0, s.Targets)
            .Select(i => (Name: string.Create(CultureInfo.InvariantCulture, $"bench/t{i}"), Peer: listeners.EndPoints[i % s.Listeners]))
            .Append((Name: "lat/t0", Peer: listeners.EndPoints[s.Listeners]));
        return [.. drafts.Select(d =>
        {
            var draft = new TargetDraft { Name = d.Name, Check = $"tcp://{d.Peer}", Inter = "1s", Rise = "1", Fall = "1" };
            var (definition, errors) = TargetValidator.Validate(draft);
            return definition ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        })];
    }
}
