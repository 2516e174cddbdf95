using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

public class HistoryStoreTests
{
    [Fact]
    public async Task Reads_results_intervals_and_daily_availability_of_the_views()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "web", "http");
        var other = await AddTargetAsync(db, "other");
        await HistorySchemaTests.InsertConstructedHistoryAsync(db, target);
        await ExecuteAsync(db, """
            INSERT INTO check_results VALUES
                (@target, '2026-01-01 22:00:05Z', 'L7OK', true, 12, 200, NULL),
                (@target, '2026-01-01 23:00:05Z', 'L4CON', false, 1, NULL, 'Connection refused'),
                (@other, '2026-01-01 23:00:05Z', 'L4OK', true, 1, NULL, NULL)
            """, new { target, other });
        var store = new HistoryStore(db);

        var results = await store.RecentResultsAsync(target, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var intervals = await store.StateIntervalsAsync(target, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 2, 2, 0, 0, DateTimeKind.Utc));
        var days = await store.AvailabilityDailyAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2));

        Assert.Equal([("L4CON", (short?)null, "Connection refused"), ("L7OK", (short?)200, null)], results.Select(r => (r.Status, r.HttpCode, r.Info)));
        Assert.Equal("web", results[0].TargetName);
        Assert.Equal(["DOWN", "UP", "UNKNOWN", "MAINT"], intervals.Select(i => i.State));
        Assert.Equal([(new DateTime(2026, 1, 1), 50.000m), (new DateTime(2026, 1, 2), 87.500m)], days.Select(d => (d.Day, d.UptimePct!.Value)));
    }
}
