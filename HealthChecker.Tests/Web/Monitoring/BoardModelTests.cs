using HealthChecker.Core.Scheduling;
using HealthChecker.Web.Monitoring;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The board every open dashboard shares: what it keeps from the board before and what it says changed.</summary>
public sealed class BoardModelTests
{
    private static readonly TargetSnapshot[] Targets =
        [Target(1, "mail/imap", "MAINT"), Target(2, "mail/smtp", "UP"), Target(3, "web/api", "UP"), Target(4, "web/db", "DOWN"), Target(5, "web/x", "UP 1/3")];

    [Fact]
    public void The_layout_lists_every_target_under_its_group_header_with_each_group_s_range()
    {
        var board = BoardModel.Next(BoardModel.Empty, 1, [.. Targets], default);

        Assert.Equal(["mail", "web"], board.Layout.Groups);
        Assert.Equal(
            [BoardRow.Header("mail", 2), BoardRow.Of(0), BoardRow.Of(1), BoardRow.Header("web", 3), BoardRow.Of(2), BoardRow.Of(3), BoardRow.Of(4)],
            board.Layout.Rows);
        Assert.Equal((2, 5), board.Layout.RangeOf("web"));
        Assert.Equal((0, 0), board.Layout.RangeOf("none"));
        Assert.Equal([1, 2], board.InState("up"));
        Assert.Equal([3], board.InState("down"));
        Assert.Equal([4], board.InState("changing"));
        Assert.Equal([0], board.InState("maint"));
        Assert.Null(board.Changed);
    }

    [Fact]
    public void New_checks_in_the_same_states_keep_layout_and_state_lists_and_name_the_changed_positions()
    {
        var first = BoardModel.Next(BoardModel.Empty, 1, [.. Targets], default);
        TargetSnapshot[] next = [.. Targets];
        next[1] = Target(2, "mail/smtp", "UP", recent: [true]);
        next[3] = Target(4, "web/db", "DOWN", recent: [false]);

        var second = BoardModel.Next(first, 2, next, default);

        Assert.Equal([1, 3], second.Changed);
        Assert.Equal(1, second.PreviousVersion);
        Assert.Same(first.Layout, second.Layout);
        Assert.Same(first.InState("up"), second.InState("up"));
        Assert.Same(next[3], second.Targets[3]);

        var third = BoardModel.Next(second, 3, [.. next], default);
        Assert.Empty(third.Changed!);
    }

    [Fact]
    public void A_target_changing_state_renews_the_state_lists_but_not_the_layout()
    {
        var first = BoardModel.Next(BoardModel.Empty, 1, [.. Targets], default);
        TargetSnapshot[] next = [.. Targets];
        next[2] = Target(3, "web/api", "UP 2/3");

        var second = BoardModel.Next(first, 2, next, default);

        Assert.Equal([2], second.Changed);
        Assert.Same(first.Layout, second.Layout);
        Assert.Equal([1], second.InState("up"));
        Assert.Equal([2, 4], second.InState("changing"));
    }

    [Fact]
    public void An_added_target_gives_a_new_layout_and_no_list_of_changes_but_keeps_the_same_groups()
    {
        var first = BoardModel.Next(BoardModel.Empty, 1, [.. Targets], default);
        TargetSnapshot[] next = [.. Targets[..3], Target(6, "web/b", "UP"), .. Targets[3..]];

        var second = BoardModel.Next(first, 2, next, default);

        Assert.Null(second.Changed);
        Assert.NotSame(first.Layout, second.Layout);
        Assert.Same(first.Layout.Groups, second.Layout.Groups);
        Assert.Equal(BoardRow.Header("web", 4), second.Layout.Rows[3]);
        Assert.Equal([1, 2, 3], second.InState("up"));
    }
}
