using System.Collections.Concurrent;

namespace HealthChecker.Web.Monitoring;

/// <summary>A stored target the engine does not check because it cannot be read, and why.</summary>
public sealed record UnreadableTarget(long Id, string FullName, string Problem);

/// <summary>
/// The stored targets the target sync could not read (so not scheduled), for the dashboard to name: a target that is
/// not checked must not just be missing from it. Written by the sync, read by pages; thread-safe.
/// </summary>
public sealed class UnreadableTargets
{
    private readonly ConcurrentDictionary<long, UnreadableTarget> _targets = new();
    private long _version;

    /// <summary>Moves on each change, so that a page knows when to draw the list again.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Every unreadable target, by name.</summary>
    public IReadOnlyList<UnreadableTarget> All() => [.. _targets.Values.OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public void Set(UnreadableTarget target)
    {
        if (!_targets.TryGetValue(target.Id, out var known) || known != target)
        {
            _targets[target.Id] = target;
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>The target with <paramref name="id"/> was read (or deleted).</summary>
    public void Clear(long id)
    {
        if (_targets.TryRemove(id, out _))
        {
            Interlocked.Increment(ref _version);
        }
    }
}
