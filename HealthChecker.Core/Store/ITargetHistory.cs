namespace HealthChecker.Core.Store;

/// <summary>What a target's page reads of its history: uptime, state changes, recent results and the chart's points.</summary>
public interface ITargetHistory
{
    /// <summary>The target's time-weighted uptime over each window ending at <paramref name="to"/>, in the order given.</summary>
    Task<IReadOnlyList<UptimeRecord>> UptimeAsync(long targetId, DateTime to, IReadOnlyList<TimeSpan> windows, CancellationToken ct = default);

    /// <summary>State changes newest first, restricted by <paramref name="filter"/>, starting after <paramref name="after"/> (keyset paging).</summary>
    Task<StateChangePage> StateChangesAsync(StateChangeFilter filter, int pageSize, StateChangeCursor? after = null, CancellationToken ct = default);

    /// <summary>The target's results since <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<CheckHistoryRecord>> RecentResultsAsync(long targetId, DateTime since, int limit = 1000, CancellationToken ct = default);

    /// <summary>The target's raw result points between <paramref name="from"/> and <paramref name="to"/>.</summary>
    Task<IReadOnlyList<ResultPoint>> ResultPointsAsync(long targetId, DateTime from, DateTime to, CancellationToken ct = default);

    /// <summary>The target's rollups of <paramref name="grain"/> between <paramref name="from"/> and <paramref name="to"/>.</summary>
    Task<IReadOnlyList<RollupRecord>> RollupsAsync(long targetId, RollupGrain grain, DateTime from, DateTime to, CancellationToken ct = default);
}
