using HealthChecker.Web.Monitoring;

namespace HealthChecker.Tests.Web.Monitoring;

public sealed class HeapTrimPolicyTests
{
    [Fact]
    public void A_large_delete_asks_once_when_the_count_stops_falling()
    {
        var policy = new HeapTrimPolicy(minimumDrop: 1000);

        // Imported, then deleted in batches over several looks; the count then stays.
        int[] counts = [0, 50_000, 100_000, 100_000, 80_000, 40_000, 10, 0, 0, 0, 0];
        var asked = counts.Select(policy.ShouldTrim).ToList();

        Assert.Equal([false, false, false, false, false, false, false, false, true, false, false], asked);
    }

    [Fact]
    public void Small_changes_and_growth_never_ask()
    {
        var policy = new HeapTrimPolicy(minimumDrop: 1000);

        int[] counts = [500, 500, 1_400, 1_400, 600, 600, 600, 2_000, 2_000, 1_100, 1_100];

        Assert.All(counts, count => Assert.False(policy.ShouldTrim(count)));
    }

    [Fact]
    public void A_drop_counts_from_the_highest_since_the_last_time()
    {
        var policy = new HeapTrimPolicy(minimumDrop: 1000);

        // 900 gone, then 300 more: 1 200 below the highest once settled.
        int[] counts = [3_000, 3_000, 2_100, 2_100, 1_800, 1_800, 1_800];

        Assert.Equal([false, false, false, false, false, true, false], counts.Select(policy.ShouldTrim));
    }
}
