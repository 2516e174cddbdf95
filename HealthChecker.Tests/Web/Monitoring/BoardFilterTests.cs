using HealthChecker.Core.Scheduling;
using HealthChecker.Web.Monitoring;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The dashboard's filter: which rows it lists, and when a new board keeps them.</summary>
public sealed class BoardFilterTests
{
    private static readonly TargetSnapshot[] Targets =
        [Target(1, "mail/imap", "MAINT"), Target(2, "mail/smtp", "UP"), Target(3, "web/api", "UP"), Target(4, "web/db", "DOWN"), Target(5, "web/smtp-relay", "UP")];

    private static readonly BoardModel Board = BoardModel.Next(BoardModel.Empty, 1, [.. Targets], default);

    [Fact]
    public void No_filter_lists_the_layout_s_own_rows_and_every_target()
    {
        var (rows, shown) = BoardFilter.None.Rows(Board);

        Assert.Same(Board.Layout.Rows, rows);
        Assert.Equal(5, shown);
        Assert.False(BoardFilter.None.WithSearch("  ").IsSet);
    }

    [Fact]
    public void A_search_lists_matching_names_ignoring_case_and_spaces_under_their_group_headers_with_counts()
    {
        var (rows, shown) = BoardFilter.None.WithSearch(" SMTP ").Rows(Board);

        Assert.Equal([BoardRow.Header("mail", 1), BoardRow.Of(1), BoardRow.Header("web", 1), BoardRow.Of(4)], rows);
        Assert.Equal(2, shown);
    }

    [Fact]
    public void State_and_group_together_list_only_targets_in_both()
    {
        var (rows, shown) = BoardFilter.None.WithState("up").WithGroup("web").Rows(Board);

        Assert.Equal([BoardRow.Header("web", 2), BoardRow.Of(2), BoardRow.Of(4)], rows);
        Assert.Equal(2, shown);
        var (downRows, downShown) = BoardFilter.None.WithState("down").Rows(Board);
        Assert.Equal([BoardRow.Header("web", 1), BoardRow.Of(3)], downRows);
        Assert.Equal(1, downShown);
    }

    [Fact]
    public void A_new_check_of_a_listed_target_keeps_the_rows_and_touches_them_one_of_an_unlisted_target_does_not_touch()
    {
        var filter = BoardFilter.None.WithGroup("web");
        TargetSnapshot[] next = [.. Targets];
        next[2] = Target(3, "web/api", "UP", recent: [true]);
        var listedChanged = BoardModel.Next(Board, 2, next, default);

        Assert.True(filter.KeepsRows(Board, listedChanged, out var touched));
        Assert.True(touched);

        TargetSnapshot[] other = [.. Targets];
        other[1] = Target(2, "mail/smtp", "UP", recent: [true]);
        var unlistedChanged = BoardModel.Next(Board, 2, other, default);

        Assert.True(filter.KeepsRows(Board, unlistedChanged, out touched));
        Assert.False(touched);
    }

    [Fact]
    public void A_target_leaving_the_filtered_state_or_a_board_that_does_not_follow_rebuilds_the_rows()
    {
        var filter = BoardFilter.None.WithState("up");
        TargetSnapshot[] next = [.. Targets];
        next[2] = Target(3, "web/api", "DOWN");
        var left = BoardModel.Next(Board, 2, next, default);

        Assert.False(filter.KeepsRows(Board, left, out _));
        Assert.False(BoardFilter.None.KeepsRows(BoardModel.Empty, left, out _));
    }
}
