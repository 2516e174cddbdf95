using System.Net.Sockets;
using System.Text;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Scheduling;

/// <summary>A halted scheduler (its node fenced out of the cluster) checks nothing more and reports nothing more.</summary>
public class HaltTests
{
    [Fact]
    public async Task Halt_discards_the_result_of_the_check_in_flight_and_starts_no_check_after_it()
    {
        var connections = 0;
        using var requested = new SemaphoreSlim(0);
        using var answer = new ManualResetEventSlim();
        using var closed = new SemaphoreSlim(0);
        var holdsTheAnswer = ScriptedPeer.AfterRequest(s =>
        {
            requested.Release();
            answer.Wait(TimeSpan.FromSeconds(30));
            s.Send(Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            s.Shutdown(SocketShutdown.Send);
            ScriptedPeer.DrainUntilClosed(s);
            closed.Release();
        });
        using var peer = new ScriptedPeer(s =>
        {
            Interlocked.Increment(ref connections);
            holdsTheAnswer(s);
        });
        using var run = new SchedulerHarness();
        await run.Scheduler.AddAsync(SchedulerHarness.Validated(new TargetDraft { Name = "web/app", Check = $"http://127.0.0.1:{peer.Port}/", Inter = "5s" }));
        Assert.True(await requested.WaitAsync(EngineRun.TestTimeout), "the first check reached the peer");

        run.Scheduler.Halt();
        Assert.True(run.Scheduler.Halted);
        answer.Set();
        Assert.True(await closed.WaitAsync(EngineRun.TestTimeout), "the check in flight ended");
        // Runs on the loop after the turn that ended the check: its result would have been raised by now.
        await run.Scheduler.PumpAsync();
        for (var i = 0; i < 5; i++)
        {
            await run.AdvanceAsync(TimeSpan.FromSeconds(10));
        }

        Assert.False(run.TryTakeResult(out _));
        Assert.Empty(run.Changes());
        Assert.Equal(0, run.Scheduler.ChecksCompleted);
        Assert.Equal(1, Volatile.Read(ref connections));
    }
}
