using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>Applying a wanted set of targets (a reloaded file, the targets table): only what differs is touched.</summary>
public sealed partial class TargetScheduler
{
    /// <summary>
    /// Makes the scheduled targets exactly <paramref name="definitions"/>: new names are added (first checks
    /// spread), changed ones updated, missing ones removed; unchanged ones keep their health and schedule.
    /// </summary>
    public Task<ReloadSummary> ReplaceAllAsync(IReadOnlyList<TargetDefinition> definitions, CancellationToken cancellationToken = default) =>
        ReplaceAllAsync(definitions.Select(d => (d, (long?)null)).ToList(), cancellationToken);

    /// <summary>As above, each target with the id its store knows it by (carried in results, changes and snapshots).</summary>
    public async Task<ReloadSummary> ReplaceAllAsync(IReadOnlyList<(TargetDefinition Definition, long? Id)> targets, CancellationToken cancellationToken = default) =>
        (await ReconcileAsync(targets, _ => true, cancellationToken: cancellationToken).ConfigureAwait(false)).Summary;

    /// <summary>
    /// The one reconciler: makes the scheduled targets that <paramref name="inScope"/> selects (and any that holds a
    /// wanted name) exactly <paramref name="wanted"/>. A name held by another id is replaced, not updated: health
    /// belongs to the id. <paramref name="beforeAdd"/> sees the new targets just before they are added together; those with an
    /// entry in <paramref name="resumed"/> go on from it (see <see cref="AddRangeAsync(IReadOnlyList{ValueTuple{TargetDefinition, long?}}, IReadOnlyDictionary{long, ResumedHealth}?, CancellationToken)"/>).
    /// The targets out of <paramref name="wanted"/> are removed for <paramref name="reason"/>; a name taken by another id always as deleted.
    /// </summary>
    public async Task<Reconciled> ReconcileAsync(IReadOnlyList<(TargetDefinition Definition, long? Id)> wanted, Func<TargetSnapshot, bool> inScope,
        Action<IReadOnlyList<(TargetDefinition Definition, long? Id)>>? beforeAdd = null, CancellationToken cancellationToken = default,
        IReadOnlyDictionary<long, ResumedHealth>? resumed = null, RemovalReason reason = RemovalReason.Deleted)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var names = wanted.Select(t => t.Definition.FullName).ToHashSet(StringComparer.Ordinal);
            var removed = new List<TargetSnapshot>();
            foreach (var (name, target) in _targets.ToList())
            {
                if (!names.Contains(name) && inScope(target.Snapshot) && await RemoveAsync(name, reason).ConfigureAwait(false))
                {
                    removed.Add(target.Snapshot);
                }
            }

            var added = new List<(TargetDefinition Definition, long? Id)>();
            int changed = 0, unchanged = 0;
            var addedNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (definition, id) in wanted)
            {
                if (addedNames.Contains(definition.FullName))
                {
                    // A name wanted twice: the first one is added, as the scheduler itself would.
                    continue;
                }

                if (Find(definition.FullName) is not { } running)
                {
                    added.Add((definition, id));
                    addedNames.Add(definition.FullName);
                }
                else if (running.Id != id && id is not null)
                {
                    removed.Add(running);
                    await RemoveAsync(running.Target).ConfigureAwait(false);
                    added.Add((definition, id));
                    addedNames.Add(definition.FullName);
                }
                else if (running.Id == id && running.Definition == definition)
                {
                    unchanged++;
                }
                else
                {
                    changed += await UpdateAsync(definition, id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
            }

            if (added.Count > 0)
            {
                beforeAdd?.Invoke(added);
                await AddRangeAsync(added, resumed, cancellationToken).ConfigureAwait(false);
            }

            return new Reconciled(added, changed, removed, unchanged);
        }
        finally
        {
            _reload.Release();
        }
    }
}
