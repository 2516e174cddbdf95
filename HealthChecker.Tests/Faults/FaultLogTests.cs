using HealthChecker.Core.Faults;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Serilog.Events;

namespace HealthChecker.Tests.Faults;

/// <summary>A fault is logged with what it affected, counted by kind, and kept as the last one.</summary>
public sealed class FaultLogTests
{
    [Fact]
    public void A_fault_is_logged_as_an_error_counted_under_its_kind_and_kept_as_the_last()
    {
        var (logger, sink) = TestLog.Collecting();
        var faults = new FaultLog(logger);

        faults.Record(FaultKind.UnreadableTarget, "web/api (id 7) is not checked: options unreadable: $.steps is not of the stored shape");

        Assert.Equal([0L, 1L, 0L], FaultLog.All.Select(faults.Count));
        Assert.Equal((FaultKind.UnreadableTarget, "web/api (id 7) is not checked: options unreadable: $.steps is not of the stored shape"), (faults.Last!.Kind, faults.Last.Description));
        var logged = Assert.Single(sink.Events);
        Assert.Equal(LogEventLevel.Error, logged.Level);
        Assert.Contains("web/api (id 7)", logged.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_nobody_awaits_is_recorded_when_it_fails_and_not_when_it_completes_or_its_page_is_gone()
    {
        var faults = new FaultLog(TestLog.Silent);

        faults.Observe(Task.CompletedTask, FaultKind.PageTask, "dashboard");
        faults.Observe(Task.FromException(new ObjectDisposedException("renderer")), FaultKind.PageTask, "dashboard");
        faults.Observe(Task.Run(() => throw new InvalidOperationException("no board")), FaultKind.PageTask, "dashboard");

        await MonitorProbe.EventuallyAsync(() => Task.FromResult(faults.Count(FaultKind.PageTask) == 1), "the failed task is recorded", seconds: 30);
        Assert.Equal("dashboard: InvalidOperationException: no board", faults.Last!.Description);
        Assert.Equal(["check_handler", "unreadable_target", "page_task"], FaultLog.All.Select(FaultLog.Label));
    }
}
