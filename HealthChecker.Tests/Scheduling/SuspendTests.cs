using System.Net.Sockets;
using System.Text;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>A suspended scheduler (its node cut from everything) checks nothing until the suspension ends, then checks again.</summary>
public class SuspendTests
{
    private static readonly byte[] Ok = Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    [Fact]
    public async Task A_suspended_scheduler_starts_no_check_and_checks_each_target_again_once_the_suspension_ends()
    {
        var connections = 0;
        using var peer = new ScriptedPeer(s =>
        {
            Interlocked.Increment(ref connections);
            ScriptedPeer.Answers(Ok)(s);
        });
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft { Name = "web/app", Check = $"http://127.0.0.1:{peer.Port}/", Inter = "2s" }));
        await run.NextResultAsync();
        await run.AdvanceToNextCheckAsync("web/app");
        await run.NextResultAsync();
        Assert.Equal(2, Volatile.Read(ref connections));

        run.Scheduler.Suspend();
        Assert.True(run.Scheduler.Suspended);
        for (var i = 0; i < 5; i++)
        {
            await run.AdvanceAsync(TimeSpan.FromSeconds(2));
        }

        Assert.False(run.TryTakeResult(out _));
        Assert.Equal(2, Volatile.Read(ref connections));
        Assert.Equal(2, run.Scheduler.ChecksCompleted);

        // Its due time passed meanwhile: checked at once, without moving the clock.
        await run.Scheduler.EndSuspensionAsync();
        Assert.False(run.Scheduler.Suspended);
        await run.NextResultAsync();
        Assert.Equal(3, Volatile.Read(ref connections));
        await run.AdvanceToNextCheckAsync("web/app");
        await run.NextResultAsync();
        Assert.Equal(4, Volatile.Read(ref connections));
    }

    [Fact]
    public async Task Suspending_discards_the_check_in_flight_and_the_target_is_checked_again_once_the_suspension_ends()
    {
        var connections = 0;
        using var requested = new SemaphoreSlim(0);
        using var answer = new ManualResetEventSlim();
        using var closed = new SemaphoreSlim(0);
        var holdsTheFirstAnswer = ScriptedPeer.AfterRequest(s =>
        {
            requested.Release();
            answer.Wait(TimeSpan.FromSeconds(30));
            s.Send(Ok);
            s.Shutdown(SocketShutdown.Send);
            ScriptedPeer.DrainUntilClosed(s);
            closed.Release();
        });
        using var peer = new ScriptedPeer(s =>
        {
            if (Interlocked.Increment(ref connections) == 1)
            {
                holdsTheFirstAnswer(s);
            }
            else
            {
                ScriptedPeer.Answers(Ok)(s);
            }
        });
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft { Name = "web/app", Check = $"http://127.0.0.1:{peer.Port}/", Inter = "5s" }));
        Assert.True(await requested.WaitAsync(EngineRun.TestTimeout), "the first check reached the peer");

        run.Scheduler.Suspend();
        answer.Set();
        Assert.True(await closed.WaitAsync(EngineRun.TestTimeout), "the check in flight ended");
        // Runs on the loop after the turn that ended the check: its result would have been raised by now.
        await run.Scheduler.PumpAsync();
        await run.AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.False(run.TryTakeResult(out _));
        Assert.Equal(0, run.Scheduler.ChecksCompleted);
        Assert.Equal(1, Volatile.Read(ref connections));

        await run.Scheduler.EndSuspensionAsync();
        var result = await run.NextResultAsync();
        Assert.True(result.Result.Passed);
        Assert.Equal(2, Volatile.Read(ref connections));
    }
}
