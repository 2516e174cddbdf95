using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Engine;

/// <summary>The loop hands whatever mask its poller reports to the check's fd handler.</summary>
public sealed class FakePollerEngineTests
{
    [Fact]
    public void The_loop_delivers_a_chosen_mask_to_the_fd_handler()
    {
        var poller = new FakePoller { AnswerConnectsWith = FdEvents.Out | FdEvents.Err | FdEvents.Hup };
        using var engine = new CheckEngine(new CheckEngineOptions(), poller);

        var result = EngineRun.All(engine, [EngineRun.Spec(LoopbackPeer.ClosedPort())], 1)[0];

        Assert.Equal(CheckStatus.L4Connection, result.Status);
        Assert.Equal("Connection refused", result.Info);
        Assert.Equal(1, result.Counters.GetsockoptCalls);
        Assert.Equal(0, result.Counters.RecvCalls);
        Assert.Equal(["Register In", "Register Out", "Unregister"], poller.Calls);
    }
}
