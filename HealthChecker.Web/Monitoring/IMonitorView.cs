using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// What pages read about the running engine: its in-memory snapshot, never the database. History
/// (charts, events, uptime) comes from PostgreSQL; the live state comes from here.
/// </summary>
public interface IMonitorView
{
    /// <summary>True once the engine runs with the stored targets loaded; false before start and after stop.</summary>
    bool Running { get; }

    /// <summary>Increases on every published check result or state change; a page compares it to skip a render.</summary>
    long Version { get; }

    /// <summary>Every target as of its latest check or change (in a cluster, the other nodes' too), ordered by group, then name (ordinal).</summary>
    IReadOnlyList<TargetSnapshot> Snapshot();

    /// <summary>
    /// The dashboard's rows, built at most once per <see cref="Changed"/> tick and shared by every page: the ordered
    /// snapshot, its groups and state lists, and the positions changed since the board before. Up to one tick behind
    /// <see cref="Version"/> while pages listen; a page re-reads it on <see cref="Changed"/>.
    /// </summary>
    BoardModel Board();

    /// <summary>
    /// Up to <paramref name="limit"/> targets in list order after the one named <paramref name="after"/> (from the first
    /// when null), with how many are scheduled; costs the page, not the whole list.
    /// </summary>
    TargetStatePage Page(TargetKey? after, int limit);

    /// <summary>The target with this stored id, or null when the engine does not run it.</summary>
    TargetSnapshot? Find(long id);

    /// <summary>True when another node checks this target and did not answer the latest pull: its values are the last known ones.</summary>
    bool IsStale(long id) => false;

    /// <summary>The node that checks this target (from the shard map and the membership); null when none is known.</summary>
    TargetOwner? OwnerOf(long id) => null;

    /// <summary>Totals: targets, up, down, in maintenance, checks run.</summary>
    SchedulerCounts Counts();

    /// <summary>Results and state changes dropped since start because the buffer overflowed while the database was unreachable.</summary>
    long DroppedResults { get; }

    /// <summary>True while the result writer cannot reach the database (results are being buffered).</summary>
    bool DatabaseUnreachable { get; }

    /// <summary>
    /// Raised after the snapshot changed, off the engine's loop threads and coalesced (at most a few times
    /// a second, and within a second of the change), so a page can re-render from <see cref="Snapshot"/>.
    /// </summary>
    event Action? Changed;
}

/// <summary>A page of live states: <see cref="Total"/> scheduled, and <see cref="More"/> when targets follow the page.</summary>
public sealed record TargetStatePage(IReadOnlyList<TargetSnapshot> Targets, int Total, bool More)
{
    public static readonly TargetStatePage None = new([], 0, false);
}
