using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Pages.Events;

namespace HealthChecker.Tests.Web.Components.Pages.Events;

/// <summary>The events page's filters and the starts of the pages it has shown.</summary>
public sealed class EventsQueryTests
{
    private static readonly StateChangeCursor Second = new(new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), 20);
    private static readonly StateChangeCursor Third = new(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 10);

    [Fact]
    public void Blank_filters_are_left_out_and_the_search_is_trimmed()
    {
        var query = new EventsQuery();
        Assert.Equal(new StateChangeFilter(), query.Filter());
        Assert.False(query.Filtered);

        query.Search = "  web/api ";
        query.Group = "web";
        query.State = "DOWN";

        Assert.Equal(new StateChangeFilter(Search: "web/api", Group: "web", State: "DOWN"), query.Filter());
        Assert.True(query.Filtered);
    }

    [Fact]
    public void Older_pages_stack_up_newer_goes_back_one_and_newest_goes_back_to_page_one()
    {
        var query = new EventsQuery();
        Assert.True(query.AtNewest);
        Assert.Equal(1, query.PageNumber);
        Assert.Null(query.Newer);

        query.ShowOlder(Second);
        query.ShowOlder(Third);
        Assert.Equal(3, query.PageNumber);
        Assert.Equal(Second, query.Newer);

        query.ShowNewer();
        Assert.Equal(2, query.PageNumber);
        Assert.Null(query.Newer);

        query.ShowOlder(Third);
        query.ShowNewest();
        Assert.True(query.AtNewest);
        Assert.Equal(1, query.PageNumber);

        query.ShowNewer();
        Assert.Equal(1, query.PageNumber);
    }
}
