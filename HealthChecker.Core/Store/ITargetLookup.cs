namespace HealthChecker.Core.Store;

/// <summary>One stored target by id, for the pages that show or edit it.</summary>
public interface ITargetLookup
{
    /// <summary>One target, or null when there is none with this id.</summary>
    Task<TargetRecord?> GetAsync(long id, CancellationToken ct = default);
}
