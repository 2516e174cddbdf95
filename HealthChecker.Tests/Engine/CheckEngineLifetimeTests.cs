using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Engine;

public sealed class CheckEngineLifetimeTests
{
    [Fact]
    public async Task Dispose_abandons_checks_still_in_flight_and_closes_their_sockets()
    {
        using var queue = new FullAcceptQueue();
        var engine = new CheckEngine();
        var run = engine.RunAllAsync([EngineRun.Spec(queue.EndPoint, TimeSpan.FromMinutes(1))], 1);
        while (engine.InFlight == 0)
        {
            await Task.Delay(5);
        }

        engine.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => run.WaitAsync(EngineRun.TestTimeout));
        Assert.Throws<ObjectDisposedException>(() => engine.Post(() => { }));
    }

    [Fact]
    public async Task A_throwing_result_callback_is_counted_and_the_loop_goes_on()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        using var engine = new CheckEngine();

        var results = await engine.RunAllAsync(EngineRun.Repeat(peer.EndPoint, 3), 1, _ => throw new InvalidOperationException("boom"))
            .WaitAsync(EngineRun.TestTimeout);

        Assert.All(results, r => Assert.Equal(CheckStatus.L4Ok, r.Status));
        Assert.Equal(3, engine.CallbackFailures);
        Assert.Equal(CheckStatus.L4Ok, (await engine.RunAsync(EngineRun.Spec(peer.EndPoint)).WaitAsync(EngineRun.TestTimeout)).Status);
    }

    [Fact]
    public async Task The_engine_can_be_disposed_from_a_result_callback()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var engine = new CheckEngine();
        var disposed = new TaskCompletionSource();

        await engine.RunAllAsync([EngineRun.Spec(peer.EndPoint)], 1, _ =>
        {
            engine.Dispose();
            disposed.SetResult();
        }).WaitAsync(EngineRun.TestTimeout);

        await disposed.Task.WaitAsync(EngineRun.TestTimeout);
        Assert.Throws<ObjectDisposedException>(() => engine.Post(() => { }));
    }

    [Fact]
    public async Task A_failing_poller_stops_the_loop_and_fails_the_waiting_callers_with_its_error()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.NeverAccept);
        var broken = new InvalidOperationException("poller broke");
        using var engine = new CheckEngine(new CheckEngineOptions(), new FakePoller { FailWaitWith = broken });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => engine.RunAllAsync([EngineRun.Spec(peer.EndPoint)], 1).WaitAsync(EngineRun.TestTimeout));

        Assert.Same(broken, error);
        Assert.Same(broken, engine.Fault);
        Assert.Throws<ObjectDisposedException>(() => engine.Post(() => { }));
    }
}
