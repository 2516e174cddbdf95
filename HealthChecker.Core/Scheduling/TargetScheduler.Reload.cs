using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>Replacing the whole list (a reloaded targets file): only what differs is touched.</summary>
public sealed partial class TargetScheduler
{
    /// <summary>
    /// Makes the scheduled targets exactly <paramref name="definitions"/>: new names are added (first checks
    /// spread), changed ones updated, missing ones removed; unchanged ones keep their health and schedule.
    /// </summary>
    public Task<ReloadSummary> ReplaceAllAsync(IReadOnlyList<TargetDefinition> definitions, CancellationToken cancellationToken = default) =>
        ReplaceAllAsync(definitions.Select(d => (d, (long?)null)).ToList(), cancellationToken);

    /// <summary>As above, each target with the id its store knows it by (carried in results, changes and snapshots).</summary>
    public async Task<ReloadSummary> ReplaceAllAsync(IReadOnlyList<(TargetDefinition Definition, long? Id)> targets, CancellationToken cancellationToken = default)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wanted = targets.ToDictionary(t => t.Definition.FullName, StringComparer.Ordinal);
            int removed = 0, changed = 0, unchanged = 0;
            foreach (var name in _targets.Keys.Where(n => !wanted.ContainsKey(n)).ToList())
            {
                removed += await RemoveAsync(name).ConfigureAwait(false) ? 1 : 0;
            }
            var added = new List<(TargetDefinition, long?)>();
            foreach (var (definition, id) in targets)
            {
                if (!_targets.TryGetValue(definition.FullName, out var existing))
                {
                    added.Add((definition, id));
                }
                else if (existing.Snapshot.Id == id && existing.Snapshot.Definition == definition)
                {
                    unchanged++;
                }
                else
                {
                    changed += await UpdateAsync(definition, id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
            }
            int addedCount = await AddRangeAsync(added, cancellationToken).ConfigureAwait(false);
            return new ReloadSummary(addedCount, changed, removed, unchanged);
        }
        finally
        {
            _reload.Release();
        }
    }
}
