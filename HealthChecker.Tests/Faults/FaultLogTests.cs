using HealthChecker.Core.Faults;
using HealthChecker.Tests.Support;
using HealthChecker.Tests.Web.Support;
using Microsoft.Extensions.Time.Testing;
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
    [Fact]
    public void A_fault_that_repeats_is_logged_at_once_then_at_most_once_a_minute_saying_how_many_more_came_and_every_one_is_counted()
    {
        var clock = new FakeTimeProvider();
        var (logger, sink) = TestLog.Collecting();
        var faults = new FaultLog(logger, clock);
        const string Threw = "a check completion handler of a/one threw";

        faults.Record(FaultKind.CheckHandler, Threw, affected: "a/one");
        faults.Record(FaultKind.CheckHandler, Threw, affected: "a/one");
        clock.Advance(TimeSpan.FromSeconds(30));
        faults.Record(FaultKind.CheckHandler, Threw, affected: "a/one");
        Assert.Single(sink.Events);
        Assert.DoesNotContain("more since", sink.Events[0].RenderMessage(), StringComparison.Ordinal);

        // A minute after the first line: one line for the two held back.
        clock.Advance(TimeSpan.FromSeconds(30));
        faults.Record(FaultKind.CheckHandler, Threw, affected: "a/one");
        faults.Record(FaultKind.CheckHandler, Threw, affected: "a/one");
        Assert.Equal(2, sink.Events.Count);
        Assert.Contains("2 more since", sink.Events[1].RenderMessage(), StringComparison.Ordinal);
        Assert.Contains(Threw, sink.Events[1].RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(2L, ((ScalarValue)sink.Events[1].Properties["Suppressed"]).Value);

        // A minute after that line: the two that came after it.
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, sink.Events.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, sink.Events.Count);
        Assert.Contains("2 more since", sink.Events[2].RenderMessage(), StringComparison.Ordinal);

        // Past a quiet minute, the next one is logged at once again.
        clock.Advance(TimeSpan.FromMinutes(1));
        faults.Record(FaultKind.CheckHandler, Threw, affected: "a/one");
        Assert.Equal(4, sink.Events.Count);
        Assert.DoesNotContain("more since", sink.Events[3].RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(6, faults.Count(FaultKind.CheckHandler));
    }

    [Fact]
    public void A_fault_that_comes_a_minute_after_the_last_line_says_how_many_were_held_back_since()
    {
        var clock = new FakeTimeProvider();
        var (logger, sink) = TestLog.Collecting();
        var faults = new FaultLog(logger, clock);

        // a/one's repeats start the minute's clock; a/two's line comes in the middle of it.
        faults.Record(FaultKind.CheckHandler, "a/one threw", affected: "a/one");
        faults.Record(FaultKind.CheckHandler, "a/one threw", affected: "a/one");
        clock.Advance(TimeSpan.FromSeconds(30));
        faults.Record(FaultKind.CheckHandler, "a/two threw", affected: "a/two");
        faults.Record(FaultKind.CheckHandler, "a/two threw", affected: "a/two");
        clock.Advance(TimeSpan.FromSeconds(65));
        faults.Record(FaultKind.CheckHandler, "a/two threw", affected: "a/two");

        Assert.Equal(
            ["a/one threw", "a/two threw", "a/one threw", "a/two threw"],
            sink.Events.Select(e => ((ScalarValue)e.Properties["Fault"]).Value));
        Assert.Contains("1 more since", sink.Events[3].RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(5, faults.Count(FaultKind.CheckHandler));
    }

    [Fact]
    public void Repeats_are_held_back_per_kind_and_affected_target_so_another_target_or_kind_is_logged_at_once()
    {
        var (logger, sink) = TestLog.Collecting();
        var faults = new FaultLog(logger, new FakeTimeProvider());

        faults.Record(FaultKind.CheckHandler, "a check completion handler of a/one threw", affected: "a/one");
        faults.Record(FaultKind.CheckHandler, "a check completion handler of a/one threw", affected: "a/one");
        faults.Record(FaultKind.CheckHandler, "a check completion handler of a/two threw", affected: "a/two");
        faults.Record(FaultKind.UnreadableTarget, "a/one (id 1) is not checked", affected: "a/one");
        faults.Record(FaultKind.PageTask, "dashboard: InvalidOperationException: no board");
        faults.Record(FaultKind.PageTask, "dashboard: InvalidOperationException: no board");

        Assert.Equal(
            ["a check completion handler of a/one threw", "a check completion handler of a/two threw", "a/one (id 1) is not checked", "dashboard: InvalidOperationException: no board"],
            sink.Events.Select(e => ((ScalarValue)e.Properties["Fault"]).Value));
        Assert.Equal([3L, 1L, 2L], FaultLog.All.Select(faults.Count));
        Assert.Equal("dashboard: InvalidOperationException: no board", faults.Last!.Description);
    }
    [Fact]
    public void Faults_held_back_are_still_logged_as_a_count_a_minute_later_when_no_further_one_comes()
    {
        var clock = new FakeTimeProvider();
        var (logger, sink) = TestLog.Collecting();
        var faults = new FaultLog(logger, clock);

        faults.Record(FaultKind.CheckHandler, "a state change handler of a/one threw: first", affected: "a/one");
        faults.Record(FaultKind.CheckHandler, "a state change handler of a/one threw: second", affected: "a/one");
        faults.Record(FaultKind.CheckHandler, "a state change handler of a/one threw: third", affected: "a/one");
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Single(sink.Events);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, sink.Events.Count);
        var summary = sink.Events[1].RenderMessage();
        Assert.Contains("2 more since", summary, StringComparison.Ordinal);
        Assert.Contains("a/one threw: third", summary, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, sink.Events.Count);
        faults.Record(FaultKind.CheckHandler, "a state change handler of a/one threw: fourth", affected: "a/one");
        Assert.Equal(3, sink.Events.Count);
        Assert.DoesNotContain("more since", sink.Events[2].RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(4, faults.Count(FaultKind.CheckHandler));
    }
}
