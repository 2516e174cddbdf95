namespace HealthChecker.Core.Store;

/// <summary>What the events page reads: state changes across targets, and the groups to filter them by.</summary>
public interface IStateChangeLog
{
    /// <summary>State changes newest first, restricted by <paramref name="filter"/>, starting after <paramref name="after"/> (keyset paging).</summary>
    Task<StateChangePage> StateChangesAsync(StateChangeFilter filter, int pageSize, StateChangeCursor? after = null, CancellationToken ct = default);

    /// <summary>The groups that have targets, in order, for filters.</summary>
    Task<IReadOnlyList<string>> GroupsAsync(CancellationToken ct = default);
}
