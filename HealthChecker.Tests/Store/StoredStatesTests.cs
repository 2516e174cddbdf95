using HealthChecker.Core.Health;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

/// <summary>What a target resumes from: its latest state change and its latest check within the bound, for a whole burst at once.</summary>
public sealed class StoredStatesTests
{
    [Fact]
    public async Task Each_target_resumes_from_its_latest_state_and_its_latest_check_since_the_bound_and_unknown_targets_are_absent()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        long up = await AddTargetAsync(db, "up"), down = await AddTargetAsync(db, "down"), old = await AddTargetAsync(db, "old"), fresh = await AddTargetAsync(db, "new");
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await ExecuteAsync(db, """
            INSERT INTO state_changes (target_id, at, from_state, to_state) VALUES
                (@up, @t0, 'UNKNOWN', 'UP'), (@up, @t1, 'UP', 'DOWN'), (@up, @t2, 'DOWN', 'UP'),
                (@down, @t0, 'UNKNOWN', 'DOWN'), (@old, @t0, 'UNKNOWN', 'UP');
            INSERT INTO check_results (target_id, checked_at, status, passed, duration_ms) VALUES
                (@up, @c1, 'L4OK', true, 1), (@up, @c2, 'L4OK', true, 1), (@down, @c1, 'L4CON', false, 1), (@old, @c0, 'L4OK', true, 1);
            """, new
        {
            up, down, old,
            t0 = now.AddHours(-3).UtcDateTime, t1 = now.AddHours(-2).UtcDateTime, t2 = now.AddHours(-1).UtcDateTime,
            c0 = now.AddMinutes(-10).UtcDateTime, c1 = now.AddSeconds(-3).UtcDateTime, c2 = now.AddSeconds(-1).UtcDateTime,
        });

        var resumed = await StoredStates.ResumeAsync(db, [up, down, old, fresh], now.AddSeconds(-30));

        Assert.Equal(3, resumed.Count);
        Assert.Equal(new(TargetState.Up, now.AddSeconds(-1)), resumed[up]);
        Assert.Equal(new(TargetState.Down, now.AddSeconds(-3)), resumed[down]);
        // Checked before the bound: nothing to wait for, only the state.
        Assert.Equal(new(TargetState.Up, null), resumed[old]);
        Assert.False(resumed.ContainsKey(fresh));
    }
}
