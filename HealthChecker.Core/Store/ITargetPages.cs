namespace HealthChecker.Core.Store;

/// <summary>
/// Stored targets a page at a time in list order (group, then name), by keyset: a page costs the same at the
/// start of the list and at its end, and a target added or deleted meanwhile shifts no other page.
/// </summary>
public interface ITargetPages
{
    /// <summary>How many targets are stored.</summary>
    Task<int> CountAsync(CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> targets after <paramref name="after"/> (from the first when null), in list order.</summary>
    Task<IReadOnlyList<TargetRecord>> PageAfterAsync(TargetKey? after, int limit, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> targets just before <paramref name="before"/>, in list order.</summary>
    Task<IReadOnlyList<TargetRecord>> PageBeforeAsync(TargetKey before, int limit, CancellationToken ct = default);
}
