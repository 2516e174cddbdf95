using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Scheduling;
using HealthChecker.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace HealthChecker.Tests.Scheduling;

/// <summary>What the scheduler does at its edges: names that do not resolve, throwing subscribers, the timeout mapping.</summary>
public sealed class SchedulerEdgeTests
{
    [Fact]
    public async Task A_name_that_does_not_resolve_is_L4CON_with_the_reason_on_every_check_without_a_socket()
    {
        var clock = new FakeTimeProvider();
        using var scheduler = new TargetScheduler(new SchedulerOptions
        {
            Loops = 1,
            Clock = clock,
            Engine = new CheckEngineOptions { Resolve = (_, _) => throw new SocketException((int)SocketError.HostNotFound) },
        });
        var results = new List<TargetCheckResult>();
        var done = new TaskCompletionSource();
        scheduler.CheckCompleted += r =>
        {
            results.Add(r);
            done.TrySetResult();
        };
        var definition = SchedulerHarness.Target("dns/missing", new IPEndPoint(IPAddress.Loopback, 80)) with { Host = "no-such-host.invalid" };

        await scheduler.AddAsync(definition);
        await done.Task.WaitAsync(EngineRun.TestTimeout);

        var result = Assert.Single(results).Result;
        Assert.Equal("L4CON", result.Code);
        Assert.StartsWith("cannot resolve host 'no-such-host.invalid': ", result.Info);
        Assert.Equal(0, scheduler.Loops[0].InFlight);
        Assert.Equal("DOWN", scheduler.Find("dns/missing")!.Display);
    }

    [Fact]
    public async Task A_subscriber_that_throws_is_counted_as_a_fault_and_the_loop_goes_on()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        run.Scheduler.CheckCompleted += _ => throw new InvalidOperationException("a buggy dashboard");

        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint));
        await run.NextResultAsync();
        await run.AdvanceToNextCheckAsync("a/one");
        await run.NextResultAsync();

        await HistoryRows.EventuallyAsync(() => run.Scheduler.Faults.Count(FaultKind.CheckHandler) == 2, "two faults counted");
        Assert.Equal(2, run.Scheduler.Faults.Count(FaultKind.CheckHandler));
        Assert.Equal(2, run.Scheduler.Find("a/one")!.Checks);
    }

    [Fact]
    public async Task A_completion_handler_that_throws_is_logged_with_its_target_once_a_minute_and_counted_as_a_fault_each_time()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(collectLog: true);
        run.Scheduler.CheckCompleted += _ => throw new InvalidOperationException("a buggy dashboard");

        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint));
        await run.NextResultAsync();
        await run.AdvanceToNextCheckAsync("a/one");
        await run.NextResultAsync();

        var faults = run.Scheduler.Faults;
        // Each subscriber is called on its own: the harness's may hand over the result before the throwing one ran.
        await HistoryRows.EventuallyAsync(() => faults.Count(FaultKind.CheckHandler) == 2, "two faults counted");
        Assert.Equal(2, faults.Count(FaultKind.CheckHandler));
        Assert.Contains("a/one", faults.Last!.Description, StringComparison.Ordinal);
        Assert.Contains("a buggy dashboard", faults.Last.Description, StringComparison.Ordinal);
        // The second, within a minute of the first, is counted but not logged again (FaultLog holds repeats back).
        var logged = run.Sink.Events.Where(e => e.Level == LogEventLevel.Error && e.Exception is InvalidOperationException).ToList();
        Assert.Contains("a/one", Assert.Single(logged).RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(2, run.Scheduler.Find("a/one")!.Checks);
    }

    [Fact]
    public async Task A_subscriber_that_throws_does_not_keep_the_subscribers_after_it_from_the_result_or_the_state_change()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness(record: false);
        var result = new TaskCompletionSource<TargetCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var change = new TaskCompletionSource<TargetStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        run.Scheduler.CheckCompleted += _ => throw new InvalidOperationException("a buggy dashboard");
        run.Scheduler.CheckCompleted += r => result.TrySetResult(r);
        run.Scheduler.StateChanged += _ => throw new InvalidOperationException("a buggy alert");
        run.Scheduler.StateChanged += c => change.TrySetResult(c);

        // Starts down with rise 1: the first check (connected: the peer's backlog takes it) is a state change.
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint, rise: 1, startUp: false));

        Assert.Equal("a/one", (await result.Task.WaitAsync(EngineRun.TestTimeout)).Target);
        Assert.Equal("a/one", (await change.Task.WaitAsync(EngineRun.TestTimeout)).Target);
        Assert.Equal(2, run.Scheduler.Faults.Count(FaultKind.CheckHandler));
    }

    [Fact]
    public void The_connect_timeout_is_the_smaller_of_timeout_and_inter()
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, 80);
        var target = SchedulerHarness.Target("a/one", endPoint, TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromMilliseconds(500), CheckMapping.ToSpec(target with { Timeout = TimeSpan.FromMilliseconds(500) }, endPoint).Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), CheckMapping.ToSpec(target with { Timeout = TimeSpan.FromSeconds(9) }, endPoint).Timeout);
    }

    [Fact]
    public async Task Snapshots_keep_the_latest_results_newest_first_up_to_the_configured_count()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Target("a/one", peer.EndPoint));
        var seen = new List<TargetCheckResult> { await run.NextResultAsync() };

        for (int i = 0; i < 11; i++)
        {
            await run.AdvanceToNextCheckAsync("a/one");
            seen.Add(await run.NextResultAsync());
        }

        var snapshot = run.Scheduler.Find("a/one")!;
        Assert.Equal(12, snapshot.Checks);
        var kept = seen.AsEnumerable().Reverse().Take(10)
            .Select(r => new RecentCheck(r.Result, r.ScheduledAt, r.QueueDelay, r.CompletedAt, r.State, r.Display));
        Assert.Equal(kept, snapshot.Recent);
        Assert.Equal(kept.First(), snapshot.LastResult);
        Assert.Equal(new HealthChecker.Core.Scheduling.SchedulerCounts(1, 1, 0, 0, 12), run.Scheduler.Counts());
    }
}
